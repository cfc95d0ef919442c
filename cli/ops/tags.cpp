// add-tags-to-resource, list-tags-for-resource, remove-tags-from-resource,
// for every resource that has an ARN. The ARN's type picks the kind of
// record (kinds() below); each kind keeps its tags in its own record, so
// they live and go with it. A kind this version has no records of answers
// as ElastiCache does for a name that names nothing.
#include "core/tags.h"

#include <functional>

#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/parameter_groups.h"
#include "core/replication_group.h"
#include "core/security_groups.h"
#include "core/snapshots.h"
#include "core/subnet_groups.h"
#include "core/users.h"

namespace cachectl::cli {

namespace {

using json = nlohmann::json;
using Tags = std::vector<core::Tag>;
using Change = std::function<core::Status(Tags&)>;

struct Kind {
  const char* arn_type;
  // The resource's tags; its kind's not-found error when there is none.
  std::function<core::Result<Tags>(Context&, const std::string& name)> get;
  // Changes its tags under its record's lock (`change` may refuse).
  std::function<core::Status(Context&, const std::string& name, const Change& change)> change;
};

// A kind with no resources here: every name is not found.
Kind none(const char* arn_type, const char* code, const char* what) {
  auto missing = [=](const std::string& name) {
    return core::ApiError{code, std::string(what) + " " + name + " not found."};
  };
  return {arn_type,
          [=](Context&, const std::string& name) -> core::Result<Tags> { return missing(name); },
          [=](Context&, const std::string& name, const Change&) -> core::Status {
            return missing(name);
          }};
}

// A kind kept in `Store`, the tags in its records' `tags`; a record for
// which `untaggable` gives a reason takes none (InvalidParameterValue).
template <class Store, class Record>
Kind stored(const char* arn_type,
            std::function<std::optional<std::string>(const Record&)> untaggable = {}) {
  return {
      arn_type,
      [](Context& ctx, const std::string& name) -> core::Result<Tags> {
        auto r = Store(ctx.home()).get(name);
        if (!r) return r.error();
        return r->tags;
      },
      [untaggable](Context& ctx, const std::string& name, const Change& change) -> core::Status {
        Store store(ctx.home());
        if (untaggable) {  // read first: a default group has no record to update
          auto r = store.get(name);
          if (!r) return r.error();
          if (auto why = untaggable(*r)) return core::invalid_value(*why);
        }
        return store.update(name, [&](Record& r) { return change(r.tags); });
      }};
}

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> all = {
      {"cluster",
       [](Context& ctx, const std::string& name) -> core::Result<Tags> {
         auto r = ctx.registry.get(name);
         if (!r) return r.error();
         return r->tags;
       },
       [](Context& ctx, const std::string& name, const Change& change) {
         return ctx.registry.update(name,
                                    [&](core::CacheClusterRecord& r) { return change(r.tags); });
       }},
      // As ElastiCache's: a group's tags are its member clusters' too.
      {"replicationgroup",
       [](Context& ctx, const std::string& name) -> core::Result<Tags> {
         auto g = core::ReplicationGroupStore(ctx.home()).get(name);
         if (!g) return g.error();
         return g->tags;
       },
       [](Context& ctx, const std::string& name, const Change& change) -> core::Status {
         std::vector<std::string> members;
         auto err = core::ReplicationGroupStore(ctx.home())
                        .update(name, [&](core::ReplicationGroupRecord& g) -> core::Status {
                          members = g.members;
                          return change(g.tags);
                        });
         if (err) return err;
         for (const auto& m : members) {
           auto e =
               ctx.registry.update(m, [&](core::CacheClusterRecord& r) { return change(r.tags); });
           if (e && e->code != "CacheClusterNotFound") return e;
         }
         return std::nullopt;
       }},
      stored<core::SnapshotStore, core::SnapshotRecord>("snapshot"),
      // Default groups are not records: they have no tags and take none.
      stored<core::ParameterGroupStore, core::ParameterGroupRecord>(
          "parametergroup",
          [](const core::ParameterGroupRecord& g) -> std::optional<std::string> {
            if (!g.is_default) return std::nullopt;
            return "Default parameter group " + g.name + " cannot be tagged.";
          }),
      stored<core::SubnetGroupStore, core::SubnetGroupRecord>(
          "subnetgroup",
          [](const core::SubnetGroupRecord& g) -> std::optional<std::string> {
            if (!g.is_default) return std::nullopt;
            return "The default cache subnet group cannot be tagged.";
          }),
      {"securitygroup",
       [](Context&, const std::string&) -> core::Result<Tags> {
         return core::cache_security_groups_not_permitted();
       },
       [](Context&, const std::string&, const Change&) -> core::Status {
         return core::cache_security_groups_not_permitted();
       }},
      // The built-in `default` user is not a record: it takes no tags.
      stored<core::UserStore, core::UserRecord>(
          "user",
          [](const core::UserRecord& u) -> std::optional<std::string> {
            if (!u.built_in) return std::nullopt;
            return "The built-in user default cannot be tagged.";
          }),
      stored<core::UserGroupStore, core::UserGroupRecord>("usergroup"),
      none("reserved-instance", "ReservedCacheNodeNotFound", "Reserved cache node"),
      none("serverlesscache", "ServerlessCacheNotFoundFault", "Serverless cache"),
      none("serverlesscachesnapshot", "ServerlessCacheSnapshotNotFoundFault",
           "Serverless cache snapshot"),
  };
  return all;
}

core::Result<std::pair<const Kind*, std::string>> resolve(Context& ctx, const json& request) {
  std::string arn = opt_string(request, "ResourceName").value_or("");
  auto parsed = core::parse_resource_arn(arn, ctx.region);
  if (!parsed) return parsed.error();
  for (const auto& k : kinds())
    if (parsed->type == k.arn_type) return std::pair{&k, parsed->name};
  return core::ApiError{"InvalidARN", arn + " does not name a kind of resource that has tags."};
}

core::Result<json> tags_after(Context& ctx, const json& request, const Change& change) {
  auto target = resolve(ctx, request);
  if (!target) return target.error();
  const auto& [kind, name] = *target;
  if (auto err = kind->change(ctx, name, change)) return *err;
  auto tags = kind->get(ctx, name);
  if (!tags) return tags.error();
  return json{{"TagList", core::tag_list_json(*tags)}};
}

}  // namespace

core::Result<json> list_tags_for_resource(Context& ctx, const json& request) {
  auto target = resolve(ctx, request);
  if (!target) return target.error();
  auto tags = target->first->get(ctx, target->second);
  if (!tags) return tags.error();
  return json{{"TagList", core::tag_list_json(*tags)}};
}

core::Result<json> add_tags_to_resource(Context& ctx, const json& request) {
  // Checked whole before anything changes (add_tags checks each again).
  auto added = core::tags_of_request(request);
  if (!added) return added.error();
  return tags_after(ctx, request, [&](Tags& tags) { return core::add_tags(tags, *added); });
}

core::Result<json> remove_tags_from_resource(Context& ctx, const json& request) {
  std::vector<std::string> keys;
  if (auto it = request.find("TagKeys"); it != request.end() && it->is_array())
    for (const auto& k : *it)
      if (k.is_string()) keys.push_back(k.get<std::string>());
  return tags_after(ctx, request, [&](Tags& tags) { return core::remove_tags(tags, keys); });
}

}  // namespace cachectl::cli
