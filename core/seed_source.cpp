#include "core/seed_source.h"

namespace cachectl::core {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

SeedKind seed_kind(std::string_view source) {
  if (starts_with(source, "file://")) return SeedKind::kFileUrl;
  if (starts_with(source, "http://") || starts_with(source, "https://")) return SeedKind::kDownload;
  if (starts_with(source, "arn:aws:s3:::")) return SeedKind::kS3;
  return SeedKind::kPath;
}

std::optional<std::string> file_url_path(std::string_view url, const char* home) {
  if (!starts_with(url, "file://")) return std::nullopt;
  std::string_view rest = url.substr(7);
  if (starts_with(rest, "localhost/")) rest.remove_prefix(9);
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      path += rest[i];
      continue;
    }
    int hi = i + 2 < rest.size() ? hex_value(rest[i + 1]) : -1;
    int lo = i + 2 < rest.size() ? hex_value(rest[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    path += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (path.empty()) return std::nullopt;
  if (starts_with(path, "~/") && home && *home) path = home + path.substr(1);
  return path;
}

}  // namespace cachectl::core
