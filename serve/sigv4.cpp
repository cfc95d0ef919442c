#include "serve/sigv4.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "serve/percent_encoding.h"
#include "serve/sha256.h"

namespace cachectl::serve {
namespace {

using namespace std::chrono_literals;

constexpr auto kMaxSkew = 15min;
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kService = "elasticache";

core::ApiError incomplete(std::string message) {
  return {"IncompleteSignature", std::move(message)};
}
core::ApiError mismatch(std::string message) {
  return {"SignatureDoesNotMatch", std::move(message)};
}

std::string trim(std::string_view s) {
  std::size_t a = s.find_first_not_of(" \t");
  if (a == std::string_view::npos) return "";
  std::size_t b = s.find_last_not_of(" \t");
  return std::string(s.substr(a, b - a + 1));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The path with "." and ".." segments and empty segments removed (botocore's
// normalize_url_path), then encoded once more.
std::string canonical_uri(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i)
    out += (i ? "/" : "") + uri_encoded(segments[i]);
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto [name, value] : query_pairs(query)) {
    if (name == "X-Amz-Signature") continue;
    // As sent when it is not percent-encoding: the signature then differs.
    pairs.emplace_back(uri_encoded(percent_decoded(name, false).value_or(std::string(name))),
                       uri_encoded(percent_decoded(value, false).value_or(std::string(value))));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

// "Credential=AKID/20240101/us-east-1/elasticache/aws4_request, SignedHeaders=..."
struct Authorization {
  std::string key_id, date, region, service, terminator;
  std::string signed_headers;
  std::string signature;
};

core::Result<Authorization> read_authorization(std::string_view header) {
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm)
    return incomplete("Only AWS4-HMAC-SHA256 signatures are accepted (Signature Version 4).");
  std::string_view rest = header.substr(kAlgorithm.size());
  std::map<std::string, std::string> fields;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string field = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t eq = field.find('=');
    if (field.empty()) continue;
    if (eq == std::string::npos)
      return incomplete("Authorization field '" + field + "' has no '='.");
    fields[field.substr(0, eq)] = field.substr(eq + 1);
  }
  for (const char* name : {"Credential", "SignedHeaders", "Signature"})
    if (!fields.count(name))
      return incomplete(std::string("Authorization header requires '") + name +
                        "' parameter. Authorization=" + std::string(header.substr(0, 200)));
  Authorization a;
  std::vector<std::string> scope;
  std::string_view credential = fields["Credential"];
  for (std::size_t start = 0;;) {
    std::size_t slash = credential.find('/', start);
    scope.emplace_back(credential.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (scope.size() != 5 || scope[0].empty())
    return incomplete("Credential must be KEY/DATE/REGION/SERVICE/aws4_request: '" +
                      std::string(credential.substr(0, 200)) + "'.");
  a.key_id = scope[0];
  a.date = scope[1];
  a.region = scope[2];
  a.service = scope[3];
  a.terminator = scope[4];
  a.signed_headers = fields["SignedHeaders"];
  a.signature = fields["Signature"];
  return a;
}

// X-Amz-Date (YYYYMMDDTHHMMSSZ) as a time.
std::optional<core::TimePoint> amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  std::tm tm{};
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!num(0, 4, y) || !num(4, 2, mo) || !num(6, 2, d) || !num(9, 2, h) || !num(11, 2, mi) ||
      !num(13, 2, s))
    return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return core::TimePoint(std::chrono::seconds(timegm(&tm)));
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

core::Result<Credentials> load_credentials(const std::filesystem::path& file) {
  auto fail = [&](const std::string& why) {
    return core::ApiError{core::kInvalidConfiguration,
                          "cannot use the credentials file " + file.string() + ": " + why};
  };
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return fail(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail("not a regular file");
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return fail("other users can read or change it (it holds secrets): chmod 600 it");
  std::ifstream in(file);
  if (!in) return fail("cannot read it");
  Credentials out;
  std::string line, section, key_id, secret;
  auto close_section = [&] {
    if (!key_id.empty() && !secret.empty()) out[key_id] = secret;
    key_id.clear();
    secret.clear();
  };
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (!t.empty() && t.back() == '\r') t = trim(t.substr(0, t.size() - 1));
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      close_section();
      continue;
    }
    std::size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string name = trim(t.substr(0, eq)), value = trim(t.substr(eq + 1));
    if (name == "aws_access_key_id") key_id = value;
    if (name == "aws_secret_access_key") secret = value;
  }
  close_section();
  if (out.empty()) return fail("no profile has both aws_access_key_id and aws_secret_access_key");
  return out;
}

std::string canonical_request(const node::HttpRequest& request, const std::string& signed_headers,
                              const std::string& payload_hash) {
  std::string out = request.method + "\n" + canonical_uri(request.path) + "\n" +
                    canonical_query(request.query) + "\n";
  std::string_view names = signed_headers;
  while (!names.empty()) {
    std::size_t semi = names.find(';');
    std::string name = lower(names.substr(0, semi));
    names = semi == std::string_view::npos ? std::string_view() : names.substr(semi + 1);
    std::string value;
    bool first = true;
    for (const auto& [n, v] : request.headers) {
      if (lower(n) != name) continue;
      // Trimall: spaces around trimmed, runs of spaces made one.
      std::string trimmed;
      for (char c : v) {
        if (c == ' ' || c == '\t') {
          if (!trimmed.empty() && trimmed.back() != ' ') trimmed += ' ';
        } else {
          trimmed += c;
        }
      }
      if (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
      value += (first ? "" : ",") + trimmed;
      first = false;
    }
    out += name + ":" + value + "\n";
  }
  out += "\n" + signed_headers + "\n" + payload_hash;
  return out;
}

std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
  Digest k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(as_bytes(k), region);
  k = hmac_sha256(as_bytes(k), service);
  k = hmac_sha256(as_bytes(k), "aws4_request");
  return hex(hmac_sha256(as_bytes(k), string_to_sign));
}

std::optional<std::string> signed_region(const node::HttpRequest& request) {
  auto header = request.header("Authorization");
  if (!header) return std::nullopt;
  auto a = read_authorization(*header);
  if (!a || a->region.empty()) return std::nullopt;
  return a->region;
}

core::Status verify_sigv4(const node::HttpRequest& request, const Credentials& credentials,
                          core::TimePoint now) {
  auto header = request.header("Authorization");
  if (!header)
    return core::ApiError{"MissingAuthenticationToken",
                          "Request is missing Authentication Token (an Authorization header "
                          "signed with Signature Version 4)."};
  auto a = read_authorization(*header);
  if (!a) return a.error();
  auto date_header = request.header("X-Amz-Date");
  if (!date_header)
    return incomplete("Authorization header requires existence of a 'X-Amz-Date' header.");
  auto date = amz_date(*date_header);
  if (!date)
    return incomplete("X-Amz-Date '" + std::string(*date_header) + "' is not YYYYMMDDTHHMMSSZ.");
  auto secret = credentials.find(a->key_id);
  if (secret == credentials.end())
    return core::ApiError{"InvalidClientTokenId",
                          "The security token included in the request is invalid."};
  if (*date > now + kMaxSkew || *date < now - kMaxSkew)
    return core::ApiError{"RequestExpired", "Request has expired: X-Amz-Date " +
                                                std::string(*date_header) +
                                                " is more than 15 minutes from the server's time."};
  if (a->date != date_header->substr(0, 8))
    return mismatch("Credential should be scoped to a valid date ('" +
                    std::string(date_header->substr(0, 8)) + "'), not '" + a->date + "'.");
  if (a->service != kService)
    return mismatch("Credential should be scoped to correct service: 'elasticache'.");
  if (a->terminator != "aws4_request")
    return mismatch("Credential should be scoped with a valid terminator: 'aws4_request'.");
  if ((";" + lower(a->signed_headers) + ";").find(";host;") == std::string::npos)
    return mismatch("'Host' must be a signed header.");
  std::string body_hash = hex(sha256(request.body));
  std::string payload_hash = body_hash;
  if (auto given = request.header("X-Amz-Content-SHA256")) {
    if (*given != body_hash)
      return mismatch(
          "The X-Amz-Content-SHA256 header is not the SHA-256 of the body (an "
          "unsigned payload is not accepted).");
  }
  std::string scope = a->date + "/" + a->region + "/" + a->service + "/aws4_request";
  std::string to_sign = std::string(kAlgorithm) + "\n" + std::string(*date_header) + "\n" + scope +
                        "\n" +
                        hex(sha256(canonical_request(request, a->signed_headers, payload_hash)));
  std::string expected = signature(secret->second, a->date, a->region, a->service, to_sign);
  if (!equal_in_constant_time(expected, a->signature))
    return mismatch(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method.");
  return std::nullopt;
}

}  // namespace cachectl::serve
