// The cache subnet group operations: create, describe, modify, delete. A
// group's subnets are loopback ranges (core/subnets.h); the nodes of the
// clusters in a group take their addresses from them (core/registry.cpp).
#include "core/subnet_groups.h"

#include <algorithm>

#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/identifiers.h"
#include "core/tags.h"

namespace cachectl::cli {

namespace {

using json = nlohmann::json;

std::vector<std::string> strings_of(const json& request, const char* key) {
  std::vector<std::string> out;
  if (auto it = request.find(key); it != request.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

core::Result<json> group_json(Context& ctx, const core::SubnetGroupRecord& g) {
  auto vpc = core::home_vpc_id(ctx.home());
  if (!vpc) return vpc.error();
  return core::subnet_group_json(g, *vpc, ctx.region);
}

// The clusters whose nodes are in the group (their records read without
// locks: the caller holds the group's, which every create and grow in it
// takes while it claims addresses).
core::Result<std::vector<core::CacheClusterRecord>> clusters_in(Context& ctx,
                                                                const std::string& group) {
  std::vector<core::CacheClusterRecord> out;
  for (const auto& id : ctx.registry.list_ids()) {
    auto r = ctx.registry.get(id);
    if (!r) {
      if (r.error().code == "CacheClusterNotFound") continue;  // deleted meanwhile
      return r.error();
    }
    if (r->subnet_group == group) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

core::Result<json> create_cache_subnet_group(Context& ctx, const json& request) {
  auto name =
      core::normalize_subnet_group_name(opt_string(request, "CacheSubnetGroupName").value_or(""));
  if (!name) return name.error();
  core::SubnetGroupRecord g;
  g.name = *name;
  g.description = opt_string(request, "CacheSubnetGroupDescription").value_or("");
  auto subnets = core::check_subnet_ids(strings_of(request, "SubnetIds"));
  if (!subnets) return subnets.error();
  g.subnets = *subnets;
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  g.tags = *tags;
  core::SubnetGroupStore store(ctx.home());
  // Every name but "default" is a stored group.
  if (store.list_names().size() > core::kMaxSubnetGroups) {
    return core::ApiError{"CacheSubnetGroupQuotaExceeded",
                          "The request cannot be processed because it would exceed the allowed "
                          "number of cache subnet groups (" +
                              std::to_string(core::kMaxSubnetGroups) + ")."};
  }
  if (auto err = store.create(g)) return *err;
  ctx.record_source_event("cache-subnet-group", g.name,
                          "Cache subnet group " + g.name + " created");
  auto out = group_json(ctx, g);
  if (!out) return out.error();
  return json{{"CacheSubnetGroup", *out}};
}

core::Result<json> describe_cache_subnet_groups(Context& ctx, const json& request) {
  core::SubnetGroupStore store(ctx.home());
  json groups = json::array();
  json response = json::object();
  if (auto name = opt_string(request, "CacheSubnetGroupName")) {
    auto g = store.get(*name);
    if (!g) return g.error();
    auto out = group_json(ctx, *g);
    if (!out) return out.error();
    groups.push_back(*out);
  } else {
    auto limit = max_records(request);
    if (!limit) return limit.error();
    std::vector<std::string> names = store.list_names();
    std::string marker = opt_string(request, "Marker").value_or("");
    auto it = marker.empty() ? names.begin() : std::upper_bound(names.begin(), names.end(), marker);
    for (; it != names.end() && static_cast<int>(groups.size()) < *limit; ++it) {
      auto g = store.get(*it);
      if (!g) {
        if (g.error().code == "CacheSubnetGroupNotFoundFault") continue;  // deleted meanwhile
        return g.error();
      }
      auto out = group_json(ctx, *g);
      if (!out) return out.error();
      groups.push_back(*out);
    }
    if (it != names.end()) response["Marker"] = groups.back()["CacheSubnetGroupName"];
  }
  response["CacheSubnetGroups"] = groups;
  return response;
}

core::Result<json> modify_cache_subnet_group(Context& ctx, const json& request) {
  std::string name = core::ascii_lower(opt_string(request, "CacheSubnetGroupName").value_or(""));
  std::optional<std::vector<std::string>> subnets;
  if (request.contains("SubnetIds")) {
    auto checked = core::check_subnet_ids(strings_of(request, "SubnetIds"));
    if (!checked) return checked.error();
    subnets = *checked;
  }
  core::SubnetGroupStore store(ctx.home());
  core::SubnetGroupRecord after;
  auto err = store.update(name, [&](core::SubnetGroupRecord& g) -> core::Status {
    if (auto d = opt_string(request, "CacheSubnetGroupDescription")) g.description = *d;
    if (subnets) {
      // A subnet that holds a node's address stays, as on ElastiCache.
      core::SubnetGroupRecord next = g;
      next.subnets = *subnets;
      auto kept = next.parsed_subnets();
      auto clusters = clusters_in(ctx, g.name);
      if (!clusters) return clusters.error();
      for (const auto& c : *clusters) {
        for (const auto& n : c.nodes) {
          bool inside = std::any_of(kept.begin(), kept.end(),
                                    [&](const core::Subnet& s) { return s.contains(n.address); });
          if (!inside) {
            return core::ApiError{"SubnetInUse", "The subnet holding " + n.address +
                                                     " (cache node " + n.id + " of cluster " +
                                                     c.id + ") is in use and cannot be removed."};
          }
        }
      }
      g.subnets = next.subnets;
    }
    after = g;
    return std::nullopt;
  });
  if (err) return *err;
  ctx.record_source_event("cache-subnet-group", after.name,
                          "Cache subnet group " + after.name + " modified");
  auto out = group_json(ctx, after);
  if (!out) return out.error();
  return json{{"CacheSubnetGroup", *out}};
}

core::Result<json> delete_cache_subnet_group(Context& ctx, const json& request) {
  std::string name = core::ascii_lower(opt_string(request, "CacheSubnetGroupName").value_or(""));
  core::SubnetGroupStore store(ctx.home());
  auto err = store.remove(name, [&](const core::SubnetGroupRecord& g) -> core::Status {
    auto clusters = clusters_in(ctx, g.name);
    if (!clusters) return clusters.error();
    if (!clusters->empty())
      return core::ApiError{
          "CacheSubnetGroupInUse",
          "Cache subnet group " + g.name + " is currently in use by a cache cluster."};
    return std::nullopt;
  });
  if (err) return *err;
  ctx.record_source_event("cache-subnet-group", name, "Cache subnet group " + name + " deleted");
  return json::object();
}

}  // namespace cachectl::cli
