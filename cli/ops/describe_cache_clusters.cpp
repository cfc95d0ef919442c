// describe-cache-clusters: one cluster by id (one file read), or all of them
// a page at a time; the Marker is the last id of the previous page.
#include "cli/context.h"
#include "cli/node_status.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "core/identifiers.h"

namespace cachectl::cli {
namespace {
// A page's daemons are asked at once; one that has not answered by then is
// shown as its lock and pid file say, not waited for.
constexpr auto kPageStatusTimeout = std::chrono::milliseconds(1000);
}  // namespace

core::Result<nlohmann::json> describe_cache_clusters(Context& ctx, const nlohmann::json& request) {
  bool show_nodes = opt_bool(request, "ShowCacheNodeInfo", false);
  nlohmann::json clusters = nlohmann::json::array();
  nlohmann::json response = nlohmann::json::object();
  if (auto id = opt_string(request, "CacheClusterId")) {
    std::string lower = *id;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto record = ctx.registry.get(lower);
    if (!record) return record.error();
    // Work a killed command left (an intent nobody holds) is finished or
    // undone first, so what is shown is what is.
    record = settle_if_abandoned(ctx, *record);
    if (!record) return record.error();
    clusters.push_back(live_cluster_json(ctx, *record, show_nodes));
  } else {
    auto limit = max_records(request);
    if (!limit) return limit.error();
    std::string marker = opt_string(request, "Marker").value_or("");
    std::vector<std::string> ids = ctx.registry.list_ids();
    auto it = marker.empty() ? ids.begin() : std::upper_bound(ids.begin(), ids.end(), marker);
    std::vector<core::CacheClusterRecord> page;
    for (; it != ids.end() && static_cast<int>(page.size()) < *limit; ++it) {
      auto record = ctx.registry.get(*it);
      if (record) record = settle_if_abandoned(ctx, *record);
      if (!record) {
        if (record.error().code == "CacheClusterNotFound") continue;  // deleted meanwhile
        return record.error();
      }
      page.push_back(std::move(*record));
    }
    auto statuses = live_node_statuses(ctx, page, kPageStatusTimeout);
    for (std::size_t i = 0; i < page.size(); ++i) {
      clusters.push_back(core::cache_cluster_json(page[i], statuses[i], show_nodes, ctx.region,
                                                  ctx.home().ca_certificate_file().string()));
    }
    if (it != ids.end()) response["Marker"] = clusters.back()["CacheClusterId"];
  }
  response["CacheClusters"] = clusters;
  return response;
}

}  // namespace cachectl::cli
