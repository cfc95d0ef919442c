// AWS Signature Version 4, as `cachectl serve --credentials FILE` checks
// it: the Authorization header's `AWS4-HMAC-SHA256 Credential=KEY/DATE/
// REGION/elasticache/aws4_request, SignedHeaders=..., Signature=...` against
// the signature computed from the request and the key's secret, as AWS
// answers: MissingAuthenticationToken (no Authorization), IncompleteSignature
// (one that cannot be read), InvalidClientTokenId (a key not in the file),
// SignatureDoesNotMatch (a wrong signature, scope or payload hash),
// RequestExpired (X-Amz-Date more than 15 minutes from now).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "node/http.h"

namespace cachectl::serve {

// Access key id -> secret access key.
using Credentials = std::map<std::string, std::string, std::less<>>;

// An AWS credentials file (INI: a section per profile, each with
// aws_access_key_id and aws_secret_access_key; every profile's key is
// accepted). InvalidConfiguration when it cannot be read, holds no key, or
// can be read by other users than its owner (it holds secrets).
core::Result<Credentials> load_credentials(const std::filesystem::path& file);

// nullopt when the request is signed by a key of `credentials`.
[[nodiscard]] core::Status verify_sigv4(const node::HttpRequest& request,
                                        const Credentials& credentials, core::TimePoint now);

// The region of the request's credential scope, read without checking the
// signature (ARNs in responses name it); nullopt without an Authorization.
std::optional<std::string> signed_region(const node::HttpRequest& request);

// The canonical request and string to sign of SigV4 (exposed for tests).
std::string canonical_request(const node::HttpRequest& request, const std::string& signed_headers,
                              const std::string& payload_hash);
std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign);

}  // namespace cachectl::serve
