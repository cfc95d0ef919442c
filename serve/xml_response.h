// The Query protocol's answers, as the service writes them and botocore's
// QueryParser reads them: a response document in the service's namespace,
// `<OpResponse><OpResult>...</OpResult><ResponseMetadata><RequestId>`, its
// members written from the operation's output shape (model order, lists
// wrapped item by item in their locationName); and an error document,
// `<ErrorResponse><Error><Type><Code><Message></Error><RequestId>`, with the
// HTTP status the model gives the error's code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"

namespace cachectl::serve {

inline constexpr const char* kXmlNamespace = "http://elasticache.amazonaws.com/doc/2015-02-02/";

// The response document of `operation` (an API name of the model).
std::string response_document(const std::string& operation, const nlohmann::json& response,
                              const std::string& request_id);

// How an error code is answered: the model's status and fault for its
// errors; the Query API's common errors (InvalidAction 400, MalformedQueryString
// 404, InvalidClientTokenId 403, ...); 400 and the sender's fault for any
// other code an operation gives, 500 and ours for a state home that cannot be
// read (RegistryFileInvalid, InvalidConfiguration).
struct ErrorKind {
  int http_status = 400;
  bool sender_fault = true;
};
ErrorKind error_kind(const std::string& code);

std::string error_document(const core::ApiError& error, const std::string& request_id);

// Text as XML character data: &, < and > escaped, a carriage return as
// &#13; (a parser would read it as a newline), and what XML 1.0 cannot hold
// (other control characters, bytes that are not UTF-8) as U+FFFD.
void append_xml_text(std::string& out, std::string_view text);

}  // namespace cachectl::serve
