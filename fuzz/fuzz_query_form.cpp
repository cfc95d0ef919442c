// libFuzzer target: the Query protocol's request decoding in `cachectl
// serve` (serve/form_decoder.h). The first line names the operation (any of
// the model's, else the first byte picks one); the rest is the form body,
// split and percent-decoded, then decoded against the operation's input
// shape and checked as the worker checks it. Whatever the result, its error
// is written as the server would (serve/xml_response.h). An ApiError is an
// answer; an exception, a crash or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/api_model.h"
#include "model/model_data.h"
#include "serve/form_decoder.h"
#include "serve/xml_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cachectl;
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  std::string first = input.substr(0, newline);
  std::string body = newline == std::string::npos ? std::string() : input.substr(newline + 1);
  auto slices = model::operation_slices();
  std::string operation(slices[size ? data[0] % slices.size() : 0].name);
  for (const auto& s : slices)
    if (s.name == first) operation = first;

  const cli::ApiModel& model = cli::ApiModel::get();
  const cli::ModelJson& op = model.operation(operation);
  const cli::ModelJson& input_shape =
      op.contains("input") ? model.shape(op["input"]["shape"]) : cli::ModelJson::object();
  serve::FormParams params;
  core::Status bad = serve::parse_form(body, params);
  if (!bad) {
    params.erase("Action");
    params.erase("Version");
    auto request = serve::decode_request(params, input_shape, operation);
    if (request) {
      (void)request->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      bad = request.error();
    }
  }
  if (bad) (void)serve::error_document(*bad, "fuzz");
  return 0;
}
