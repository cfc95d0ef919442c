#include "core/seed_source.h"

#include <gtest/gtest.h>

namespace cachectl::core {
namespace {

TEST(SeedSource, KindsByPrefix) {
  EXPECT_EQ(seed_kind("/data/x.rdb"), SeedKind::kPath);
  EXPECT_EQ(seed_kind("./x.rdb"), SeedKind::kPath);
  EXPECT_EQ(seed_kind("file:///data/x.rdb"), SeedKind::kFileUrl);
  EXPECT_EQ(seed_kind("http://127.0.0.1:8000/x.rdb"), SeedKind::kDownload);
  EXPECT_EQ(seed_kind("https://example.com/x.rdb"), SeedKind::kDownload);
  EXPECT_EQ(seed_kind("arn:aws:s3:::bucket/x.rdb"), SeedKind::kS3);
  // Only the scheme in lower case, at the start, counts.
  EXPECT_EQ(seed_kind("/srv/http://x.rdb"), SeedKind::kPath);
}

TEST(SeedSource, FileUrlsArePercentDecoded) {
  EXPECT_EQ(file_url_path("file:///data/x.rdb"), "/data/x.rdb");
  EXPECT_EQ(file_url_path("file:///my%20dumps/caf%C3%A9%2Erdb"), "/my dumps/caf\xC3\xA9.rdb");
  EXPECT_EQ(file_url_path("file://localhost/data/x.rdb"), "/data/x.rdb");
  EXPECT_EQ(file_url_path("file://~/x.rdb", "/home/u"), "/home/u/x.rdb");
  EXPECT_EQ(file_url_path("file://~/x.rdb"), "~/x.rdb");
  EXPECT_EQ(file_url_path("file://dumps/x.rdb"), "dumps/x.rdb");  // relative, as aws-cli reads it
  EXPECT_EQ(file_url_path("file:///100%25.rdb"), "/100%.rdb");
}

TEST(SeedSource, BadFileUrlsAreRefused) {
  EXPECT_EQ(file_url_path("file:///x%2"), std::nullopt);
  EXPECT_EQ(file_url_path("file:///x%zz.rdb"), std::nullopt);
  EXPECT_EQ(file_url_path("file:///x%00.rdb"), std::nullopt);
  EXPECT_EQ(file_url_path("file://"), std::nullopt);
  EXPECT_EQ(file_url_path("/data/x.rdb"), std::nullopt);
}

TEST(SeedSource, DownloadResultsLiveInTheNodeDirectory) {
  EXPECT_EQ(downloaded_seed("/s/nodes/c/0001"), fs::path("/s/nodes/c/0001/seed.rdb"));
  EXPECT_EQ(seed_error_file("/s/nodes/c/0001"), fs::path("/s/nodes/c/0001/seed.error"));
}

}  // namespace
}  // namespace cachectl::core
