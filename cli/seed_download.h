// --snapshot-arns http(s)://...: the CLI downloads the RDB file with
// cachectl-fetch (a separate program, so cachectl never loads libcurl) into
// each node's directory before its daemon starts, in the foreground so that
// a terminal shows the progress. A failed download is not the command's
// failure: it is left in the node's directory (core/seed_source.h) and the
// daemon reports the node restore-failed, as ElastiCache reports a restore
// that fails after CreateCacheCluster has answered.
#pragma once

#include <string>

#include "core/cluster.h"
#include "core/state_home.h"

namespace cachectl::cli {

// $CACHECTL_FETCH_BIN, else cachectl-fetch next to this executable, else PATH.
std::string fetch_binary();

// Runs `cachectl-fetch URL DEST`; returns "" or why the download failed.
std::string fetch(const std::string& url, const core::fs::path& dest);

// For a record seeded from an http(s) URL: downloads it for every node.
void download_seeds(const core::StateHome& home, const core::CacheClusterRecord& record);

}  // namespace cachectl::cli
