#include "core/tags.h"

#include <algorithm>

#include "core/identifiers.h"

namespace cachectl::core {

namespace {

// Characters, not bytes: the API counts Unicode characters.
std::size_t characters(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

ApiError quota_exceeded() {
  return {"TagQuotaPerResourceExceeded",
          "The request cannot be processed because it would cause the resource to have more than "
          "the allowed number of tags. The maximum number of tags permitted on a resource is " +
              std::to_string(kMaxTagsPerResource) + "."};
}

Status check_tag(const Tag& tag) {
  if (tag.key.empty() || characters(tag.key) > kMaxTagKeyLength)
    return invalid_value("Tag keys must be 1 to " + std::to_string(kMaxTagKeyLength) +
                         " characters long.");
  if (characters(tag.value) > kMaxTagValueLength)
    return invalid_value("Tag values must be at most " + std::to_string(kMaxTagValueLength) +
                         " characters long.");
  if (ascii_lower(tag.key.substr(0, 4)) == "aws:")
    return invalid_value("Tag keys starting with 'aws:' are reserved for AWS use: " + tag.key);
  return std::nullopt;
}

}  // namespace

Result<std::vector<Tag>> tags_of_request(const nlohmann::json& request) {
  std::vector<Tag> out;
  auto it = request.find("Tags");
  if (it == request.end() || !it->is_array()) return out;
  std::vector<Tag> given;
  for (const auto& t : *it) {
    Tag tag{t.value("Key", ""),
            t.contains("Value") && t["Value"].is_string() ? t["Value"].get<std::string>() : ""};
    if (auto err = check_tag(tag)) return *err;
    given.push_back(std::move(tag));
  }
  if (auto err = add_tags(out, given)) return *err;
  return out;
}

Status add_tags(std::vector<Tag>& tags, const std::vector<Tag>& added) {
  std::vector<Tag> next = tags;
  for (const auto& tag : added) {
    if (auto err = check_tag(tag)) return err;
    auto same =
        std::find_if(next.begin(), next.end(), [&](const Tag& t) { return t.key == tag.key; });
    if (same != next.end()) {
      same->value = tag.value;
    } else {
      next.push_back(tag);
    }
  }
  if (next.size() > kMaxTagsPerResource) return quota_exceeded();
  tags = std::move(next);
  return std::nullopt;
}

Status remove_tags(std::vector<Tag>& tags, const std::vector<std::string>& keys) {
  std::vector<Tag> next = tags;
  for (const auto& key : keys) {
    auto it = std::find_if(next.begin(), next.end(), [&](const Tag& t) { return t.key == key; });
    if (it == next.end()) {
      // A key named twice in one request was removed by its first mention.
      if (std::count(keys.begin(), keys.end(), key) > 1) continue;
      return ApiError{"TagNotFound",
                      "The requested tag " + key + " was not found on this resource."};
    }
    next.erase(it);
  }
  tags = std::move(next);
  return std::nullopt;
}

nlohmann::json tag_list_json(const std::vector<Tag>& tags) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tags) list.push_back({{"Key", t.key}, {"Value", t.value}});
  return list;
}

Result<ResourceArn> parse_resource_arn(std::string_view arn, std::string_view region) {
  auto invalid = [&] {
    return ApiError{"InvalidARN", std::string(arn) + " is not a valid ElastiCache ARN of region " +
                                      std::string(region) + " and account " +
                                      std::string(kAccountId) +
                                      " (arn:aws:elasticache:REGION:ACCOUNT:TYPE:NAME)."};
  };
  constexpr std::string_view kPrefix = "arn:aws:elasticache:";
  if (!arn.starts_with(kPrefix)) return invalid();
  std::string_view rest = arn.substr(kPrefix.size());
  std::vector<std::string> parts;
  for (int i = 0; i < 3; ++i) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return invalid();
    parts.emplace_back(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  ResourceArn out{parts[0], parts[1], parts[2], std::string(rest)};
  if (out.region != region || out.account != kAccountId || out.type.empty() || out.name.empty())
    return invalid();
  return out;
}

}  // namespace cachectl::core
