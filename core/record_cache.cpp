#include "core/record_cache.h"

namespace cachectl::core {
namespace {

// Every write of a record is a new file renamed into place (a new inode);
// the times and size catch an edit in place.
bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

}  // namespace

ClusterRecordCache::ClusterRecordCache(const Registry& registry, const StateHome& home,
                                       std::string id)
    : registry_(registry), file_(home.cluster_file(id)), id_(std::move(id)) {}

Result<CacheClusterRecord> ClusterRecordCache::get() {
  // Stamped before the read: a write racing with it is read next time.
  struct stat st {};
  bool stamped = ::stat(file_.c_str(), &st) == 0;
  if (stamped && cached_ && same_file(st, stamp_)) return *cached_;
  cached_.reset();
  auto fresh = registry_.get(id_);
  if (fresh && stamped) {
    cached_ = *fresh;
    stamp_ = st;
  }
  return fresh;
}

}  // namespace cachectl::core
