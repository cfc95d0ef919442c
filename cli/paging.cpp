#include "cli/paging.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "cli/api_model.h"
#include "cli/jmespath/jmespath.h"
#include "cli/json_input.h"
#include "cli/model_params.h"
#include "cli/unicode_text.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

std::vector<std::string> strings_of(const ModelJson& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array())
    for (const auto& s : v) out.push_back(s.get<std::string>());
  return out;
}

core::ApiError pagination_error(const std::string& message) { return {kPaginationError, message}; }

json search(const std::string& expression, const json& data) {
  try {
    return jmespath::search(expression, data);
  } catch (const jmespath::Error&) {
    return nullptr;
  }
}

// The value at a plain dotted path ("CacheClusters", "A.B"), found in place:
// nullptr when the path is not plain (a JMESPath expression) or not there.
// Merging pages by search() copied the whole result at every page (1,000
// clusters: 0.3 s of a describe).
template <class Json>
Json* plain_path(Json& v, const std::string& path) {
  if (path.empty() ||
      path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.") !=
          std::string::npos)
    return nullptr;
  Json* at = &v;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string::npos) return at;
    start = dot + 1;
  }
}

// botocore's set_value_from_jmespath for the dotted paths paginators use.
void set_path(json& target, const std::string& path, json value) {
  json* at = &target;
  std::size_t start = 0;
  for (std::size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
    json& next = (*at)[path.substr(start, dot - start)];
    if (!next.is_object()) next = json::object();
    at = &next;
  }
  (*at)[path.substr(start)] = std::move(value);
}

// Python's truthiness, which decides whether an output token means "more".
bool truthy(const json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return true;
}

// json.dumps(token) as Python writes it (", " and ": ", ASCII only), so
// that our tokens are byte for byte the ones aws-cli would hand out.
std::string python_dumps(const ordered& v) {
  if (v.is_object()) {
    std::string out = "{";
    for (auto it = v.begin(); it != v.end(); ++it)
      out += (it == v.begin() ? "" : ", ") + python_dumps(ordered(it.key())) + ": " +
             python_dumps(it.value());
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_dumps(v[i]);
    return out + "]";
  }
  if (!v.is_string()) return v.dump();
  std::string out = "\"";
  const std::string& s = v.get_ref<const std::string&>();
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char buf[16];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      const char* e = c == '"'    ? "\\\""
                      : c == '\\' ? "\\\\"
                      : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r"
                      : c == '\t' ? "\\t"
                      : c == '\b' ? "\\b"
                      : c == '\f' ? "\\f"
                                  : nullptr;
      if (e) {
        out += e;
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence (the JSON library guarantees it is valid): \uXXXX,
    // as a surrogate pair beyond the BMP.
    int extra = (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : 3;
    if (i + static_cast<std::size_t>(extra) >= s.size()) {
      out += "\\ufffd";  // cut short (tokens are checked to be UTF-8: never in practice)
      break;
    }
    char32_t cp = c & (extra == 1 ? 0x1F : extra == 2 ? 0x0F : 0x07);
    for (int k = 1; k <= extra; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    i += static_cast<std::size_t>(extra) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + static_cast<unsigned>(cp >> 10),
                    0xDC00 + static_cast<unsigned>(cp & 0x3FF));
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
    }
    out += buf;
  }
  return out + "\"";
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const std::string& in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16 |
                 static_cast<unsigned char>(in[i + 1]) << 8 | static_cast<unsigned char>(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(const std::string& in) {
  std::string clean;
  for (char c : in)
    if (c != '\n' && c != '\r' && c != ' ') clean += c;
  if (clean.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < clean.size(); i += 4) {
    unsigned n = 0;
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = clean[i + static_cast<std::size_t>(k)];
      const char* p = c ? std::strchr(kAlphabet, c) : nullptr;
      if (c == '=' && i + 4 == clean.size() && k >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      if (!p || pad) return std::nullopt;
      n = n << 6 | static_cast<unsigned>(p - kAlphabet);
    }
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

void inject_tokens(json& request, const json& tokens) {
  for (auto it = tokens.begin(); it != tokens.end(); ++it) {
    if (!it.value().is_null() && it.value() != "None") {
      request[it.key()] = it.value();
    } else {
      request.erase(it.key());
    }
  }
}

// The tokens in the order of the paginator's input tokens, then the cut.
ordered resume_token_of(const Paginator& p, const json& tokens, std::optional<long long> truncate) {
  ordered out = ordered::object();
  for (const auto& name : p.input_tokens)
    out[name] = tokens.contains(name) ? ordered(tokens[name]) : ordered();
  if (truncate) out["boto_truncate_amount"] = *truncate;
  return out;
}

}  // namespace

std::string PagingOptions::given_names() const {
  std::string out;
  auto add = [&](bool given, const char* name) {
    if (given) out += (out.empty() ? "" : ", ") + std::string(name);
  };
  add(starting_token.has_value(), "--starting-token");
  add(page_size.has_value(), "--page-size");
  add(max_items.has_value(), "--max-items");
  return out;
}

std::optional<Paginator> find_paginator(const std::string& api_operation) {
  const ModelJson& all = ApiModel::get().paginators();
  auto it = all.find(api_operation);
  if (it == all.end()) return std::nullopt;
  Paginator p;
  p.input_tokens = strings_of(it->value("input_token", ModelJson()));
  p.output_tokens = strings_of(it->value("output_token", ModelJson()));
  if (it->contains("limit_key")) p.limit_key = (*it)["limit_key"].get<std::string>();
  p.result_keys = strings_of(it->value("result_key", ModelJson()));
  if (it->contains("more_results")) p.more_results = (*it)["more_results"].get<std::string>();
  p.non_aggregate_keys = strings_of(it->value("non_aggregate_keys", ModelJson()));
  if (p.input_tokens.empty() || p.result_keys.empty()) return std::nullopt;
  return p;
}

// botocore's _parse_starting_token: our own token, else the older
// "TOKEN___INDEX" form, else the service's own marker as it is. Whatever the
// text, the answer is a starting point or "Bad starting token".
core::Result<StartingPoint> parse_starting_token(const Paginator& p, const std::string& token) {
  auto bad = [&] {
    std::string shown = token.size() > 200 ? token.substr(0, 200) + "..." : token;
    return pagination_error("Bad starting token: " + shown);
  };
  StartingPoint start;
  if (auto decoded = decode_token(token); decoded && decoded->is_object()) {
    for (auto it = decoded->begin(); it != decoded->end(); ++it) {
      if (it.key() == "boto_truncate_amount") {
        // How many items of the first page were printed already: at most a page.
        const auto& n = it.value();
        if (!n.is_number_integer() || n.get<long long>() < 0 || n.get<long long>() > kMaxTruncate)
          return bad();
        start.skip = n.get<long long>();
      } else if (std::find(p.input_tokens.begin(), p.input_tokens.end(), it.key()) !=
                 p.input_tokens.end()) {
        // Markers are strings (null: from the start), whatever else the JSON holds.
        if (!it.value().is_string() && !it.value().is_null()) return bad();
        start.tokens[it.key()] =
            it.value().is_string() ? json(it.value().get<std::string>()) : json();
      } else {
        return bad();
      }
    }
    return start;
  }
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    std::size_t at = token.find("___", from);
    parts.push_back(token.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 3;
  }
  if (parts.size() == p.input_tokens.size() + 1) {
    IntText index = parse_int_text(parts.back());
    if (index.status == IntText::kOk && index.value >= 0 && index.value <= kMaxTruncate) {
      start.skip = index.value;
      parts.pop_back();
    } else {
      parts = {token};
    }
  }
  if (parts.size() > p.input_tokens.size()) return bad();
  // A marker goes into requests and back out in NextToken: it must be text.
  for (const auto& part : parts)
    if (!is_valid_utf8(part)) return bad();
  for (std::size_t i = 0; i < p.input_tokens.size(); ++i)
    start.tokens[p.input_tokens[i]] =
        i < parts.size() && parts[i] != "None" ? json(parts[i]) : json(nullptr);
  return start;
}

std::string encode_token(const ordered& token) { return base64_encode(python_dumps(token)); }

std::optional<ordered> decode_token(const std::string& token) {
  auto text = base64_decode(token);
  if (!text) return std::nullopt;
  auto parsed = parse_json_input(*text);  // nesting bounded: a token is untrusted text
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

core::Result<Pages> fetch_pages(const Paginator& p, const PagingOptions& options, json request,
                                const OperationCall& call) {
  Pages out;
  json next_token = json::object();
  for (const auto& name : p.input_tokens) next_token[name] = nullptr;
  long long skip = 0;
  if (options.starting_token) {
    auto start = parse_starting_token(p, *options.starting_token);
    if (!start) return start.error();
    next_token = start->tokens;
    skip = start->skip;
    inject_tokens(request, next_token);
  }
  if (options.page_size) {
    if (!p.limit_key)
      return pagination_error(
          "PageSize parameter is not supported for the pagination interface for this operation.");
    request[*p.limit_key] = *options.page_size;
  }
  const std::string& primary = p.result_keys.front();
  long long total = 0;
  bool first = true;
  std::optional<json> previous_token;
  for (;;) {
    core::Result<json> answer = call(request);
    if (!answer) return answer.error();
    json page = std::move(*answer);
    long long starting_truncation = 0;
    if (first) {
      if (options.starting_token) {
        // Resuming inside a page: drop what the previous run already printed.
        starting_truncation = skip;
        json items = search(primary, page);
        if (items.is_array()) {
          json rest = json::array();
          for (std::size_t i = static_cast<std::size_t>(std::max(0LL, skip)); i < items.size(); ++i)
            rest.push_back(items[i]);
          set_path(page, primary, rest);
        }
        for (std::size_t k = 1; k < p.result_keys.size(); ++k) {
          json sample = search(p.result_keys[k], page);
          set_path(page, p.result_keys[k],
                   sample.is_array()    ? json::array()
                   : sample.is_string() ? json("")
                   : sample.is_number() ? sample
                                        : json());
        }
      }
      for (const auto& key : p.non_aggregate_keys)
        set_path(out.non_aggregate_part, key, search(key, page));
      first = false;
    }
    json items = search(primary, page);
    long long count = items.is_array() ? static_cast<long long>(items.size()) : 0;
    long long truncate = options.max_items ? total + count - *options.max_items : 0;
    if (truncate > 0) {
      long long keep = count - truncate;
      json kept = json::array();
      for (long long i = 0; i < keep; ++i) kept.push_back(items[static_cast<std::size_t>(i)]);
      set_path(page, primary, kept);
      out.next_token = encode_token(resume_token_of(p, next_token, keep + starting_truncation));
      out.responses.push_back(std::move(page));
      break;
    }
    total += count;
    next_token = json::object();
    bool more = !p.more_results || truthy(search(*p.more_results, page));
    bool any = false;
    for (std::size_t i = 0; i < p.input_tokens.size() && i < p.output_tokens.size(); ++i) {
      json value = more ? search(p.output_tokens[i], page) : json();
      next_token[p.input_tokens[i]] = truthy(value) ? value : json();
      any = any || truthy(value);
    }
    out.responses.push_back(std::move(page));
    if (!any) break;
    if (options.max_items && total == *options.max_items) {
      out.next_token = encode_token(resume_token_of(p, next_token, std::nullopt));
      break;
    }
    if (previous_token && *previous_token == next_token) {
      return pagination_error("The same next token was received twice: " +
                              python_dumps(ordered(next_token)));
    }
    inject_tokens(request, next_token);
    previous_token = next_token;
  }
  return out;
}

json full_result(const Paginator& p, const Pages& pages) {
  json complete = json::object();
  for (const json& page : pages.responses) {
    for (const auto& key : p.result_keys) {
      // Lists of plain paths are appended in place.
      json* into = plain_path(complete, key);
      const json* from = plain_path(page, key);
      if (into && from && into->is_array() && from->is_array()) {
        into->insert(into->end(), from->begin(), from->end());
        continue;
      }
      json value = search(key, page);
      if (value.is_null()) continue;
      json existing = search(key, complete);
      if (existing.is_null()) {
        set_path(complete, key, value);
      } else if (value.is_array() && existing.is_array()) {
        for (auto& v : value) existing.push_back(v);
        set_path(complete, key, existing);
      } else if (value.is_number_integer() && existing.is_number_integer()) {
        set_path(complete, key, existing.get<long long>() + value.get<long long>());
      } else if (value.is_number() && existing.is_number()) {
        set_path(complete, key, existing.get<double>() + value.get<double>());
      } else if (value.is_string() && existing.is_string()) {
        set_path(complete, key, existing.get<std::string>() + value.get<std::string>());
      }
    }
  }
  for (auto it = pages.non_aggregate_part.begin(); it != pages.non_aggregate_part.end(); ++it) {
    if (complete.contains(it.key()) && complete[it.key()].is_object() && it.value().is_object()) {
      complete[it.key()].update(it.value(), true);
    } else {
      complete[it.key()] = it.value();
    }
  }
  if (pages.next_token) complete["NextToken"] = *pages.next_token;
  return complete;
}

std::vector<json> text_pages(const Paginator& p, const Pages& pages) {
  std::vector<json> out;
  for (std::size_t i = 0; i < pages.responses.size(); ++i) {
    json current = i == 0 ? pages.non_aggregate_part : json::object();
    for (const auto& key : p.result_keys) set_path(current, key, search(key, pages.responses[i]));
    out.push_back(std::move(current));
  }
  if (pages.next_token) out.push_back({{"NextToken", {{"NextToken", *pages.next_token}}}});
  return out;
}

}  // namespace cachectl::cli
