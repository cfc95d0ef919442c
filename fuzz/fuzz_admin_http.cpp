// libFuzzer target: the admin socket's request parser (node/http.cpp) and
// every route's body parser of the admin API contract (core/admin_api.h),
// with what the daemon writes back (error bodies echo parts of the input).
// Nothing here may throw or crash, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/admin_api.h"
#include "node/http.h"

namespace {

namespace admin = cachectl::core::admin;

void answer(const cachectl::core::Status& s) {
  if (s) (void)cachectl::node::http_response(400, admin::to_json(admin::ErrorResponse{s->message}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // As the daemon sees it: a request, then its route's body.
  auto parsed = cachectl::node::parse_http_request(bytes);
  if (parsed.state == cachectl::node::ParseState::kBad)
    (void)cachectl::node::http_response(parsed.status,
                                        admin::to_json(admin::ErrorResponse{parsed.reason}));
  if (parsed.state == cachectl::node::ParseState::kComplete) {
    const auto& req = parsed.request;
    if (const admin::RouteSpec* route = admin::find_route(req.path)) {
      answer(admin::check_request_body(route->route, req.body));
    } else {
      (void)admin::to_json(admin::ErrorResponse{"no such resource: " + req.path.substr(0, 256)});
    }
  }

  // Every body parser on the raw bytes, and a round trip of what parses.
  if (auto r = admin::parse_snapshot_request(bytes)) {
    auto again = admin::parse_snapshot_request(admin::to_json(*r));
    if (!again || again->path != r->path) __builtin_trap();
  } else {
    answer(r.error());
  }
  if (auto r = admin::parse_config_request(bytes)) {
    auto again = admin::parse_config_request(admin::to_json(*r));
    if (!again || again->parameters != r->parameters) __builtin_trap();
  } else {
    answer(r.error());
  }
  if (auto r = admin::parse_no_body(bytes); !r) answer(r.error());
  // The CLI's side: answers from a daemon are untrusted too.
  if (auto r = admin::parse_status_response(bytes)) (void)admin::to_json(*r);
  if (auto r = admin::parse_memory_response(bytes)) (void)admin::to_json(*r);
  if (auto r = admin::parse_snapshot_response(bytes)) (void)admin::to_json(*r);
  if (auto r = admin::parse_config_response(bytes)) (void)admin::to_json(*r);
  if (auto r = admin::parse_error_response(bytes)) (void)admin::to_json(*r);
  return 0;
}
