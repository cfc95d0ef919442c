// `cachectl serve`: the ElastiCache Query API on a local HTTP endpoint, for
// aws-cli (--endpoint-url), the SDKs and Terraform, over the same state home
// as the command line (serve/ holds the server). Its own command line:
//
//   cachectl [--state-dir DIR] [--region R] serve [--listen ADDRESS:PORT]
//       [--credentials FILE] [--workers N] [--request-timeout S] [--idle-timeout S]
//
// and `cachectl __serve-worker ...`, the worker processes it starts.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cachectl::cli {

inline constexpr const char* kDefaultListen = "127.0.0.1:9736";

// One paragraph for help and the man page.
const char* serve_summary();

// serve's options, "--listen ADDRESS:PORT" -> what it does (help, man page,
// completion).
struct ServeOption {
  const char* name;   // "--listen"
  const char* value;  // "ADDRESS:PORT" ("" for none)
  const char* description;
};
const std::vector<ServeOption>& serve_options();

// The exit status of `cachectl ... serve ...` (args: the whole command
// line after the program name): 0 once stopped by SIGINT/SIGTERM, 252 for
// bad usage, 253 when the address, state home or credentials cannot be used.
int run_serve_command(const std::vector<std::string>& args);

// `cachectl __serve-worker --state-dir DIR --region R [--credentials FILE]`,
// with its socket as descriptor 3 (serve/worker.h).
int run_serve_worker_command(const std::vector<std::string>& args);

}  // namespace cachectl::cli
