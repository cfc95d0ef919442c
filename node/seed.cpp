#include "node/seed.h"

#include <cstdlib>

#include "core/seed_source.h"
#include "core/snapshots.h"

namespace cachectl::node {

// Puts the RDB a new cluster starts from at `target`; returns why not.
std::string place_seed(const core::StateHome& home, const core::CacheClusterRecord& r,
                       const std::string& node_id, const core::fs::path& target) {
  core::fs::path source;
  bool downloaded = false;
  if (!r.snapshot_name.empty()) {
    source = core::SnapshotStore(home).rdb(r.snapshot_name, node_id);
  } else {
    const std::string& arn = r.snapshot_arns.front();
    switch (core::seed_kind(arn)) {
      case core::SeedKind::kFileUrl: {
        auto path = core::file_url_path(arn, std::getenv("HOME"));
        if (!path) return arn + " is not a file URL";
        source = *path;
        break;
      }
      case core::SeedKind::kDownload: {
        // The CLI downloaded it into the node's directory before starting us.
        const core::fs::path node_dir = home.node_dir(r.id, node_id);
        if (auto why = core::read_file(core::seed_error_file(node_dir))) {
          return why->substr(0, why->find('\n'));
        }
        source = core::downloaded_seed(node_dir);
        if (!core::fs::exists(source)) {
          return "the download of " + arn + " did not finish (create-cache-cluster was stopped?)";
        }
        downloaded = true;
        break;
      }
      case core::SeedKind::kS3:
        return "S3 cannot be reached from here; give the RDB file as a path, a file:// URL or "
               "an http(s):// URL";
      case core::SeedKind::kPath:
        source = arn;
        break;
    }
  }
  std::error_code ec;
  core::fs::remove(target, ec);
  // A hard link costs nothing whatever the size; Redis replaces dump.rdb by
  // rename when it saves, so the source is never written through the link.
  core::fs::create_hard_link(source, target, ec);
  if (ec) {
    ec.clear();
    core::fs::copy_file(source, target, ec);
  }
  if (ec) return "cannot read " + source.string() + ": " + ec.message();
  if (downloaded) core::fs::remove(source, ec);  // data/dump.rdb has it now
  return {};
}

}  // namespace cachectl::node
