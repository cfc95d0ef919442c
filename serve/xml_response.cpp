#include "serve/xml_response.h"

#include <map>

#include "cli/api_model.h"
#include "cli/unicode_text.h"
#include "model/model_data.h"
#include "serve/wire_names.h"

namespace cachectl::serve {
namespace {

using cli::ModelJson;
using json = nlohmann::json;

void append_value(std::string& out, const json& value, const ModelJson& shape);

void append_element(std::string& out, const std::string& name, const json& value,
                    const ModelJson& shape) {
  out += '<';
  out += name;
  out += '>';
  append_value(out, value, shape);
  out += "</";
  out += name;
  out += '>';
}

void append_value(std::string& out, const json& value, const ModelJson& shape) {
  const std::string type = shape.value("type", "");
  if (type == "structure" && value.is_object()) {
    const ModelJson& members = shape["members"];
    for (auto it = members.begin(); it != members.end(); ++it) {
      auto v = value.find(it.key());
      if (v == value.end() || v->is_null()) continue;
      const ModelJson& member_shape = shape_of(it.value());
      append_element(out, wire_name(it.value(), member_shape, it.key()), *v, member_shape);
    }
    return;
  }
  if (type == "list" && value.is_array()) {
    const ModelJson& item_ref = shape["member"];
    const ModelJson& item_shape = shape_of(item_ref);
    std::string item_name = wire_name(item_ref, item_shape, "member");
    for (const auto& item : value)
      if (!item.is_null()) append_element(out, item_name, item, item_shape);
    return;
  }
  if (value.is_string()) return append_xml_text(out, value.get_ref<const std::string&>());
  if (value.is_boolean()) {
    out += value.get<bool>() ? "true" : "false";
    return;
  }
  if (value.is_number()) {
    out += value.dump();
    return;
  }
  // A value the model does not expect here (a bug): written as JSON text,
  // which a client parses as the member's type or refuses.
  append_xml_text(out, value.dump(-1, ' ', false, json::error_handler_t::replace));
}

// The Query API's common errors (AWS's documentation of every Query
// service), and what cachectl itself answers at the HTTP level.
const std::map<std::string, ErrorKind, std::less<>>& common_errors() {
  static const std::map<std::string, ErrorKind, std::less<>> errors = {
      {"AccessDenied", {403, true}},
      {"IncompleteSignature", {400, true}},
      {"InternalFailure", {500, false}},
      {"InvalidAction", {400, true}},
      {"InvalidClientTokenId", {403, true}},
      {"InvalidParameterCombination", {400, true}},
      {"InvalidParameterValue", {400, true}},
      {"InvalidQueryParameter", {400, true}},
      {"MalformedQueryString", {404, true}},
      {"MissingAction", {400, true}},
      {"MissingAuthenticationToken", {403, true}},
      {"MissingParameter", {400, true}},
      {"RequestExpired", {400, true}},
      {"ServiceUnavailable", {503, false}},
      {"SignatureDoesNotMatch", {403, true}},
      {"ValidationError", {400, true}},
      // The HTTP level (serve/server.cpp).
      {"InvalidRequest", {400, true}},
      {"RequestTimeout", {408, true}},
      {"RequestEntityTooLarge", {413, true}},
      {"RequestHeaderSectionTooLarge", {431, true}},
      {"HttpVersionNotSupported", {505, true}},
      // A state home file broken by hand, or a state home that cannot be used:
      // the server's side (the command line exits 253 for them).
      {core::kRegistryFileInvalid, {500, false}},
      {core::kInvalidConfiguration, {500, false}},
  };
  return errors;
}

}  // namespace

void append_xml_text(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          if (c < 0x20 && c != '\t' && c != '\n')
            out += "\xEF\xBF\xBD";
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    cli::Utf8Step step = cli::decode_utf8_at(text, i);
    // Not UTF-8, or a code point XML 1.0 excludes (U+FFFE, U+FFFF).
    if (step.length == 0 || step.code_point == 0xFFFE || step.code_point == 0xFFFF) {
      out += "\xEF\xBF\xBD";
      i += step.length == 0 ? 1 : step.length;
      continue;
    }
    out.append(text.substr(i, step.length));
    i += step.length;
  }
}

std::string response_document(const std::string& operation, const json& response,
                              const std::string& request_id) {
  const ModelJson& op = cli::ApiModel::get().operation(operation);
  std::string out;
  out.reserve(1024);
  out += "<" + operation + "Response xmlns=\"" + kXmlNamespace + "\">";
  if (op.contains("output")) {
    const ModelJson& output = op["output"];
    std::string wrapper = output.value("resultWrapper", operation + "Result");
    out += "<" + wrapper + ">";
    append_value(out, response, shape_of(output));
    out += "</" + wrapper + ">";
  }
  out += "<ResponseMetadata><RequestId>";
  append_xml_text(out, request_id);
  out += "</RequestId></ResponseMetadata></" + operation + "Response>";
  return out;
}

ErrorKind error_kind(const std::string& code) {
  for (const auto& e : model::error_shapes())
    if (e.code == code) return {e.http_status, e.sender_fault};
  auto common = common_errors().find(code);
  if (common != common_errors().end()) return common->second;
  return {};
}

std::string error_document(const core::ApiError& error, const std::string& request_id) {
  std::string out = std::string("<ErrorResponse xmlns=\"") + kXmlNamespace + "\"><Error><Type>";
  out += error_kind(error.code).sender_fault ? "Sender" : "Receiver";
  out += "</Type><Code>";
  append_xml_text(out, error.code);
  out += "</Code><Message>";
  append_xml_text(out, error.message);
  out += "</Message></Error><RequestId>";
  append_xml_text(out, request_id);
  out += "</RequestId></ErrorResponse>";
  return out;
}

}  // namespace cachectl::serve
