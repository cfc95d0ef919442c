#include "cli/help.h"

#include <algorithm>
#include <map>

#include "cli/api_model.h"
#include "cli/context.h"
#include "cli/ops/resume.h"
#include "cli/paging.h"
#include "cli/serve_command.h"

namespace cachectl::cli {
namespace {

const std::map<std::string, std::string>& summaries() {
  static const std::map<std::string, std::string> s = {
      {"CreateCacheCluster",
       "Creates a cache cluster: one cachectl-node daemon per node, each running the real engine "
       "(redis-server or memcached) on its own loopback address. Answers at once with status "
       "\"creating\"; use 'cachectl wait cache-cluster-available'."},
      {"DescribeCacheClusters",
       "Describes one cluster (--cache-cluster-id) or all, a page at a time. The status is asked "
       "of "
       "the node daemons. --show-cache-node-info adds each node's endpoint."},
      {"RebootCacheCluster",
       "Restarts the engine of the named nodes; data that was not persisted is lost, as on "
       "ElastiCache. A node whose daemon is gone (status \"failed\", e.g. after the machine "
       "restarted) is started again."},
      {"DeleteCacheCluster",
       "Stops and removes a cluster: its daemons, engines, addresses and files. Prints the "
       "cluster with status \"deleting\"."},
      {"DescribeEvents",
       "Lists events (cluster created, node restarted, recovery, deleted) of the last hour, or of "
       "--start-time/--end-time/--duration (minutes)."},
      {"ModifyCacheCluster",
       "Grows and shrinks Memcached clusters (--num-cache-nodes, --cache-node-ids-to-remove, "
       "--new-availability-zones, --az-mode), at once with --apply-immediately, else as "
       "PendingModifiedValues."},
      {"CreateSnapshot", "Takes a snapshot (an RDB file) of a Redis cluster's node."},
  };
  return s;
}

std::string summary_of(const std::string& op) {
  auto it = summaries().find(op);
  if (it != summaries().end()) return it->second;
  if (find_handler(op)) return "ElastiCache's " + op + ", run by cachectl on this machine.";
  return "Part of the ElastiCache API; not implemented by cachectl yet.";
}

std::string type_text(const ModelJson& shape) {
  const ApiModel& model = ApiModel::get();
  std::string type = shape["type"];
  if (type == "list") {
    const ModelJson& item = model.shape(shape["member"]["shape"]);
    return "list of " + (item["type"] == "structure" ? std::string("structures")
                                                     : item["type"].get<std::string>() + "s");
  }
  return type;
}

// The options of an operation; a waiter takes the same request members,
// but neither paging nor skeletons.
std::vector<HelpItem> operation_options(const std::string& op, bool for_waiter = false) {
  const ApiModel& model = ApiModel::get();
  std::vector<HelpItem> items;
  const ModelJson& operation = model.operation(op);
  if (operation.contains("input")) {
    const ModelJson& input = model.shape(operation["input"]["shape"]);
    ModelJson required = input.value("required", ModelJson::array());
    for (auto m = input["members"].begin(); m != input["members"].end(); ++m) {
      const ModelJson& shape = model.shape(m.value()["shape"]);
      bool req = std::find(required.begin(), required.end(), m.key()) != required.end();
      std::string name = "--" + kebab_case(m.key());
      if (shape["type"] == "boolean") name += " | --no-" + kebab_case(m.key());
      std::string text;
      if (shape.contains("enum")) {
        text = "One of:";
        for (const auto& e : shape["enum"]) text += " " + e.get<std::string>();
      }
      items.push_back(
          {(req ? "" : "[") + name + (req ? "" : "]") + "  (" + type_text(shape) + ")", text});
    }
  }
  if (for_waiter) {
    items.push_back({"[--cli-input-json]  (string)", "The request as JSON (text or file://PATH)."});
    return items;
  }
  if (find_paginator(op)) {
    items.push_back(
        {"[--max-items]  (integer)",
         "The most items to print; when there are more, the output ends with a NextToken."});
    items.push_back({"[--page-size]  (integer)",
                     "The items each call asks for (MaxRecords); all pages are still printed."});
    items.push_back({"[--starting-token]  (string)",
                     "Resume from the NextToken a previous --max-items printed."});
  }
  items.push_back(
      {"[--cli-input-json]  (string)",
       "The request as JSON (text or file://PATH), as --generate-cli-skeleton prints it; options "
       "given on the command line win."});
  items.push_back(
      {"[--generate-cli-skeleton]  (input | output)",
       "Print a JSON skeleton of the request (input, the default) or of the response (output) "
       "instead of running the operation."});
  return items;
}

std::vector<HelpSection> operation_sections(const std::string& op) {
  const ApiModel& model = ApiModel::get();
  std::vector<HelpSection> sections;
  sections.push_back({"NAME", 1, {paragraph(kebab_case(op))}});
  HelpSection description{"DESCRIPTION", 1, {paragraph(summary_of(op))}};
  if (auto p = find_paginator(op)) {
    std::string keys;
    for (const auto& k : p->result_keys) keys += (keys.empty() ? "" : ", ") + k;
    description.blocks.push_back(
        paragraph(kebab_case(op) +
                  " is a paginated operation: cachectl follows the Marker through every page and "
                  "prints them as one result (--no-paginate: only the first). With --output text "
                  "and --query, the "
                  "query is applied to each page, so it must start from " +
                  keys + "."));
  }
  sections.push_back(description);
  std::vector<HelpItem> options = operation_options(op);
  sections.push_back({"OPTIONS", 1, {definitions(options)}});
  const ModelJson& operation = model.operation(op);
  if (operation.contains("output")) {
    std::string members;
    for (auto m = model.shape(operation["output"]["shape"])["members"].begin();
         m != model.shape(operation["output"]["shape"])["members"].end(); ++m)
      members += (members.empty() ? "" : ", ") + m.key();
    sections.push_back(
        {"OUTPUT",
         1,
         {paragraph(operation["output"]["shape"].get<std::string>() + ": " + members + ".")}});
  }
  return sections;
}

std::vector<HelpItem> waiter_list() {
  const ApiModel& model = ApiModel::get();
  std::vector<HelpItem> items;
  for (auto it = model.waiters().begin(); it != model.waiters().end(); ++it) {
    std::string op = it.value()["operation"];
    items.push_back({kebab_case(it.key()),
                     find_handler(op) ? "" : "not implemented yet: needs " + kebab_case(op)});
  }
  return items;
}

std::string waiter_description(const std::string& waiter) {
  const ModelJson& w = ApiModel::get().waiters()[waiter];
  return w.value("description", "Wait until a condition holds.") + " Polls " +
         kebab_case(w["operation"]) + " every few milliseconds for up to " +
         std::to_string(w.value("delay", 15) * w.value("maxAttempts", 40)) +
         " seconds (or $CACHECTL_WAIT_TIMEOUT); exits 0 when a success acceptor of waiters-2.json "
         "matches, 255 "
         "with aws-cli's message when a failure acceptor matches or the time runs out.";
}

HelpSection global_options() {
  return {
      "GLOBAL OPTIONS",
      1,
      {definitions({
          {"--state-dir DIR",
           "Where state lives: else $CACHECTL_HOME, else $XDG_STATE_HOME/cachectl, else "
           "~/.local/state/cachectl."},
          {"--output json | text | table | yaml | yaml-stream",
           "How to print the response (see OUTPUT FORMATS). Default: $CACHECTL_DEFAULT_OUTPUT, "
           "else "
           "$AWS_DEFAULT_OUTPUT, else the config file's output, else json."},
          {"--query EXPR", "A JMESPath expression applied to the response before it is printed."},
          {"--region NAME",
           "The region shown in ARNs and zones: else $AWS_REGION, $AWS_DEFAULT_REGION, the config "
           "file's "
           "region, us-east-1."},
          {"--profile NAME",
           "The config file section to take defaults from ([profile NAME]); else "
           "$CACHECTL_PROFILE, else [default]."},
          {"--color on | off | auto",
           "Colours in --output table; auto: when stdout is a terminal."},
          {"--no-paginate",
           "Make one call of a paginated operation: its first page, with its Marker."},
          {"--debug",
           "Print the request as parsed to stderr, on one JSON line: {\"debug\":\"request\", "
           "\"operation\":..., \"parameters\":{...}}."},
          {"--endpoint-url, --no-verify-ssl, --no-sign-request, --no-cli-pager, ...",
           "aws-cli's other global options are accepted and ignored, so that aws-cli scripts run "
           "unchanged."},
      })}};
}

HelpSection output_formats() {
  return {"OUTPUT FORMATS",
          1,
          {paragraph("The formats are aws-cli's, with its rules."),
           definitions({
               {"json", "The API's JSON, members in the model's order, indented by 4 spaces."},
               {"text",
                "Tab-separated, one line per record: a structure's scalar members on one line "
                "(keys sorted), "
                "each nested structure or list on lines of its own prefixed by its key in upper "
                "case; a list "
                "of structures shares one column order. A scalar prints alone, so "
                "X=$(cachectl ... --query 'CacheClusters[0].CacheNodes[0].Endpoint.Address' "
                "--output text) "
                "is the address itself."},
               {"table",
                "Boxes titled by the operation name; each structure a section, nested ones inside "
                "it; turned into key/value rows when wider than the terminal (80 columns when "
                "stdout is not one)."},
               {"yaml",
                "Block YAML, keys sorted, strings quoted when a YAML reader would take them for "
                "something else (as aws-cli v2)."},
               {"yaml-stream",
                "Each response (each page, when paging) as a one-item YAML list, printed as it "
                "comes."},
           })}};
}

HelpSection paging() {
  return {
      "PAGING",
      1,
      {paragraph(
           "Operations with a paginator in the API model (describe-cache-clusters, "
           "describe-events, "
           "...) are paged by cachectl as by aws-cli: it follows the Marker through every page and "
           "prints one merged result. --max-items N stops after N items and adds a NextToken, "
           "which "
           "--starting-token takes to continue; --page-size N sets each call's MaxRecords. Giving "
           "--marker or --max-records, or --no-paginate, makes one call."),
       example("cachectl describe-events --max-items 10 --query NextToken --output text\n"
               "cachectl describe-events --max-items 10 --starting-token TOKEN")}};
}

HelpSection input() {
  return {"INPUT",
          1,
          {paragraph(
               "Option values of structure and list type take aws-cli's shorthand (Key=a,Value=b), "
               "JSON, or file://PATH (the file's contents). --cli-input-json takes the whole "
               "request as "
               "JSON or file://PATH; options on the command line win over it. "
               "--generate-cli-skeleton prints a request to fill in (input) or the shape of the "
               "response (output)."),
           example("cachectl create-cache-cluster --generate-cli-skeleton > request.json\n"
                   "cachectl create-cache-cluster --cli-input-json file://request.json")}};
}

HelpSection configuration() {
  return {
      "CONFIGURATION",
      1,
      {paragraph(
           "Defaults for --output, --region and --color come from, highest first: the command "
           "line, "
           "the environment ($CACHECTL_DEFAULT_OUTPUT, else $AWS_DEFAULT_OUTPUT; $AWS_REGION, else "
           "$AWS_DEFAULT_REGION), the config file, then json, us-east-1, auto. The config file is "
           "$CACHECTL_CONFIG_FILE, else $XDG_CONFIG_HOME/cachectl/config, else "
           "~/.config/cachectl/config, in aws-cli's INI format:"),
       example("[default]\noutput = text\n\n[profile ci]\noutput = json\nregion = eu-west-1")}};
}

HelpSection environment() {
  return {"ENVIRONMENT",
          1,
          {definitions({
              {"CACHECTL_HOME", "The state home (below --state-dir)."},
              {"XDG_STATE_HOME",
               "The state home is $XDG_STATE_HOME/cachectl when CACHECTL_HOME is not set."},
              {"CACHECTL_DEFAULT_OUTPUT, AWS_DEFAULT_OUTPUT", "The default --output."},
              {"AWS_REGION, AWS_DEFAULT_REGION", "The default --region."},
              {"CACHECTL_CONFIG_FILE, XDG_CONFIG_HOME",
               "Where the config file is (see CONFIGURATION)."},
              {"CACHECTL_PROFILE", "The config file's profile when --profile is not given."},
              {"CACHECTL_WAIT_TIMEOUT",
               "Seconds a waiter waits at most (else the waiter's own limit)."},
              {"CACHECTL_REDIS_SERVER, CACHECTL_MEMCACHED",
               "The engine programs (else found on PATH)."},
          })}};
}

HelpSection exit_status() {
  return {
      "EXIT STATUS",
      1,
      {definitions({{"0", "The operation succeeded."},
                    {"252", "Bad usage: an unknown option, a bad value, a bad --query."},
                    {"253",
                     "Bad configuration: the config file or environment, or a state home file "
                     "broken by hand."},
                    {"254",
                     "The operation failed: the API's error is on stderr, as 'An error occurred "
                     "(CODE) when calling the OPERATION operation: MESSAGE'."},
                    {"255", "Anything else, e.g. a waiter that failed or timed out."},
                    {"130", "Interrupted."}})}};
}

std::vector<HelpItem> command_list() {
  std::vector<HelpItem> items;
  const ApiModel& model = ApiModel::get();
  for (const auto& name : model.cli_operation_names()) {
    auto api = model.operation_for(name);
    items.push_back({name, find_handler(*api) ? "" : "not implemented yet"});
  }
  items.push_back({"wait", ""});
  items.push_back({"resume", ""});
  items.push_back({"serve", ""});
  items.push_back({"help", ""});
  return items;
}

}  // namespace

void print_usage(std::ostream& out) {
  out << "usage: cachectl [options] <command> [parameters]\n"
         "To see help text, you can run:\n\n"
         "  cachectl help\n"
         "  cachectl <command> help\n"
         "  cachectl wait help\n";
}

HelpDocument overview_document() {
  HelpDocument doc{"cachectl", {}};
  doc.sections.push_back(
      {"NAME",
       1,
       {paragraph("cachectl - a local ElastiCache: cache clusters of real Redis and Memcached "
                  "nodes on this machine, driven like 'aws elasticache'")}});
  doc.sections.push_back(
      {"SYNOPSIS",
       1,
       {example("cachectl [global options] <command> [parameters]\n"
                "cachectl wait <waiter> [parameters]\n"
                "cachectl resume\n"
                "cachectl serve [--listen ADDRESS:PORT] [--credentials FILE]\n"
                "cachectl help | cachectl <command> help | cachectl wait help")}});
  doc.sections.push_back(
      {"DESCRIPTION",
       1,
       {paragraph(
           "cachectl creates, describes, reboots and deletes cache clusters on this machine. Each "
           "node is "
           "a real redis-server or memcached run by its own cachectl-node daemon on its own "
           "loopback "
           "address, so any client can use the endpoints. Its commands are the ElastiCache API's "
           "operations in kebab-case, their options the API's members in kebab-case, and it prints "
           "what "
           "'aws elasticache' prints.")}});
  doc.sections.push_back(global_options());
  doc.sections.push_back(output_formats());
  doc.sections.push_back(paging());
  doc.sections.push_back(input());
  doc.sections.push_back(configuration());
  doc.sections.push_back(environment());
  doc.sections.push_back(exit_status());
  doc.sections.push_back({"AVAILABLE COMMANDS", 1, {bullets(command_list())}});
  return doc;
}

HelpDocument operation_document(const std::string& op) {
  return {kebab_case(op), operation_sections(op)};
}

HelpDocument man_document() {
  HelpDocument doc = overview_document();
  doc.sections.pop_back();  // the bare list of commands: detailed below
  const ApiModel& model = ApiModel::get();
  doc.sections.push_back({"COMMANDS",
                          1,
                          {paragraph("The operations cachectl implements, with their options; "
                                     "'cachectl help' lists the others.")}});
  for (const auto& name : model.cli_operation_names()) {
    std::string api = *model.operation_for(name);
    if (!find_handler(api)) continue;
    HelpSection s{name, 2, {paragraph(summary_of(api))}};
    s.blocks.push_back(definitions(operation_options(api)));
    doc.sections.push_back(s);
  }
  std::vector<HelpItem> waiters;
  for (auto it = model.waiters().begin(); it != model.waiters().end(); ++it) {
    std::string op = it.value()["operation"];
    waiters.push_back({kebab_case(it.key()),
                       find_handler(op) ? waiter_description(it.key())
                                        : "Not implemented yet: needs " + kebab_case(op) + "."});
  }
  doc.sections.push_back(
      {"resume", 2, {paragraph(std::string("cachectl resume: ") + resume_summary())}});
  std::vector<HelpItem> serve_items;
  for (const auto& o : serve_options())
    serve_items.push_back({std::string(o.name) + " " + o.value, o.description});
  doc.sections.push_back(
      {"serve",
       2,
       {paragraph(std::string("cachectl serve: ") + serve_summary()), definitions(serve_items)}});
  doc.sections.push_back(
      {"WAITERS",
       1,
       {paragraph("cachectl wait WAITER [the operation's options]:"), definitions(waiters)}});
  doc.sections.push_back(
      {"FILES",
       1,
       {definitions(
           {{"STATE/clusters/ID.toml", "One file per cluster (the registry)."},
            {"STATE/events/", "The events, one file per hour, kept 14 days."},
            {"STATE/notification-topics.toml",
             "Where notification topics' events are POSTed: [topics] \"ARN\" (or topic name) = "
             "\"http(s)://URL\"; delivered by cachectl-notify (log: STATE/notify/notify.log)."},
            {"STATE/nodes/ID/NODE/", "A node's engine config, data, engine.log and node.log."},
            {"STATE/run/ADDRESS.sock", "A node daemon's admin socket (HTTP + JSON)."},
            {"STATE/run/ADDRESS.up",
             "Where a node's Redis says it is ready (systemd's notify protocol)."},
            {"~/.config/cachectl/config", "Defaults (see CONFIGURATION)."}})}});
  doc.sections.push_back(
      {"EXAMPLES",
       1,
       {example("cachectl create-cache-cluster --cache-cluster-id exampleredis --engine redis \\\n"
                "    --cache-node-type cache.t1.micro --num-cache-nodes 1\n"
                "cachectl wait cache-cluster-available --cache-cluster-id exampleredis\n"
                "ADDRESS=$(cachectl describe-cache-clusters --cache-cluster-id exampleredis \\\n"
                "    --show-cache-node-info --output text \\\n"
                "    --query 'CacheClusters[0].CacheNodes[0].Endpoint.Address')\n"
                "redis-cli -h \"$ADDRESS\" set k v\n"
                "cachectl delete-cache-cluster --cache-cluster-id exampleredis --output table")}});
  doc.sections.push_back(
      {"SEE ALSO",
       1,
       {paragraph(
           "aws(1), redis-cli(1), memcached(1); the README and docs/scripting.md (completion, the "
           "examples/Makefile).")}});
  return doc;
}

void print_overview(std::ostream& out) { render_text(overview_document(), out); }

void print_operation_help(std::ostream& out, const std::string& op) {
  render_text(operation_document(op), out);
}

void print_wait_help(std::ostream& out, const std::string& waiter) {
  if (waiter.empty()) {
    HelpDocument doc{"wait", {}};
    doc.sections.push_back(
        {"NAME",
         1,
         {paragraph("wait - wait until a condition holds; exits 0 then, 255 when it cannot "
                    "hold any more or the waiter's time runs out")}});
    doc.sections.push_back(
        {"SYNOPSIS", 1, {example("cachectl wait <waiter> [the operation's options]")}});
    doc.sections.push_back({"AVAILABLE WAITERS", 1, {bullets(waiter_list())}});
    render_text(doc, out);
    return;
  }
  const ModelJson& w = ApiModel::get().waiters()[waiter];
  HelpDocument doc{kebab_case(waiter), {}};
  doc.sections.push_back({"NAME", 1, {paragraph(kebab_case(waiter))}});
  doc.sections.push_back({"DESCRIPTION", 1, {paragraph(waiter_description(waiter))}});
  doc.sections.push_back({"OPTIONS", 1, {definitions(operation_options(w["operation"], true))}});
  render_text(doc, out);
}

void print_man_page(std::ostream& out) { render_roff(man_document(), kVersion, out); }

}  // namespace cachectl::cli
