#include "cli/help.h"

#include <map>

#include "cli/api_model.h"
#include "cli/context.h"

namespace cachectl::cli {
namespace {

const std::map<std::string, std::string>& summaries() {
  static const std::map<std::string, std::string> s = {
      {"CreateCacheCluster",
       "Creates a cache cluster: one cachectl-node daemon per node, each running the real engine "
       "(redis-server or memcached) on its own loopback address. Answers at once with status "
       "\"creating\"; use 'cachectl wait cache-cluster-available'."},
      {"DescribeCacheClusters",
       "Describes one cluster (--cache-cluster-id) or all, a page at a time. The status is asked of "
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
  };
  return s;
}

std::string type_text(const ModelJson& shape) {
  const ApiModel& model = ApiModel::get();
  std::string type = shape["type"];
  if (type == "list") {
    const ModelJson& item = model.shape(shape["member"]["shape"]);
    return "list of " + (item["type"] == "structure" ? std::string("structures") : item["type"].get<std::string>() + "s");
  }
  return type;
}

}  // namespace

void print_usage(std::ostream& out) {
  out << "usage: cachectl [options] <command> [parameters]\n"
         "To see help text, you can run:\n\n"
         "  cachectl help\n"
         "  cachectl <command> help\n"
         "  cachectl wait help\n";
}

void print_overview(std::ostream& out) {
  out << "CACHECTL()\n\nNAME\n       cachectl - a local ElastiCache: cache clusters of real Redis and\n"
         "       Memcached nodes on this machine, driven like 'aws elasticache'\n\n"
         "SYNOPSIS\n       cachectl [--state-dir DIR] [--output json] [--query EXPR] <command> [parameters]\n\n"
         "GLOBAL OPTIONS\n"
         "       --state-dir DIR   where state lives (else $CACHECTL_HOME, else\n"
         "                         $XDG_STATE_HOME/cachectl, else ~/.local/state/cachectl)\n"
         "       --output FORMAT   json (text, table and yaml are not available yet)\n"
         "       --query EXPR      a JMESPath expression applied to the response\n"
         "       --region NAME     the region shown in ARNs and zones (else $AWS_REGION,\n"
         "                         $AWS_DEFAULT_REGION, us-east-1)\n\n"
         "EXIT CODES\n       0 ok, 252 bad usage, 253 bad configuration or state home, 254 the\n"
         "       operation failed (an API error), 255 anything else (a waiter that failed), 130\n"
         "       interrupted\n\n"
         "AVAILABLE COMMANDS\n";
  const ApiModel& model = ApiModel::get();
  for (const auto& name : model.cli_operation_names()) {
    auto api = model.operation_for(name);
    out << "       o " << name << (find_handler(*api) ? "" : "   (not implemented yet)") << "\n";
  }
  out << "       o wait\n       o help\n";
}

void print_operation_help(std::ostream& out, const std::string& op) {
  const ApiModel& model = ApiModel::get();
  out << kebab_case(op) << "()\n\nNAME\n       " << kebab_case(op) << "\n\nDESCRIPTION\n       ";
  auto it = summaries().find(op);
  out << (it != summaries().end() ? it->second
                                  : std::string("Part of the ElastiCache API; not implemented by cachectl yet."))
      << "\n\nOPTIONS\n";
  const ModelJson& operation = model.operation(op);
  if (!operation.contains("input")) {
    out << "       None\n";
    return;
  }
  const ModelJson& input = model.shape(operation["input"]["shape"]);
  ModelJson required = input.value("required", ModelJson::array());
  for (auto m = input["members"].begin(); m != input["members"].end(); ++m) {
    const ModelJson& shape = model.shape(m.value()["shape"]);
    bool req = std::find(required.begin(), required.end(), m.key()) != required.end();
    std::string name = "--" + kebab_case(m.key());
    if (shape["type"] == "boolean") name += " | --no-" + kebab_case(m.key());
    out << "       " << (req ? "" : "[") << name << (req ? "" : "]") << "  (" << type_text(shape) << ")";
    if (shape.contains("enum")) {
      out << "  one of:";
      for (const auto& e : shape["enum"]) out << " " << e.get<std::string>();
    }
    out << "\n";
  }
  if (operation.contains("output")) {
    out << "\nOUTPUT\n       " << operation["output"]["shape"].get<std::string>() << ":";
    const ModelJson& shape = model.shape(operation["output"]["shape"]);
    for (auto m = shape["members"].begin(); m != shape["members"].end(); ++m) out << " " << m.key();
    out << "\n";
  }
}

void print_wait_help(std::ostream& out, const std::string& waiter) {
  const ApiModel& model = ApiModel::get();
  if (waiter.empty()) {
    out << "wait()\n\nNAME\n       wait - wait until a condition holds; exits 0 then, 255 when it\n"
           "       cannot hold any more or the waiter's time runs out\n\nAVAILABLE WAITERS\n";
    for (auto it = model.waiters().begin(); it != model.waiters().end(); ++it) {
      std::string op = it.value()["operation"];
      out << "       o " << kebab_case(it.key()) << (find_handler(op) ? "" : "   (not implemented yet)") << "\n";
    }
    return;
  }
  const ModelJson& w = model.waiters()[waiter];
  out << kebab_case(waiter) << "()\n\nDESCRIPTION\n       " << w.value("description", "")
      << "\n       Polls " << kebab_case(w["operation"]) << " every few milliseconds for up to "
      << w.value("delay", 15) * w.value("maxAttempts", 40) << " seconds.\n\n";
  print_operation_help(out, w["operation"]);
}

}  // namespace cachectl::cli
