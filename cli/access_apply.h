// Bringing running Redis nodes in line with who may use them: after a
// user, a user group, a replication group's user groups or an AuthToken
// changed in the state home, each affected node daemon is asked (POST
// /v1/access) to give its engine the users the records now say
// (core/access_control.h). A daemon that does not answer, or whose engine
// is not up, applies them at the engine's next start (redis.conf is
// written from the same records), so nothing is lost.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"

namespace cachectl::cli {

// The replication groups whose UserGroupIds name `user_group`.
std::vector<std::string> groups_using_user_group(Context& ctx, const std::string& user_group);
// The user groups whose UserIds name `user`.
std::vector<std::string> user_groups_with_user(Context& ctx, const std::string& user);

// Every node of the cluster; every node of every member of the group.
void push_cluster_access(Context& ctx, const std::string& cluster_id);
void push_group_access(Context& ctx, const std::string& group_id);
// Every replication group that uses `user_group`.
void push_user_group_access(Context& ctx, const std::string& user_group);

}  // namespace cachectl::cli
