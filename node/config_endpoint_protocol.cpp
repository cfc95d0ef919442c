#include "node/config_endpoint_protocol.h"

namespace cachectl::node {
namespace {

constexpr std::string_view kConfigGetCluster = "config get cluster";
constexpr std::string_view kLegacyGetCluster = "get AmazonElastiCache:cluster";

// True when `partial` (no "\n" in it) can still grow into `request` + "\r\n".
bool could_become(std::string_view partial, std::string_view request) {
  if (partial.size() <= request.size()) return request.substr(0, partial.size()) == partial;
  return partial.size() == request.size() + 1 && partial.substr(0, request.size()) == request &&
         partial.back() == '\r';
}

}  // namespace

ClientRequest parse_client_request(std::string_view buffered) {
  std::size_t eol = buffered.find('\n');
  if (eol == std::string_view::npos) {
    bool pending =
        could_become(buffered, kConfigGetCluster) || could_become(buffered, kLegacyGetCluster);
    return {pending ? ClientRequestKind::kNeedMore : ClientRequestKind::kForward, 0};
  }
  std::string_view line = buffered.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line == kConfigGetCluster) return {ClientRequestKind::kConfigGetCluster, eol + 1};
  if (line == kLegacyGetCluster) return {ClientRequestKind::kLegacyGetCluster, eol + 1};
  return {ClientRequestKind::kForward, 0};
}

}  // namespace cachectl::node
