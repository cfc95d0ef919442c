// The operations cachectl implements, by API name.
#include <map>

#include "cli/context.h"

namespace cachectl::cli {

core::Result<nlohmann::json> create_cache_cluster(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_cache_clusters(Context&, const nlohmann::json&);
core::Result<nlohmann::json> reboot_cache_cluster(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_cache_cluster(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_events(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_cache_cluster(Context&, const nlohmann::json&);
core::Result<nlohmann::json> create_snapshot(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_snapshots(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_snapshot(Context&, const nlohmann::json&);
core::Result<nlohmann::json> copy_snapshot(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_cache_engine_versions(Context&, const nlohmann::json&);
core::Result<nlohmann::json> list_allowed_node_type_modifications(Context&, const nlohmann::json&);
core::Result<nlohmann::json> create_cache_parameter_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_cache_parameter_groups(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_cache_parameters(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_engine_default_parameters(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_cache_parameter_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> reset_cache_parameter_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_cache_parameter_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> create_replication_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_replication_groups(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_replication_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> test_failover(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_replication_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> increase_replica_count(Context&, const nlohmann::json&);
core::Result<nlohmann::json> decrease_replica_count(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_replication_group_shard_configuration(Context&,
                                                                          const nlohmann::json&);
core::Result<nlohmann::json> create_cache_subnet_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_cache_subnet_groups(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_cache_subnet_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_cache_subnet_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> add_tags_to_resource(Context&, const nlohmann::json&);
core::Result<nlohmann::json> list_tags_for_resource(Context&, const nlohmann::json&);
core::Result<nlohmann::json> remove_tags_from_resource(Context&, const nlohmann::json&);
core::Result<nlohmann::json> cache_security_group_operation(Context&, const nlohmann::json&);

core::Result<nlohmann::json> create_user(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_users(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_user(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_user(Context&, const nlohmann::json&);
core::Result<nlohmann::json> create_user_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> describe_user_groups(Context&, const nlohmann::json&);
core::Result<nlohmann::json> modify_user_group(Context&, const nlohmann::json&);
core::Result<nlohmann::json> delete_user_group(Context&, const nlohmann::json&);

Handler find_handler(const std::string& api_operation) {
  static const std::map<std::string, Handler> handlers = {
      {"CreateCacheCluster", create_cache_cluster},
      {"DescribeCacheClusters", describe_cache_clusters},
      {"RebootCacheCluster", reboot_cache_cluster},
      {"DeleteCacheCluster", delete_cache_cluster},
      {"DescribeEvents", describe_events},
      {"ModifyCacheCluster", modify_cache_cluster},
      {"CreateSnapshot", create_snapshot},
      {"DescribeSnapshots", describe_snapshots},
      {"DeleteSnapshot", delete_snapshot},
      {"CopySnapshot", copy_snapshot},
      {"DescribeCacheEngineVersions", describe_cache_engine_versions},
      {"ListAllowedNodeTypeModifications", list_allowed_node_type_modifications},
      {"CreateCacheParameterGroup", create_cache_parameter_group},
      {"DescribeCacheParameterGroups", describe_cache_parameter_groups},
      {"DescribeCacheParameters", describe_cache_parameters},
      {"DescribeEngineDefaultParameters", describe_engine_default_parameters},
      {"ModifyCacheParameterGroup", modify_cache_parameter_group},
      {"ResetCacheParameterGroup", reset_cache_parameter_group},
      {"DeleteCacheParameterGroup", delete_cache_parameter_group},
      {"CreateReplicationGroup", create_replication_group},
      {"DescribeReplicationGroups", describe_replication_groups},
      {"DeleteReplicationGroup", delete_replication_group},
      {"TestFailover", test_failover},
      {"ModifyReplicationGroup", modify_replication_group},
      {"IncreaseReplicaCount", increase_replica_count},
      {"DecreaseReplicaCount", decrease_replica_count},
      {"ModifyReplicationGroupShardConfiguration", modify_replication_group_shard_configuration},
      {"CreateUser", create_user},
      {"DescribeUsers", describe_users},
      {"ModifyUser", modify_user},
      {"DeleteUser", delete_user},
      {"CreateUserGroup", create_user_group},
      {"DescribeUserGroups", describe_user_groups},
      {"ModifyUserGroup", modify_user_group},
      {"DeleteUserGroup", delete_user_group},
      {"CreateCacheSubnetGroup", create_cache_subnet_group},
      {"DescribeCacheSubnetGroups", describe_cache_subnet_groups},
      {"ModifyCacheSubnetGroup", modify_cache_subnet_group},
      {"DeleteCacheSubnetGroup", delete_cache_subnet_group},
      {"AddTagsToResource", add_tags_to_resource},
      {"ListTagsForResource", list_tags_for_resource},
      {"RemoveTagsFromResource", remove_tags_from_resource},
      // EC2-Classic: refused as ElastiCache refuses accounts without it.
      {"CreateCacheSecurityGroup", cache_security_group_operation},
      {"DescribeCacheSecurityGroups", cache_security_group_operation},
      {"AuthorizeCacheSecurityGroupIngress", cache_security_group_operation},
      {"RevokeCacheSecurityGroupIngress", cache_security_group_operation},
      {"DeleteCacheSecurityGroup", cache_security_group_operation},
  };
  auto it = handlers.find(api_operation);
  return it == handlers.end() ? nullptr : it->second;
}

}  // namespace cachectl::cli
