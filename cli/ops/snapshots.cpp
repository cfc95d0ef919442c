// describe-snapshots, delete-snapshot and copy-snapshot over the snapshot
// store. Snapshots outlive their clusters.
#include "core/snapshots.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/files.h"
#include "core/identifiers.h"
#include "core/tags.h"

namespace cachectl::cli {

namespace {

// copy-snapshot --target-bucket DIR: with no S3 here, the "bucket" is a local
// directory, and each node's RDB is exported into it as ElastiCache names
// exported files: TARGET-NODE.rdb (my-export-0001.rdb). Nothing is ever
// overwritten; each file appears complete or not at all.
core::Result<nlohmann::json> export_snapshot(const core::SnapshotStore& store,
                                             const core::SnapshotRecord& source,
                                             const std::string& target, const std::string& bucket,
                                             const std::string& region) {
  if (target.empty() || target.find('/') != std::string::npos || target[0] == '.') {
    return core::invalid_value("TargetSnapshotName '" + target +
                               "' cannot name a file: it must not be empty, start with '.' or "
                               "contain '/'.");
  }
  std::error_code ec;
  core::fs::path dir = core::fs::absolute(bucket, ec);
  if (bucket.empty() || ec || !core::fs::is_directory(dir, ec)) {
    return core::invalid_value("The target bucket " + bucket +
                               " does not exist: with cachectl, --target-bucket names an "
                               "existing local directory.");
  }
  std::vector<std::pair<core::fs::path, core::fs::path>> files;  // from, to
  for (const auto& n : source.nodes) {
    core::fs::path to = dir / (target + "-" + n.cache_node_id + ".rdb");
    if (core::fs::exists(core::fs::symlink_status(to, ec))) {
      return core::ApiError{"SnapshotAlreadyExistsFault", "The target snapshot " + target +
                                                              " already exists in " + dir.string() +
                                                              " (" + to.filename().string() + ")."};
    }
    files.emplace_back(store.rdb(source.name, n.cache_node_id), to);
  }
  std::vector<core::fs::path> written;
  auto undo = [&] {
    for (const auto& f : written) core::fs::remove(f, ec);
  };
  for (const auto& [from, to] : files) {
    // A copy, not a link: the export is the user's to change or move away.
    // Written to a temporary created exclusively (never through a link
    // planted in the directory), published with link(2), which never
    // replaces anything.
    switch (core::copy_file_exclusive(from, to)) {
      case core::CreateResult::kCreated:
        written.push_back(to);
        continue;
      case core::CreateResult::kExists:
        undo();
        return core::ApiError{
            "SnapshotAlreadyExistsFault",
            "The target snapshot " + target + " already exists in " + dir.string() + "."};
      case core::CreateResult::kFailed: {
        std::string why = std::strerror(errno);
        undo();
        return core::invalid_value("Cannot write to the target bucket " + dir.string() + ": " +
                                   why);
      }
    }
  }
  // As ElastiCache: the answer describes the source snapshot.
  return nlohmann::json{{"Snapshot", core::snapshot_json(source, "available", region)}};
}

}  // namespace

core::Result<nlohmann::json> describe_snapshots(Context& ctx, const nlohmann::json& request) {
  auto limit = opt_int(request, "MaxRecords").value_or(50);
  if (limit < 20 || limit > 50) return core::invalid_value("MaxRecords must be between 20 and 50.");
  // The API's filter: "system" for automatic backups (stored as source
  // "system"), "user" for manual ones.
  auto source = opt_string(request, "SnapshotSource");
  if (source && *source != "user" && *source != "system") {
    return core::invalid_value("Invalid value for SnapshotSource: '" + *source +
                               "'. Valid values are system and user.");
  }
  auto cluster = opt_string(request, "CacheClusterId");
  auto name = opt_string(request, "SnapshotName");
  core::SnapshotStore store(ctx.home());
  std::vector<std::string> names = store.list_names();
  if (name) {
    auto one = store.get(*name);
    if (!one) return one.error();  // not found, or its file named (253)
    names = {one->name};
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
    if (source && (s->source == "system") != (*source == "system")) continue;
    if (static_cast<long long>(list.size()) == limit) {
      response["Marker"] = list.back()["SnapshotName"];
      break;
    }
    list.push_back(core::snapshot_json(*s, "available", ctx.region,
                                       request.value("ShowNodeGroupConfig", false)));
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
  if (!s && s.error().code != core::kRegistryFileInvalid) return s.error();
  // A snapshot whose record is broken can still be deleted: the answer then
  // says only what is known.
  if (auto err = store.remove(name)) return *err;
  if (!s) {
    return nlohmann::json{
        {"Snapshot", {{"SnapshotName", core::ascii_lower(name)}, {"SnapshotStatus", "deleting"}}}};
  }
  return nlohmann::json{{"Snapshot", core::snapshot_json(*s, "deleting", ctx.region)}};
}

core::Result<nlohmann::json> copy_snapshot(Context& ctx, const nlohmann::json& request) {
  core::SnapshotStore store(ctx.home());
  std::string source_name = opt_string(request, "SourceSnapshotName").value_or("");
  auto source = store.get(source_name);
  if (!source) return source.error();
  if (auto bucket = opt_string(request, "TargetBucket")) {
    return export_snapshot(store, *source, opt_string(request, "TargetSnapshotName").value_or(""),
                           *bucket, ctx.region);
  }
  auto target = core::normalize_name(opt_string(request, "TargetSnapshotName").value_or(""),
                                     "TargetSnapshotName", 255);
  if (!target) return target.error();
  // The copy keeps the source's tags, with the request's added.
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  core::SnapshotRecord copy = *source;
  if (auto err = core::add_tags(copy.tags, *tags)) return *err;
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
  copy.name = *target;
  copy.source = "manual";
  if (auto err = store.publish(*work, copy)) return *err;
  return nlohmann::json{{"Snapshot", core::snapshot_json(copy, "available", ctx.region)}};
}

}  // namespace cachectl::cli
