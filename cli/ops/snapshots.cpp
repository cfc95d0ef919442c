// describe-snapshots, delete-snapshot and copy-snapshot over the snapshot
// store. Snapshots outlive their clusters.
#include "core/snapshots.h"

#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/files.h"
#include "core/identifiers.h"

namespace cachectl::cli {

core::Result<nlohmann::json> describe_snapshots(Context& ctx, const nlohmann::json& request) {
  auto limit = opt_int(request, "MaxRecords").value_or(50);
  if (limit < 20 || limit > 50) return core::invalid_value("MaxRecords must be between 20 and 50.");
  auto source = opt_string(request, "SnapshotSource");
  if (source && *source != "manual" && *source != "system") {
    return core::invalid_value("SnapshotSource must be manual or system.");
  }
  auto cluster = opt_string(request, "CacheClusterId");
  auto name = opt_string(request, "SnapshotName");
  core::SnapshotStore store(ctx.home());
  std::vector<std::string> names = name ? std::vector<std::string>{*name} : store.list_names();
  if (name && !store.get(*name).ok()) {
    return core::ApiError{"SnapshotNotFoundFault", "Snapshot " + *name + " not found."};
  }
  std::string marker = opt_string(request, "Marker").value_or("");
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json response = nlohmann::json::object();
  for (const auto& n : names) {
    if (!marker.empty() && n <= marker) continue;
    auto s = store.get(n);
    if (!s) {
      if (s.error().code == "SnapshotNotFoundFault") continue;  // deleted meanwhile
      return s.error();
    }
    if (cluster && s->cluster.id != *cluster) continue;
    if (source && s->source != *source) continue;
    if (static_cast<long long>(list.size()) == limit) {
      response["Marker"] = list.back()["SnapshotName"];
      break;
    }
    list.push_back(core::snapshot_json(*s, "available", ctx.region));
  }
  // Snapshots outlive clusters: an unknown cluster is an error only when
  // no snapshot of it exists either.
  if (cluster && list.empty() && !ctx.registry.get(*cluster).ok()) {
    return core::ApiError{"CacheClusterNotFound", "CacheCluster not found: " + *cluster};
  }
  response["Snapshots"] = list;
  return response;
}

core::Result<nlohmann::json> delete_snapshot(Context& ctx, const nlohmann::json& request) {
  std::string name = opt_string(request, "SnapshotName").value_or("");
  core::SnapshotStore store(ctx.home());
  auto s = store.get(name);
  if (!s) return s.error();
  if (auto err = store.remove(name)) return *err;
  return nlohmann::json{{"Snapshot", core::snapshot_json(*s, "deleting", ctx.region)}};
}

core::Result<nlohmann::json> copy_snapshot(Context& ctx, const nlohmann::json& request) {
  core::SnapshotStore store(ctx.home());
  std::string source_name = opt_string(request, "SourceSnapshotName").value_or("");
  auto source = store.get(source_name);
  if (!source) return source.error();
  if (opt_string(request, "TargetBucket")) {
    return core::invalid_value(
        "TargetBucket (export) is not implemented by this version of cachectl; nothing was "
        "copied.");
  }
  auto target = core::normalize_name(opt_string(request, "TargetSnapshotName").value_or(""),
                                     "TargetSnapshotName", 255);
  if (!target) return target.error();
  auto work = store.begin(*target);
  if (!work) return work.error();
  for (const auto& n : source->nodes) {
    std::error_code ec;
    // Snapshots are never written after publication: a hard link is a copy.
    core::fs::create_hard_link(store.rdb(source_name, n.cache_node_id),
                               *work / (n.cache_node_id + ".rdb"), ec);
    if (ec) {
      store.discard(*work);
      return core::ApiError{core::kInvalidConfiguration,
                            "cannot copy " + source_name + ": " + ec.message()};
    }
  }
  core::SnapshotRecord copy = *source;
  copy.name = *target;
  copy.source = "manual";
  if (auto err = store.publish(*work, copy)) return *err;
  return nlohmann::json{{"Snapshot", core::snapshot_json(copy, "available", ctx.region)}};
}

}  // namespace cachectl::cli
