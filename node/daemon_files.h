// What every cachectl-node daemon (node, configuration endpoint,
// replication group) does the same way when it starts: take its
// directory's lock, turn signals into a descriptor for its poll loop, tell
// its launcher how the start went, and leave its pid file.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace cachectl::node {

// DIR/daemon.lock, held for the life of the process (the kernel lets go
// when it dies): false when another daemon holds it.
bool take_daemon_lock(const std::filesystem::path& dir);

// Blocks SIGTERM, SIGINT, SIGHUP (and SIGCHLD with `children`), ignores
// SIGPIPE, and returns a non-blocking signalfd for them.
int signal_descriptor(bool children);

// Reads every pending signal from signal_descriptor()'s descriptor: whether
// one of them asks the daemon to stop (SIGTERM, SIGINT, SIGHUP). SIGCHLD
// only wakes the loop, which then reaps its children.
bool read_stop_signals(int signal_fd);

// poll(2)'s timeout until `deadline`: 0 when due, else rounded up (waking
// before a deadline only to wait again would spin), at most `cap`.
int poll_timeout(std::chrono::steady_clock::time_point deadline,
                 std::chrono::steady_clock::time_point now,
                 std::chrono::milliseconds cap = std::chrono::milliseconds(1000));

// One line ("ok" or "error: ...") on the launcher's descriptor, if any.
void tell_launcher(int fd, const std::string& message);

// DIR/daemon.pid, whole or absent (a temporary renamed into place): a
// daemon killed while writing it must not leave a truncated pid file,
// which every later command would report as broken.
void write_pid_file(const std::filesystem::path& dir);

}  // namespace cachectl::node
