// The Memcached configuration endpoint under abuse, against real memcached:
// a client that never reads its replies, more connections than descriptors,
// idle connections (docs/architecture.md gives the limits).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A TCP connection with a receive timeout, closed when it goes out of scope.
class Connection {
 public:
  Connection(const std::string& address, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    timeval tv{10, 0};
    if (fd_ >= 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool send_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until `ending` ends what was read (and at least `at_least` bytes
  // came), the peer closes, or 10 s pass without a byte.
  std::string read_until(const std::string& ending, std::size_t at_least = 0) {
    std::string got;
    char buf[65536];
    while (got.size() < at_least || got.size() < ending.size() ||
           got.compare(got.size() - ending.size(), ending.size(), ending) != 0) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }
  // True when the peer closed the connection (read returns 0 or a reset)
  // within the receive timeout.
  bool closed_by_peer() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A "Name:   N kB" line of /proc/PID/status, in kB.
long proc_status_kb(int pid, const std::string& name) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/status");
  std::size_t at = text.find(name + ":");
  if (at == std::string::npos) return -1;
  return std::strtol(text.c_str() + at + name.size() + 1, nullptr, 10);
}

class ConfigEndpoint : public CachectlTest {
 protected:
  void TearDown() override {
    ::unsetenv("CACHECTL_CONFIG_ENDPOINT_IDLE_MS");
    CachectlTest::TearDown();
  }
  // A Memcached cluster of `nodes` nodes, created by `launcher` + cachectl
  // (the daemons inherit its limits); returns the configuration endpoint.
  std::string create_memcached(int nodes, std::vector<std::string> launcher = {}) {
    std::vector<std::string> argv = launcher;
    for (std::string a :
         {bin_dir_ + "/cachectl", std::string("--state-dir"), home_,
          std::string("create-cache-cluster"), std::string("--cache-cluster-id"), std::string("mc"),
          std::string("--engine"), std::string("memcached"), std::string("--cache-node-type"),
          std::string("cache.m5.large"), std::string("--num-cache-nodes"), std::to_string(nodes)})
      argv.push_back(a);
    RunResult r = run_program(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"});
    EXPECT_EQ(w.exit_code, 0) << w.err;
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", "mc"});
    if (d.is_null()) return "";
    return d["CacheClusters"][0]["ConfigurationEndpoint"]["Address"].get<std::string>();
  }
  int endpoint_pid() { return std::atoi(read_file(home_ + "/nodes/mc/cfg/daemon.pid").c_str()); }
  json endpoint_status(const std::string& address) {
    RunResult r = run_program({"curl", "-sS", "--unix-socket", home_ + "/run/" + address + ".sock",
                               "http://node/v1/status"});
    return json::parse(r.out, nullptr, false);
  }
  // The endpoint's counter `name` under "connections" (-1 when absent).
  long long counter(const std::string& address, const std::string& name) {
    json s = endpoint_status(address);
    if (s.is_discarded() || !s.contains("connections") || !s["connections"].contains(name))
      return -1;
    return s["connections"][name].get<long long>();
  }
  bool answers_discovery(const std::string& address) {
    Connection c(address, 11211);
    if (!c.ok() || !c.send_all("config get cluster\r\n")) return false;
    std::string reply = c.read_until("END\r\n");
    return reply.rfind("CONFIG cluster 0 ", 0) == 0 && reply.ends_with("\r\nEND\r\n");
  }
};

// 150 pipelined gets of a 1 MB value, never read: the endpoint stops
// reading from the node once 64 KiB wait for the client, so its memory stays
// small (it reached 264 MB before), and every byte still arrives when the
// client reads at last.
TEST_F(ConfigEndpoint, PipelinedGetsThatAreNeverReadKeepItsMemoryBounded) {
  std::string cfg = create_memcached(1);
  ASSERT_FALSE(cfg.empty());
  int pid = endpoint_pid();
  ASSERT_GT(pid, 0);
  const std::string value(1000000, 'v');
  Connection c(cfg, 11211);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.send_all("set big 0 0 1000000\r\n" + value + "\r\n"));
  ASSERT_EQ(c.read_until("\r\n"), "STORED\r\n");
  std::string gets;
  for (int i = 0; i < 150; ++i) gets += "get big\r\n";
  ASSERT_TRUE(c.send_all(gets));
  // Wait until the endpoint says it has stopped reading for this client.
  ASSERT_TRUE(wait_until([&] { return counter(cfg, "paused") == 1; }, 20s))
      << endpoint_status(cfg).dump();
  long peak_kb = proc_status_kb(pid, "VmHWM");
  long rss_kb = proc_status_kb(pid, "VmRSS");
  RecordProperty("endpoint_peak_rss_kb", static_cast<int>(peak_kb));
  std::printf("configuration endpoint while paused: VmHWM %ld kB, VmRSS %ld kB\n", peak_kb, rss_kb);
  EXPECT_LT(peak_kb, 16 * 1024) << "peak RSS " << peak_kb << " kB";
  EXPECT_LT(rss_kb, 16 * 1024) << "RSS " << rss_kb << " kB";
  // All 150 replies, whole, once the client reads.
  const std::string reply = "VALUE big 0 1000000\r\n" + value + "\r\nEND\r\n";
  std::string all = c.read_until("END\r\n", reply.size() * 150);
  ASSERT_EQ(all.size(), reply.size() * 150);
  for (int i = 0; i < 150; ++i)
    ASSERT_EQ(all.compare(reply.size() * static_cast<std::size_t>(i), reply.size(), reply), 0)
        << "reply " << i;
  EXPECT_LT(proc_status_kb(pid, "VmHWM"), 16 * 1024);
}

// 200 idle connections that each passed a command through to a node hold
// 400 descriptors; with a limit of 256 the endpoint used to answer new
// clients "Too many open files". It now closes the longest-idle connection
// instead, and a new client is answered.
TEST_F(ConfigEndpoint, TwoHundredIdleConnectionsDoNotKeepANewClientFromDiscovery) {
  std::string cfg = create_memcached(2, {"prlimit", "--nofile=256:256"});
  ASSERT_FALSE(cfg.empty());
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Connection>(cfg, 11211));
    ASSERT_TRUE(idle.back()->ok()) << "connection " << i;
    ASSERT_TRUE(idle.back()->send_all("version\r\n"));
    // The oldest ones may already have been closed to make room.
    idle.back()->read_until("\r\n");
  }
  ASSERT_TRUE(wait_until([&] { return counter(cfg, "accepted") >= 200; }, 10s));
  EXPECT_GT(counter(cfg, "evicted"), 0);
  EXPECT_LE(counter(cfg, "open"), counter(cfg, "max_connections"));
  EXPECT_TRUE(answers_discovery(cfg));
  // And a pass-through client still reaches a node.
  Connection c(cfg, 11211);
  ASSERT_TRUE(c.send_all("version\r\n"));
  EXPECT_EQ(c.read_until("\r\n").rfind("VERSION ", 0), 0u);
}

// With the default limits, 200 connections that never sent a byte stay open
// and discovery is answered.
TEST_F(ConfigEndpoint, TwoHundredSilentConnectionsAndDiscoveryStillAnswered) {
  std::string cfg = create_memcached(1);
  ASSERT_FALSE(cfg.empty());
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Connection>(cfg, 11211));
    ASSERT_TRUE(idle.back()->ok());
  }
  ASSERT_TRUE(wait_until([&] { return counter(cfg, "open") == 200; }, 10s));
  EXPECT_TRUE(answers_discovery(cfg));
  EXPECT_EQ(counter(cfg, "evicted"), 0);
}

// The idle timeout (shortened here through CACHECTL_CONFIG_ENDPOINT_IDLE_MS)
// closes a connection that moves nothing, whether it sent nothing, half a
// line, or passed commands through.
TEST_F(ConfigEndpoint, AnIdleConnectionIsClosedAfterTheTimeout) {
  ::setenv("CACHECTL_CONFIG_ENDPOINT_IDLE_MS", "500", 1);
  std::string cfg = create_memcached(1);
  ASSERT_FALSE(cfg.empty());
  EXPECT_EQ(counter(cfg, "idle_timeout_ms"), 500);
  Connection silent(cfg, 11211), partial(cfg, 11211), passing(cfg, 11211);
  ASSERT_TRUE(partial.send_all("config get clu"));
  ASSERT_TRUE(passing.send_all("version\r\n"));
  EXPECT_EQ(passing.read_until("\r\n").rfind("VERSION ", 0), 0u);
  EXPECT_TRUE(silent.closed_by_peer());
  EXPECT_TRUE(partial.closed_by_peer());
  EXPECT_TRUE(passing.closed_by_peer());
  EXPECT_GE(counter(cfg, "idle_closed"), 3);
}

// Garbage, huge lines and half lines neither crash the endpoint nor stop it
// answering others.
TEST_F(ConfigEndpoint, GarbageAndHugeLinesLeaveItServing) {
  std::string cfg = create_memcached(1);
  ASSERT_FALSE(cfg.empty());
  int pid = endpoint_pid();
  {
    Connection huge(cfg, 11211);
    // memcached closes a connection whose line runs on; the send may fail.
    huge.send_all(std::string(4 << 20, 'a'));
    Connection binary(cfg, 11211);
    std::string bytes;
    for (int i = 0; i < 65536; ++i) bytes += static_cast<char>((i * 7919) & 0xff);
    binary.send_all(bytes);
    Connection half(cfg, 11211);
    ASSERT_TRUE(half.send_all("config get cluster\r"));
    EXPECT_TRUE(answers_discovery(cfg));
  }
  std::string one;
  {
    Connection single(cfg, 11211);
    ASSERT_TRUE(single.send_all("config get cluster\r\n"));
    one = single.read_until("END\r\n");
  }
  ASSERT_FALSE(one.empty());
  Connection pipelined(cfg, 11211);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += i % 2 ? "config get cluster\n" : "config get cluster\r\n";
  ASSERT_TRUE(pipelined.send_all(many));
  std::string all = pipelined.read_until("END\r\n", one.size() * 1000);
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += one;
  EXPECT_EQ(all, expected);
  EXPECT_EQ(endpoint_pid(), pid);
  EXPECT_EQ(::kill(pid, 0), 0);
  EXPECT_TRUE(answers_discovery(cfg));
}

}  // namespace
}  // namespace cachectl::testing
