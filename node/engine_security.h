// What a Redis engine is started with for access control and TLS
// (node/engine_config.h's EngineSecurity), from the state home as it is at
// that start: its users (core/access_control.h), its private Unix socket
// and, with transit encryption, its certificate (node/tls_certificates.h)
// naming its own address and every endpoint address it may bind.
#pragma once

#include <filesystem>
#include <string>

#include "core/cluster.h"
#include "core/result.h"
#include "core/state_home.h"
#include "node/engine_client.h"
#include "node/engine_config.h"

namespace cachectl::node {

core::Result<EngineSecurity> engine_security(const core::StateHome& home,
                                             const core::CacheClusterRecord& record,
                                             const core::CacheNodeRecord& node,
                                             const std::filesystem::path& dir,
                                             const std::string& command_key,
                                             const ReplicationSetup& replication);

// How a daemon reaches the Redis engine at `address`: its private socket,
// as the admin user with the node's secret `command_key`.
EngineTarget admin_target(const core::StateHome& home, const std::string& address,
                          const std::string& command_key);

}  // namespace cachectl::node
