// libFuzzer target: the configuration endpoint's request parser
// (node/config_endpoint_protocol.h), driven as the daemon drives it: bytes
// arrive in chunks, discovery requests are answered and removed, the first
// other request hands the rest to a node. Whatever the bytes and however
// they are cut, the parser must make progress, hold back at most one short
// partial line, and reach the same decisions as on the whole input at once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "node/config_endpoint_protocol.h"

namespace {

using cachectl::node::ClientRequestKind;
using cachectl::node::parse_client_request;

struct Outcome {
  std::vector<ClientRequestKind> answered;
  std::size_t forwarded_from = std::string::npos;  // offset where forwarding began
  std::size_t held = 0;                            // bytes still waiting at the end
};

void check(bool condition) {
  if (!condition) std::abort();
}

// Feeds `input` in pieces whose sizes come from `cuts` (cycled).
Outcome drive(std::string_view input, std::string_view cuts) {
  Outcome out;
  std::string buffered;
  std::size_t consumed = 0, fed = 0, turn = 0;
  while (fed < input.size() && out.forwarded_from == std::string::npos) {
    std::size_t piece =
        cuts.empty() ? input.size() : 1 + static_cast<unsigned char>(cuts[turn++ % cuts.size()]);
    piece = std::min(piece, input.size() - fed);
    buffered.append(input.substr(fed, piece));
    fed += piece;
    for (;;) {
      auto r = parse_client_request(buffered);
      if (r.kind == ClientRequestKind::kNeedMore) {
        check(r.length == 0 && buffered.size() <= 31);
        break;
      }
      if (r.kind == ClientRequestKind::kForward) {
        check(r.length == 0);
        out.forwarded_from = consumed;
        break;
      }
      // A discovery request: a whole line, consumed, never empty.
      check(r.length > 0 && r.length <= buffered.size() && buffered[r.length - 1] == '\n');
      out.answered.push_back(r.kind);
      buffered.erase(0, r.length);
      consumed += r.length;
    }
  }
  out.held = out.forwarded_from == std::string::npos ? buffered.size() : 0;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  // The first bytes (up to the first 0xff, at most 8) say how to cut the rest.
  std::size_t split = std::min<std::size_t>(all.find('\xff'), 8);
  std::string_view cuts = all.substr(0, std::min(split, all.size()));
  std::string_view input = split < all.size() ? all.substr(split + 1) : std::string_view();
  Outcome whole = drive(input, {});
  Outcome pieces = drive(input, cuts);
  check(whole.answered == pieces.answered);
  check(whole.forwarded_from == pieces.forwarded_from);
  check(whole.held == pieces.held);
  return 0;
}
