// The worker processes of `cachectl serve`. The server (serve/server.h) runs
// no operation itself: it hands each complete HTTP request to an idle worker
// and writes back the worker's answer. A worker (`cachectl __serve-worker`,
// started with its end of a socket pair as descriptor 3) answers one request
// at a time, so an operation holds the cluster's operation lock (a POSIX
// record lock, per process: core/intent.h) exactly as a command line does,
// and two requests never share a process's state (docs/decisions.md).
//
// Messages on the socket are frames: a 4-byte length in this machine's
// byte order, then the bytes. The server sends the request as it was
// received (head and body); the worker answers "STATUS REQUEST-ID\n" and
// the XML body. A worker exits when the server's end closes, after the
// request it is answering, if any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "serve/query_api.h"

namespace cachectl::serve {

// Larger frames are refused (the server's requests are at most about 1 MiB).
inline constexpr std::size_t kMaxFrame = 64u << 20;

std::string frame(std::string_view payload);

// Takes the first complete frame off `buffer`; nullopt while it is
// incomplete. A length over kMaxFrame sets `broken`.
std::optional<std::string> take_frame(std::string& buffer, bool& broken);

std::string answer_payload(const QueryAnswer& answer);
std::optional<QueryAnswer> parse_answer_payload(std::string_view payload);

// The worker's loop over descriptor `fd`; returns the exit status.
int run_worker(int fd, const QueryApiConfig& config);

}  // namespace cachectl::serve
