// The Query protocol of `cachectl serve` against botocore's own code, for
// every operation of the API model (not only those cachectl implements): each
// output shape, every member present, written by serve/xml_response.h and
// read by botocore's QueryParser, is the document cachectl prints; each input
// shape, written by botocore's QuerySerializer, decodes (serve/form_decoder.h)
// into the request cachectl's command line would build.
#include <filesystem>
#include <fstream>

#include "cli/api_model.h"
#include "cli/skeleton.h"
#include "core/time_format.h"
#include "serve/form_decoder.h"
#include "serve/xml_response.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;

json run_botocore(const std::string& mode, const json& documents) {
  char dir[] = "/tmp/cct-protocol-XXXXXX";
  EXPECT_NE(::mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/documents.json";
  std::ofstream(file) << documents.dump();
  RunResult r = run_program(
      {"python3",
       std::string(CACHECTL_SOURCE_DIR) + "/tests/integration/query_protocol_botocore.py",
       std::string(CACHECTL_SOURCE_DIR) + "/model/service-2.json", mode, file});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

// Timestamps by the time they name (botocore writes them its own way).
void timestamps_as_times(json& value, const cli::ModelJson& shape) {
  const cli::ApiModel& model = cli::ApiModel::get();
  const std::string type = shape.value("type", "");
  if (type == "structure" && value.is_object()) {
    for (auto it = shape["members"].begin(); it != shape["members"].end(); ++it)
      if (value.contains(it.key()))
        timestamps_as_times(value[it.key()], model.shape(it.value()["shape"]));
  } else if (type == "list" && value.is_array()) {
    for (auto& item : value) timestamps_as_times(item, model.shape(shape["member"]["shape"]));
  } else if (type == "timestamp" && value.is_string()) {
    auto t = core::parse_iso8601(value.get<std::string>());
    EXPECT_TRUE(t.has_value()) << value;
    if (t) value = core::to_iso8601(*t);
  }
}

void with_hard_characters(json& value) {
  if (value.is_string()) value = value.get<std::string>() + " <&>\"' \xC3\xA9\r\n\tend";
  if (value.is_structured())
    for (auto& item : value) with_hard_characters(item);
}

TEST(QueryProtocol, BotocoreReadsEveryOutputShapeAsCachectlPrintsIt) {
  const cli::ApiModel& model = cli::ApiModel::get();
  json written = json::object(), expected = json::object();
  for (const auto& name : model.cli_operation_names()) {
    std::string op = *model.operation_for(name);
    // A response with every member of its shape, its texts with what XML
    // must escape or could lose (a carriage return), and UTF-8.
    json doc = json(cli::output_skeleton(op));
    with_hard_characters(doc);
    written[op] = serve::response_document(op, doc, "request-id");
    expected[op] = doc;
  }
  json parsed = run_botocore("parse", written);
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed.size(), expected.size());
  for (auto it = expected.begin(); it != expected.end(); ++it)
    EXPECT_EQ(parsed[it.key()], it.value()) << it.key() << "\n" << written[it.key()];
}

TEST(QueryProtocol, WhatBotocoreSendsForEveryInputShapeDecodesToTheRequest) {
  const cli::ApiModel& model = cli::ApiModel::get();
  json requests = json::object();
  for (const auto& name : model.cli_operation_names()) {
    std::string op = *model.operation_for(name);
    requests[op] = json(cli::input_skeleton(op));
  }
  json bodies = run_botocore("serialize", requests);
  ASSERT_TRUE(bodies.is_object());
  EXPECT_EQ(bodies.size(), requests.size());
  for (auto it = requests.begin(); it != requests.end(); ++it) {
    const std::string& op = it.key();
    serve::FormParams params;
    ASSERT_FALSE(serve::parse_form(bodies[op].get<std::string>(), params)) << op;
    EXPECT_EQ(params["Action"], op);
    EXPECT_EQ(params["Version"], "2015-02-02");
    params.erase("Action");
    params.erase("Version");
    const cli::ModelJson& operation = model.operation(op);
    const cli::ModelJson& input = operation.contains("input")
                                      ? model.shape(operation["input"]["shape"])
                                      : cli::ModelJson::object();
    auto decoded = serve::decode_members(params, input, op);
    ASSERT_TRUE(decoded.ok()) << op << ": " << decoded.error().message;
    json want = it.value();
    timestamps_as_times(*decoded, input);
    timestamps_as_times(want, input);
    EXPECT_EQ(*decoded, want) << op << "\nsent: " << bodies[op];
  }
}

}  // namespace
}  // namespace cachectl::testing
