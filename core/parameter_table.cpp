#include "core/parameter_table.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <limits>

namespace cachectl::core {

namespace {

constexpr auto kNow = ChangeType::kImmediate;
constexpr auto kReboot = ChangeType::kRequiresReboot;
constexpr std::string_view kYesNo = "yes,no";

// ElastiCache's redis7 family. Engine-facing names are checked against a
// real redis-server's CONFIG GET by tests/integration/parameter_group_test.cpp.
const std::vector<ParameterSpec>& redis7() {
  static const std::vector<ParameterSpec> t = {
      {"acllog-max-len", "integer", Allowed::kRange, "1-10000", "128", true, kNow, "acllog-max-len",
       "6.0.0", "The maximum number of entries in the ACL log."},
      {"activedefrag", "string", Allowed::kList, kYesNo, "no", true, kNow, "activedefrag", "4.0.10",
       "Enabled active memory defragmentation."},
      {"active-defrag-cycle-max", "integer", Allowed::kRange, "1-75", "75", true, kNow,
       "active-defrag-cycle-max", "4.0.10", "Maximal effort for defrag in CPU percentage."},
      {"active-defrag-cycle-min", "integer", Allowed::kRange, "1-75", "5", true, kNow,
       "active-defrag-cycle-min", "4.0.10", "Minimal effort for defrag in CPU percentage."},
      {"active-defrag-ignore-bytes", "integer", Allowed::kRange, "1048576-", "104857600", true,
       kNow, "active-defrag-ignore-bytes", "4.0.10",
       "Minimum amount of fragmentation waste to start active defrag."},
      {"active-defrag-max-scan-fields", "integer", Allowed::kRange, "1-1000000", "1000", true, kNow,
       "active-defrag-max-scan-fields", "5.0.0",
       "Maximum number of set/hash/zset/list fields that will be processed from the main "
       "dictionary scan."},
      {"active-defrag-threshold-lower", "integer", Allowed::kRange, "1-100", "10", true, kNow,
       "active-defrag-threshold-lower", "4.0.10",
       "Minimum percentage of fragmentation to start active defrag."},
      {"active-defrag-threshold-upper", "integer", Allowed::kRange, "1-100", "100", true, kNow,
       "active-defrag-threshold-upper", "4.0.10",
       "Maximum percentage of fragmentation at which we use maximum effort."},
      {"active-expire-effort", "integer", Allowed::kRange, "1-10", "1", true, kNow,
       "active-expire-effort", "6.0.0",
       "The amount of effort that redis uses to expire items in the active expiration job."},
      {"activerehashing", "string", Allowed::kList, kYesNo, "yes", true, kNow, "activerehashing",
       "2.6.13", "Apply rehashing or not."},
      // Persistence (append-only file in the node's data/ directory). Newer
      // ElastiCache families leave AOF out; cachectl keeps it, because it is
      // how a cluster's data survives a machine restart (cachectl resume).
      {"appendfsync", "string", Allowed::kList, "always,everysec,no", "everysec", true, kNow,
       "appendfsync", "2.6.13",
       "The fsync policy of the append-only file: always, everysec or no."},
      {"appendonly", "string", Allowed::kList, kYesNo, "no", true, kNow, "appendonly", "2.6.13",
       "Enable the append-only file, so that data survives a restart of the node."},
      {"client-output-buffer-limit-normal-hard-limit", "integer", Allowed::kRange, "0-", "0", true,
       kNow, "", "2.6.13", "Normal client output buffer hard limit in bytes."},
      {"client-output-buffer-limit-pubsub-hard-limit", "integer", Allowed::kRange, "0-", "33554432",
       true, kNow, "", "2.6.13", "Pubsub client output buffer hard limit in bytes."},
      {"close-on-replica-write", "string", Allowed::kList, kYesNo, "yes", true, kNow, "", "2.8.23",
       "If enabled, clients who attempt to write to a read-only replica will be disconnected."},
      {"cluster-allow-pubsubshard-when-down", "string", Allowed::kList, kYesNo, "yes", true, kNow,
       "cluster-allow-pubsubshard-when-down", "7.0.0",
       "Allow the cluster to serve pubsubshard when the cluster is down, as long as the node owns "
       "the slot."},
      {"cluster-allow-reads-when-down", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "cluster-allow-reads-when-down", "6.0.0",
       "Allow reads when the cluster is down, as long as the node owns the slot."},
      // Cluster mode needs replication groups; cachectl runs every Redis node
      // in non-cluster mode, so this one is stored only.
      {"cluster-enabled", "string", Allowed::kList, kYesNo, "no", true, kReboot, "", "3.2.4",
       "Enable cluster mode."},
      {"databases", "integer", Allowed::kRange, "1-1200000", "16", true, kReboot, "databases",
       "2.6.13", "Set the number of databases."},
      {"hash-max-listpack-entries", "integer", Allowed::kRange, "0-", "512", true, kNow,
       "hash-max-listpack-entries", "7.0.0",
       "The maximum number of hash entries in order for the dataset to be compressed."},
      {"hash-max-listpack-value", "integer", Allowed::kRange, "0-", "64", true, kNow,
       "hash-max-listpack-value", "7.0.0",
       "The threshold of biggest hash entries in order for the dataset to be compressed."},
      {"hll-sparse-max-bytes", "integer", Allowed::kRange, "0-16000", "3000", true, kNow,
       "hll-sparse-max-bytes", "2.8.6", "HyperLogLog sparse representation bytes limit."},
      {"latency-tracking", "string", Allowed::kList, kYesNo, "no", true, kNow, "latency-tracking",
       "7.0.0", "Enable extended latency monitoring."},
      {"lazyfree-lazy-eviction", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "lazyfree-lazy-eviction", "4.0.10", "Performs an asynchronous delete on evictions."},
      {"lazyfree-lazy-expire", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "lazyfree-lazy-expire", "4.0.10", "Performs an asynchronous delete on expired keys."},
      {"lazyfree-lazy-server-del", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "lazyfree-lazy-server-del", "4.0.10",
       "Performs an asynchronous delete for commands which update values."},
      {"lazyfree-lazy-user-del", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "lazyfree-lazy-user-del", "6.0.0",
       "Specify whether the default behavior of DEL command acts the same as UNLINK."},
      {"lazyfree-lazy-user-flush", "string", Allowed::kList, kYesNo, "no", true, kNow,
       "lazyfree-lazy-user-flush", "6.2.0",
       "Performs an asynchronous flushdb or flushall when no sync/async flag is given."},
      {"lfu-decay-time", "integer", Allowed::kRange, "0-", "1", true, kNow, "lfu-decay-time",
       "4.0.10",
       "The amount of time in minutes to decrement the key counter for LFU eviction policy."},
      {"lfu-log-factor", "integer", Allowed::kRange, "1-", "10", true, kNow, "lfu-log-factor",
       "4.0.10", "The log factor for incrementing key counter for LFU eviction policy."},
      {"list-compress-depth", "integer", Allowed::kRange, "0-", "0", true, kNow,
       "list-compress-depth", "3.2.4",
       "Compress depth is the number of quicklist ziplist nodes from each side of the list to "
       "exclude from compression."},
      {"list-max-listpack-size", "integer", Allowed::kRange, "-5-", "-2", true, kNow,
       "list-max-listpack-size", "7.0.0",
       "With -5 to -1 the limit of each list node in kilobytes (64 to 4); a positive value is the "
       "number of entries."},
      {"lua-time-limit", "integer", Allowed::kRange, "5000", "5000", false, kNow, "lua-time-limit",
       "2.6.13",
       "Max execution time of a Lua script in milliseconds. 0 or a negative value for unlimited "
       "execution."},
      {"maxclients", "integer", Allowed::kRange, "1-65000", "65000", false, kReboot, "", "2.6.13",
       "The maximum number of Redis clients."},
      {"maxmemory-policy", "string", Allowed::kList,
       "volatile-lru,allkeys-lru,volatile-lfu,allkeys-lfu,volatile-random,allkeys-random,volatile-"
       "ttl,noeviction",
       "volatile-lru", true, kNow, "maxmemory-policy", "2.6.13", "Max memory policy."},
      {"maxmemory-samples", "integer", Allowed::kRange, "1-", "3", true, kNow, "maxmemory-samples",
       "2.6.13", "Max memory samples."},
      {"min-replicas-max-lag", "integer", Allowed::kRange, "0-", "10", true, kNow,
       "min-replicas-max-lag", "5.0.0",
       "The number of seconds within which the primary must receive a ping request from a "
       "replica."},
      {"min-replicas-to-write", "integer", Allowed::kRange, "0-", "0", true, kNow,
       "min-replicas-to-write", "5.0.0",
       "The minimum number of replicas that must be present for the primary to accept writes."},
      {"notify-keyspace-events", "string", Allowed::kChars, "KEg$lshzxeAtmdn", "", true, kNow,
       "notify-keyspace-events", "2.8.6",
       "The keyspace events for Redis to notify Pub/Sub clients about."},
      {"proto-max-bulk-len", "integer", Allowed::kRange, "1048576-536870912", "536870912", true,
       kNow, "proto-max-bulk-len", "4.0.10", "Max size of a single element request."},
      {"rename-commands", "string", Allowed::kAny, "", "", true, kNow, "", "5.0.3",
       "A space-separated list of renamed Redis commands."},
      {"repl-backlog-size", "integer", Allowed::kRange, "16384-", "1048576", true, kNow,
       "repl-backlog-size", "2.8.6", "The replication backlog size in bytes."},
      {"repl-backlog-ttl", "integer", Allowed::kRange, "0-", "3600", true, kNow, "repl-backlog-ttl",
       "2.8.6", "The number of seconds to elapse before freeing the replication backlog buffer."},
      {"replica-lazy-flush", "string", Allowed::kList, kYesNo, "yes", false, kNow,
       "replica-lazy-flush", "5.0.0", "Performs an asynchronous flushDB during replica sync."},
      {"reserved-memory-percent", "integer", Allowed::kRange, "0-100", "25", true, kNow, "",
       "3.2.4", "The percent of memory reserved for non-cache memory usage."},
      {"set-max-intset-entries", "integer", Allowed::kRange, "0-", "512", true, kNow,
       "set-max-intset-entries", "2.6.13",
       "The limit in the size of the set in order for the dataset to be compressed."},
      {"slowlog-log-slower-than", "integer", Allowed::kRange, "0-", "10000", true, kNow,
       "slowlog-log-slower-than", "2.6.13",
       "The execution time, in microseconds, to exceed in order for the command to get logged."},
      {"slowlog-max-len", "integer", Allowed::kRange, "0-", "128", true, kNow, "slowlog-max-len",
       "2.6.13", "The length of the slow log."},
      {"stream-node-max-bytes", "integer", Allowed::kRange, "0-", "4096", true, kNow,
       "stream-node-max-bytes", "5.0.0",
       "The stream data structure is a radix tree of nodes that encode multiple items inside."},
      {"stream-node-max-entries", "integer", Allowed::kRange, "0-", "100", true, kNow,
       "stream-node-max-entries", "5.0.0",
       "The maximum number of items a single stream node can contain."},
      {"tcp-keepalive", "integer", Allowed::kRange, "0-", "300", true, kNow, "tcp-keepalive",
       "3.2.4", "If non-zero, send ACKs every given number of seconds."},
      {"timeout", "integer", Allowed::kRange, "0,20-", "0", true, kNow, "timeout", "2.6.13",
       "Close connection if client is idle for a given number of seconds, or never if 0."},
      {"tracking-table-max-keys", "integer", Allowed::kRange, "1-100000000", "1000000", true, kNow,
       "tracking-table-max-keys", "6.0.0",
       "The number of keys tracked on the server side for client-side caching."},
      {"zset-max-listpack-entries", "integer", Allowed::kRange, "0-", "128", true, kNow,
       "zset-max-listpack-entries", "7.0.0",
       "The maximum number of sorted set entries in order for the dataset to be compressed."},
      {"zset-max-listpack-value", "integer", Allowed::kRange, "0-", "64", true, kNow,
       "zset-max-listpack-value", "7.0.0",
       "The threshold of biggest sorted set entries in order for the dataset to be compressed."},
  };
  return t;
}

// ElastiCache's memcached1.6 family. Memcached reads its options once, at
// start: every engine-facing change takes effect at the next reboot.
const std::vector<ParameterSpec>& memcached16() {
  static const std::vector<ParameterSpec> t = {
      {"backlog_queue_limit", "integer", Allowed::kRange, "1-10000", "1024", false, kReboot, "-b",
       "1.4.5", "The backlog queue limit."},
      {"binding_protocol", "string", Allowed::kList, "ascii,auto", "auto", true, kReboot, "-B",
       "1.4.5", "Binding protocol."},
      {"cas_disabled", "boolean", Allowed::kList, "0,1", "0", true, kReboot, "-C!", "1.4.5",
       "If true (1), check and set (CAS) operations will be disabled."},
      {"chunk_size", "integer", Allowed::kRange, "1-", "48", true, kReboot, "-n", "1.4.5",
       "The minimum amount, in bytes, of space to allocate for the smallest item's key, value, and "
       "flags."},
      {"chunk_size_growth_factor", "float", Allowed::kRange, "1-2", "1.25", true, kReboot, "-f",
       "1.4.5", "The growth factor that controls the size of each successive memcached chunk."},
      {"disable_flush_all", "boolean", Allowed::kList, "0,1", "0", true, kReboot, "-F!", "1.4.34",
       "If true (1), the flush_all command is disabled."},
      {"error_on_memory_exhausted", "boolean", Allowed::kList, "0,1", "0", true, kReboot, "-M!",
       "1.4.5",
       "If true (1), when there is no more memory to store items, memcached will return an error "
       "rather than evict "
       "items."},
      {"hashpower_init", "integer", Allowed::kRange, "16", "16", false, kReboot, "-o hashpower",
       "1.4.14", "The initial size of the hash table, expressed as a power of two."},
      {"hot_lru_pct", "integer", Allowed::kRange, "1-80", "20", true, kReboot, "-o hot_lru_pct",
       "1.4.33", "The percentage of slab memory reserved for the hot LRU."},
      {"idle_timeout", "integer", Allowed::kRange, "0-", "0", true, kReboot, "-o idle_timeout",
       "1.4.33",
       "The number of seconds a client connection can be idle before it is closed (0 = never)."},
      {"large_memory_pages", "boolean", Allowed::kList, "0,1", "0", false, kReboot, "-L!", "1.4.5",
       "If true (1), memcached tries to use large memory pages."},
      {"lock_down_paged_memory", "boolean", Allowed::kList, "0,1", "0", false, kReboot, "-k!",
       "1.4.5", "If true (1), all paged memory is locked down."},
      {"lru_crawler", "boolean", Allowed::kList, "0,1", "1", true, kReboot, "-o no_lru_crawler?",
       "1.4.24", "Runs the LRU crawler background thread, which reclaims expired items."},
      {"lru_maintainer", "boolean", Allowed::kList, "0,1", "1", true, kReboot,
       "-o no_lru_maintainer?", "1.4.24",
       "Runs the background thread that moves items between the LRUs."},
      {"max_item_size", "integer", Allowed::kRange, "1048576-134217728", "1048576", true, kReboot,
       "-I", "1.4.5", "The size, in bytes, of the largest item that can be stored in the cluster."},
      {"max_simultaneous_connections", "integer", Allowed::kRange, "3-65000", "65000", false,
       kReboot, "", "1.4.5", "The maximum number of simultaneous connections."},
      {"maxconns_fast", "boolean", Allowed::kList, "0,1", "0", true, kReboot,
       "-o no_maxconns_fast?", "1.4.14",
       "If true (1), new connections beyond the limit are closed at once instead of waiting."},
      {"maximize_core_file_limit", "boolean", Allowed::kList, "0,1", "0", false, kReboot, "-r!",
       "1.4.5", "If true (1), maximize the core file limit."},
      {"memcached_connections_overhead", "integer", Allowed::kRange, "0-", "100", true, kReboot, "",
       "1.4.5",
       "The amount of memory to be reserved for memcached connections and other miscellaneous "
       "overhead."},
      {"requests_per_event", "integer", Allowed::kRange, "20", "20", false, kReboot, "-R", "1.4.5",
       "The maximum number of requests per event for a given connection."},
      {"slab_automove", "integer", Allowed::kRange, "0-2", "0", true, kReboot, "-o slab_automove",
       "1.4.14", "Adjusts the slab automove algorithm."},
      {"slab_reassign", "boolean", Allowed::kList, "0,1", "0", true, kReboot, "-o slab_reassign!",
       "1.4.14", "Enable slab reassignment."},
      {"track_sizes", "boolean", Allowed::kList, "0,1", "0", true, kReboot, "-o track_sizes!",
       "1.4.33", "Shows the sizes each slab group has consumed."},
      {"warm_lru_pct", "integer", Allowed::kRange, "1-80", "40", true, kReboot, "-o warm_lru_pct",
       "1.4.33", "The percentage of slab memory reserved for the warm LRU."},
      {"watcher_logbuf_size", "integer", Allowed::kRange, "0-", "256", true, kReboot,
       "-o watcher_logbuf_size", "1.4.33",
       "The size in kilobytes of the per-watcher write buffer."},
      // Stored and shown, not passed: memcached 1.6.18 reads
      // `-o worker_logbuf_size=N` as a slab size too, and then refuses to
      // start when N is below the smallest chunk (e.g. with chunk_size 96).
      {"worker_logbuf_size", "integer", Allowed::kRange, "0-", "64", true, kReboot, "", "1.4.33",
       "The size in kilobytes of the per-worker-thread log buffer."},
  };
  return t;
}

bool parse_number(std::string_view text, bool integer, double& out) {
  if (text.empty()) return false;
  std::string s(text);
  char* end = nullptr;
  // Integers in the one form Redis's string2ll and memcached both read:
  // an optional '-', then no leading zero ("+5", "05" and "-0" are
  // refused, as the engine would refuse to start with them).
  if (integer && !(s == "0" || (s.size() > (s[0] == '-' ? 1u : 0u) &&
                                s[s[0] == '-' ? 1 : 0] >= '1' && s[s[0] == '-' ? 1 : 0] <= '9')))
    return false;
  errno = 0;
  if (integer) {
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == ERANGE) return false;
    out = static_cast<double>(v);
  } else {
    out = std::strtod(s.c_str(), &end);
  }
  return end && *end == '\0' && !std::isspace(static_cast<unsigned char>(s[0]));
}

// "lo-hi", "lo-", "n" or alternatives "0,20-" (a leading '-' is a sign).
bool in_ranges(std::string_view ranges, double v, bool integer) {
  std::size_t start = 0;
  while (start <= ranges.size()) {
    std::size_t comma = ranges.find(',', start);
    std::string_view r =
        ranges.substr(start, comma == std::string_view::npos ? ranges.npos : comma - start);
    std::size_t dash = r.find('-', 1);
    double lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (parse_number(r, integer, lo) && v == lo) return true;
    } else if (parse_number(r.substr(0, dash), integer, lo) && v >= lo) {
      std::string_view upper = r.substr(dash + 1);
      if (upper.empty() || (parse_number(upper, integer, hi) && v <= hi)) return true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

// Redis 7's own upper bound for an integer config, where it is below what
// the table's range allows (an open-ended "0-" allows anything a long long
// holds). These are Redis's `int` configs (config.c's createIntConfig and
// createUIntConfig: at most INT_MAX), found by experiment with redis-server
// 7.0.15 (CONFIG SET and a configuration file both refuse 2147483648 with
// "argument must be between 0 and 2147483647"); its long long, unsigned long
// and size_t configs take up to LLONG_MAX, which strtoll already bounds.
// Without this, such a value is stored, then CONFIG SET fails or the engine
// refuses to start. tests/unit/parameter_table_test.cpp checks every bound
// against the installed redis-server.
constexpr long long kRedisIntMax = 2147483647;
constexpr std::string_view kRedisIntConfigs[] = {
    "active-defrag-cycle-max",
    "active-defrag-cycle-min",
    "active-defrag-threshold-lower",
    "active-defrag-threshold-upper",
    "active-expire-effort",
    "databases",
    "lfu-decay-time",
    "lfu-log-factor",
    "list-compress-depth",
    "list-max-listpack-size",
    "maxmemory-samples",
    "min-replicas-max-lag",
    "min-replicas-to-write",
    "tcp-keepalive",
    "timeout",
};

bool is_redis_int_config(const ParameterSpec& spec) {
  if (find_parameter("redis7", spec.name) != &spec || !spec.reaches_engine()) return false;
  return std::find(std::begin(kRedisIntConfigs), std::end(kRedisIntConfigs), spec.engine_name) !=
         std::end(kRedisIntConfigs);
}

}  // namespace

long long engine_integer_max(const ParameterSpec& spec) {
  return is_redis_int_config(spec) ? kRedisIntMax : std::numeric_limits<long long>::max();
}

std::string_view change_type_name(ChangeType t) {
  return t == ChangeType::kImmediate ? "immediate" : "requires-reboot";
}

std::vector<std::string> known_parameter_families() { return {"memcached1.6", "redis7"}; }

const std::vector<ParameterSpec>* family_parameters(std::string_view family) {
  if (family == "redis7") return &redis7();
  if (family == "memcached1.6") return &memcached16();
  return nullptr;
}

const ParameterSpec* find_parameter(std::string_view family, std::string_view name) {
  const auto* table = family_parameters(family);
  if (!table) return nullptr;
  for (const auto& p : *table)
    if (p.name == name) return &p;
  return nullptr;
}

Status check_parameter_value(const ParameterSpec& spec, const std::string& value) {
  auto refuse = [&]() -> Status {
    return invalid_value(
        "Value '" + value + "' is not allowed for parameter " + std::string(spec.name) +
        " (allowed: " + (spec.allowed.empty() ? "any string" : std::string(spec.allowed)) + ").");
  };
  // Engines keep settings as C strings (and argv is C strings): a NUL byte
  // would cut the value short, so it is never allowed.
  if (value.find('\0') != std::string::npos) return refuse();
  switch (spec.check) {
    case Allowed::kAny:
      return std::nullopt;
    case Allowed::kChars:
      if (value.find_first_not_of(spec.allowed) != std::string::npos) return refuse();
      return std::nullopt;
    case Allowed::kList: {
      std::size_t start = 0;
      while (true) {
        std::size_t comma = spec.allowed.find(',', start);
        if (spec.allowed.substr(start, comma == std::string_view::npos ? spec.allowed.npos
                                                                       : comma - start) == value)
          return std::nullopt;
        if (comma == std::string_view::npos) return refuse();
        start = comma + 1;
      }
    }
    case Allowed::kRange: {
      bool integer = spec.data_type == "integer";
      double v = 0;
      if (!parse_number(value, integer, v) || !in_ranges(spec.allowed, v, integer)) return refuse();
      // Compared as integers: `v`, a double, rounds large ones.
      if (integer && std::strtoll(value.c_str(), nullptr, 10) > engine_integer_max(spec))
        return invalid_value("Value '" + value + "' is not allowed for parameter " +
                             std::string(spec.name) + " (allowed: " + std::string(spec.allowed) +
                             ", and at most " + std::to_string(engine_integer_max(spec)) +
                             ", the largest value Redis accepts).");
      // ElastiCache lists 1-2, but memcached will not start with a growth
      // factor of 1 ("Factor must be greater than 1").
      if (spec.name == "chunk_size_growth_factor" && v <= 1)
        return invalid_value("Value '" + value +
                             "' is not allowed for parameter chunk_size_growth_factor (it must be "
                             "greater than 1).");
      return std::nullopt;
    }
  }
  return refuse();
}

std::map<std::string, std::string> effective_values(
    std::string_view family, const std::map<std::string, std::string>& group_values) {
  std::map<std::string, std::string> out;
  if (const auto* table = family_parameters(family)) {
    for (const auto& p : *table) out[std::string(p.name)] = std::string(p.default_value);
  }
  for (const auto& [k, v] : group_values)
    if (out.count(k)) out[k] = v;
  return out;
}

std::vector<std::string> memcached_arguments(std::string_view family,
                                             const std::map<std::string, std::string>& values) {
  std::vector<std::string> args;
  const auto* table = family_parameters(family);
  if (!table) return args;
  for (const auto& p : *table) {
    if (!p.reaches_engine()) continue;
    auto it = values.find(std::string(p.name));
    if (it == values.end()) continue;
    const std::string& v = it->second;
    std::string opt(p.engine_name);
    if (opt.rfind("-o ", 0) == 0) {
      std::string key = opt.substr(3);
      if (key.back() == '!') {
        if (v == "1") args.insert(args.end(), {"-o", key.substr(0, key.size() - 1)});
      } else if (key.back() == '?') {
        if (v == "0") args.insert(args.end(), {"-o", key.substr(0, key.size() - 1)});
      } else {
        args.insert(args.end(), {"-o", key + "=" + v});
      }
    } else if (opt.back() == '!') {
      if (v == "1") args.push_back(opt.substr(0, opt.size() - 1));
    } else {
      args.insert(args.end(), {opt, v});
    }
  }
  return args;
}

}  // namespace cachectl::core
