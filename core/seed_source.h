// Where the RDB file a new cluster is seeded from (--snapshot-arns) comes
// from: a path, a file:// URL, an http(s):// URL (downloaded by the CLI with
// cachectl-fetch before the node starts) or an S3 ARN (unreachable here).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/state_home.h"

namespace cachectl::core {

enum class SeedKind { kPath, kFileUrl, kDownload, kS3 };

SeedKind seed_kind(std::string_view source);

// The local path a file:// URL names: file:///a%20b/x.rdb -> "/a b/x.rdb",
// file://localhost/x.rdb -> "/x.rdb", file://~/x.rdb -> $HOME/x.rdb,
// file://rel/x.rdb -> "rel/x.rdb" (as aws-cli reads file:// values).
// nullopt for a bad %-escape, a %00 or nothing.
std::optional<std::string> file_url_path(std::string_view url, const char* home = nullptr);

// A download's result in the node's directory: the file when it worked,
// else a one-line reason; the daemon seeds from one or reports the other.
inline fs::path downloaded_seed(const fs::path& node_dir) { return node_dir / "seed.rdb"; }
inline fs::path seed_error_file(const fs::path& node_dir) { return node_dir / "seed.error"; }

}  // namespace cachectl::core
