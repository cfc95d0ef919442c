#include "serve/query_api.h"

#include <cstdio>
#include <iostream>

#include "cli/api_model.h"
#include "cli/context.h"
#include "model/model_data.h"
#include "serve/form_decoder.h"
#include "serve/xml_response.h"

namespace cachectl::serve {
namespace {

constexpr std::string_view kVersion = "2015-02-02";

bool is_form(std::string_view content_type) {
  std::string lower;
  for (char c : content_type.substr(0, content_type.find(';')))
    if (c != ' ' && c != '\t')
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/x-www-form-urlencoded";
}

bool in_model(std::string_view action) {
  for (const auto& s : model::operation_slices())
    if (s.name == action) return true;
  return false;
}

// Parameters that sign a presigned URL, not members of the request.
bool is_signing_parameter(std::string_view name) { return name.rfind("X-Amz-", 0) == 0; }

struct Decoded {
  std::string operation;
  nlohmann::json request;
};

core::Result<Decoded> decode(const node::HttpRequest& http) {
  if (http.method != "POST" && http.method != "GET")
    return core::ApiError{"InvalidAction",
                          "The Query API is POST (a form body) or GET (a query "
                          "string); not " +
                              http.method + "."};
  FormParams params;
  if (auto err = parse_form(http.query, params)) return *err;
  auto content_type = http.header("Content-Type");
  bool form_body = http.method == "POST" && (!content_type || is_form(*content_type));
  if (form_body)
    if (auto err = parse_form(http.body, params)) return *err;
  auto action = params.find("Action");
  if (action == params.end() || action->second.empty()) {
    std::string why = "The request must contain the parameter Action.";
    if (http.method == "POST" && !form_body)
      why += " A POST body is read only as application/x-www-form-urlencoded; this one is " +
             std::string(*content_type) + ".";
    return core::ApiError{"MissingAction", why};
  }
  std::string operation = action->second;
  if (!in_model(operation))
    return core::ApiError{"InvalidAction", "The action " + operation +
                                               " is not valid for this web service (ElastiCache "
                                               "2015-02-02)."};
  auto version = params.find("Version");
  if (version == params.end())
    return core::ApiError{"MissingParameter", "The request must contain the parameter Version."};
  if (version->second != kVersion)
    return core::invalid_value("Version " + version->second +
                               " is not served here: cachectl serves ElastiCache 2015-02-02.");
  if (!cli::find_handler(operation))
    return core::ApiError{"InvalidAction",
                          "The action " + operation +
                              " is part of the ElastiCache API but cachectl does not implement "
                              "it (see 'cachectl help' for those it does)."};
  params.erase("Action");
  params.erase("Version");
  std::erase_if(params, [](const auto& p) { return is_signing_parameter(p.first); });
  const cli::ApiModel& model = cli::ApiModel::get();
  const cli::ModelJson& op = model.operation(operation);
  const cli::ModelJson& input =
      op.contains("input") ? model.shape(op["input"]["shape"]) : cli::ModelJson::object();
  auto request = decode_request(params, input, operation);
  if (!request) return request.error();
  return Decoded{operation, std::move(*request)};
}

}  // namespace

RequestIds::RequestIds() : random_(std::random_device{}()) {}

std::string RequestIds::next() {
  std::uint64_t a = random_(), b = random_();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(a >> 32),
                unsigned(a >> 16) & 0xffff, unsigned(a) & 0xffff, unsigned(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

QueryAnswer error_answer(const core::ApiError& error, RequestIds& ids) {
  QueryAnswer a;
  a.request_id = ids.next();
  a.status = error_kind(error.code).http_status;
  a.body = error_document(error, a.request_id);
  return a;
}

QueryAnswer answer_query(const node::HttpRequest& http, const QueryApiConfig& config,
                         RequestIds& ids) {
  if (config.credentials) {
    if (auto err = verify_sigv4(http, *config.credentials, std::chrono::system_clock::now()))
      return error_answer(*err, ids);
  }
  auto decoded = decode(http);
  if (!decoded) return error_answer(decoded.error(), ids);

  if (auto err = config.home.prepare()) return error_answer(*err, ids);
  cli::GlobalOptions global;
  global.state_dir = config.home.root().string();
  cli::Context ctx(config.home, global, signed_region(http).value_or(config.default_region));
  core::Result<nlohmann::json> result =
      cli::find_handler(decoded->operation)(ctx, decoded->request);
  if (ctx.event_error) {
    // The operation was done; only its event could not be written. The
    // answer is the operation's (a client must not retry it), the failure
    // goes to the server's log.
    std::cerr << "cachectl serve: " << decoded->operation << ": " << ctx.event_error->message
              << "\n";
  }
  if (!result) return error_answer(result.error(), ids);
  QueryAnswer a;
  a.request_id = ids.next();
  a.body = response_document(decoded->operation, *result, a.request_id);
  return a;
}

}  // namespace cachectl::serve
