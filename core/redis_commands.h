// What Redis 7.0 knows by name: its commands (with "name|subcommand" for
// subcommands) and its ACL categories, for checking access strings before
// any engine sees them.
#pragma once

#include <string_view>

namespace cachectl::core {

// `lower_name` in lower case: "get", "cluster|slots".
bool is_redis_command(std::string_view lower_name);
// "read", "write", "all", ... (without the '@').
bool is_acl_category(std::string_view lower_name);

}  // namespace cachectl::core
