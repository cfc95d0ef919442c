#include "node/engine_security.h"

#include "core/restricted_commands.h"
#include "node/engine_start.h"
#include "node/tls_certificates.h"

namespace cachectl::node {

core::Result<EngineSecurity> engine_security(const core::StateHome& home,
                                             const core::CacheClusterRecord& record,
                                             const core::CacheNodeRecord& node,
                                             const std::filesystem::path& dir,
                                             const std::string& command_key,
                                             const ReplicationSetup& replication) {
  auto base = engine_access(home, record, node, command_key);
  if (!base) return base.error();
  EngineSecurity s = *base;
  if (!record.transit_encryption_enabled) return s;
  auto files = ensure_tls_files(home, dir,
                                {node.address, replication.primary_endpoint,
                                 replication.reader_endpoint, replication.configuration_endpoint});
  if (!files) return files.error();
  s.transit_mode = record.transit_encryption_mode.empty() ? std::string("required")
                                                          : record.transit_encryption_mode;
  s.tls_certificate = files->certificate;
  s.tls_ca_certificate = files->ca_certificate;
  return s;
}

EngineTarget admin_target(const core::StateHome& home, const std::string& address,
                          const std::string& command_key) {
  return {home.engine_socket(address).string(), 0, std::string(core::kAdminUser), command_key};
}

}  // namespace cachectl::node
