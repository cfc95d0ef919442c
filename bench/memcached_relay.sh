#!/usr/bin/env bash
# Benchmark of the Memcached configuration endpoint's relay, in a fresh state
# home, against the fair baselines (issue targets):
#  1. throughput of memcaslap (Debian's memaslap, libmemcached-tools; get:set
#     9:1, THREADS threads x CONCURRENCY connections, RUN_TIME s) against a bare
#     memcached started with the node's own options, the node directly, the
#     ConfigurationEndpoint, and bench/minimal_relay.cpp in front of the node.
#     Targets: node / bare memcached >= 0.98;
#              configuration endpoint / minimal relay >= 0.95.
#  2. new-connection cost: CONNS times connect, "version\r\n", read the reply,
#     close (a small C++ client below), per connection in µs, against the node
#     directly, the configuration endpoint and the minimal relay.
#     Target: configuration endpoint / minimal relay <= 1.1.
# Each of ROUNDS rounds measures every target once, the order alternating
# between rounds; prints the medians over rounds and the median of the
# per-round ratios. The measuring holds /tmp/bench.lock (other benchmarks on
# this machine take it too). Needs memcached, python3, c++; installs
# libmemcached-tools when memcaslap is missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
RUN_TIME=${RUN_TIME:-5}        # seconds of memcaslap per target and round
THREADS=${THREADS:-2}
CONCURRENCY=${CONCURRENCY:-16}
CONNS=${CONNS:-2000}           # new connections per target and round
C=${CACHECTL:-$PWD/build/bin/cachectl}  # CACHECTL=... measures another build
CXX=${CXX:-c++}

if ! command -v memcaslap >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "memcaslap is missing: apt-get install libmemcached-tools" >&2
    exit 1
  fi
  apt-get install -y libmemcached-tools >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y libmemcached-tools >/dev/null; }
fi

HOME_DIR=$(mktemp -d /tmp/ccbench-mc-XXXXXX)
TMP_DIR=$(mktemp -d /tmp/ccbench-mc-tools-XXXXXX)  # relay, client, bare memcached's pid file
cc() { "$C" --state-dir "$HOME_DIR" "$@"; }
RELAY_PID='' BARE_PID='' ENGINE_PID='' ENGINE_ARGS=''
cleanup() {
  set +e
  for p in $RELAY_PID $BARE_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  cc delete-cache-cluster --cache-cluster-id mc >/dev/null 2>&1
  # If the delete failed: our daemons carry the state home on their command
  # line; the node's memcached is known by its pid and exact arguments.
  for p in $(pgrep -f -- "--state-dir $HOME_DIR"); do kill "$p" 2>/dev/null; done
  if [ -n "$ENGINE_PID" ] && [ "$(ps -o args= -p "$ENGINE_PID" 2>/dev/null)" = "$ENGINE_ARGS" ]; then
    kill "$ENGINE_PID" 2>/dev/null
  fi
  rm -rf "$HOME_DIR" "$TMP_DIR"
}
trap cleanup EXIT

. bench/lib.sh  # median, ratio, free_port, wait_port

# The tools: the baseline relay and the new-connection client.
CXXFLAGS=(-O2 -std=c++20 -Wall -Wextra -Wpedantic)
"$CXX" "${CXXFLAGS[@]}" -o "$TMP_DIR/minimal_relay" bench/minimal_relay.cpp
cat >"$TMP_DIR/new_connections.cpp" <<'CPP'
// new_connections ADDR PORT N: N times connect, send "version\r\n", read the
// one-line reply, close; prints the median and mean µs per connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (::inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) return 2;
  const int n = std::atoi(argv[3]);
  std::vector<double> us;
  for (int i = 0; i < n + n / 10; ++i) {  // the first tenth warms up
    auto t0 = std::chrono::steady_clock::now();
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      std::perror("connect");
      return 1;
    }
    const char req[] = "version\r\n";
    if (::send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != sizeof req - 1) return 1;
    std::string reply;
    char buf[256];
    while (reply.find("\r\n") == std::string::npos) {
      ssize_t got = ::recv(fd, buf, sizeof buf, 0);
      if (got <= 0) {
        std::fprintf(stderr, "no reply to version\n");
        return 1;
      }
      reply.append(buf, static_cast<std::size_t>(got));
    }
    if (reply.rfind("VERSION ", 0) != 0) {
      std::fprintf(stderr, "unexpected reply: %s", reply.c_str());
      return 1;
    }
    ::close(fd);
    auto t1 = std::chrono::steady_clock::now();
    if (i >= n / 10) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  double mean = 0;
  for (double v : us) mean += v / static_cast<double>(us.size());
  std::nth_element(us.begin(), us.begin() + static_cast<long>(us.size() / 2), us.end());
  std::printf("%.1f %.1f\n", us[us.size() / 2], mean);
}
CPP
"$CXX" "${CXXFLAGS[@]}" -o "$TMP_DIR/new_connections" "$TMP_DIR/new_connections.cpp"

# The cluster, and the node's and the configuration endpoint's addresses.
cc create-cache-cluster --cache-cluster-id mc --engine memcached \
  --cache-node-type cache.t3.micro --num-cache-nodes 1 >/dev/null
cc wait cache-cluster-available --cache-cluster-id mc
read -r NODE_ADDR NODE_PORT CFG_ADDR CFG_PORT < <(
  cc describe-cache-clusters --cache-cluster-id mc --show-cache-node-info | python3 -c '
import json, sys
c = json.load(sys.stdin)["CacheClusters"][0]
n, e = c["CacheNodes"][0]["Endpoint"], c["ConfigurationEndpoint"]
print(n["Address"], n["Port"], e["Address"], e["Port"])')

# A bare memcached with the node's options: the node daemon's child.
DAEMON_PID=$(cat "$HOME_DIR/nodes/mc/0001/daemon.pid")
ENGINE_PID=$(pgrep -P "$DAEMON_PID" -x memcached)
ENGINE_ARGS=$(ps -o args= -p "$ENGINE_PID")
BARE_ADDR=127.0.0.1 BARE_PORT=$(free_port)
read -ra node_args <<<"$ENGINE_ARGS"
bare_args=()
for ((i = 1; i < ${#node_args[@]}; i++)); do
  case ${node_args[i]} in
    -l) bare_args+=(-l "$BARE_ADDR"); ((++i)) ;;
    -p) bare_args+=(-p "$BARE_PORT"); ((++i)) ;;
    *) bare_args+=("${node_args[i]}") ;;
  esac
done
# The pid file only names it as ours (and puts our directory in its command line).
# In a session of its own, as the node's engine is (its daemon's) and as any
# daemon is: with the kernel's autogroup scheduling (sched_autogroup_enabled),
# CPU is shared between sessions first, so a memcached in this script's
# session shares a group with memcaslap and is scheduled differently (it
# measured 0.86x against the node's, same binary and options, before).
setsid memcached "${bare_args[@]}" -P "$TMP_DIR/bare.pid" </dev/null >"$TMP_DIR/bare.log" 2>&1 &
BARE_PID=$!
RELAY_ADDR=127.0.0.1 RELAY_PORT=$(free_port)
"$TMP_DIR/minimal_relay" "$RELAY_ADDR" "$RELAY_PORT" "$NODE_ADDR" "$NODE_PORT" </dev/null >"$TMP_DIR/relay.log" 2>&1 &
RELAY_PID=$!
wait_port "$BARE_ADDR" "$BARE_PORT"
wait_port "$RELAY_ADDR" "$RELAY_PORT"
echo "node: $ENGINE_ARGS"
echo "bare: memcached ${bare_args[*]}; config endpoint $CFG_ADDR:$CFG_PORT; minimal relay $RELAY_ADDR:$RELAY_PORT -> $NODE_ADDR:$NODE_PORT"

declare -A TARGET=([bare]="$BARE_ADDR:$BARE_PORT" [node]="$NODE_ADDR:$NODE_PORT"
                   [cfg]="$CFG_ADDR:$CFG_PORT" [relay]="$RELAY_ADDR:$RELAY_PORT")
tps() {  # target -> ops/s; the last line is "Run time: 5.0s Ops: 182300 TPS: 60759 Net_rate: ..."
  local out v
  out=$(memcaslap -s "${TARGET[$1]}" -T "$THREADS" -c "$CONCURRENCY" -t "${RUN_TIME}s" 2>&1)
  v=$(awk '/^Run time:/ {for (i = 1; i < NF; i++) if ($i == "TPS:") print $(i + 1)}' <<<"$out")
  [ -n "$v" ] || { echo "memcaslap against $1 failed: $out" >&2; return 1; }
  echo "$v"
}
newconn() { "$TMP_DIR/new_connections" "${TARGET[$1]%:*}" "${TARGET[$1]#*:}" "$CONNS"; }

exec 9>/tmp/bench.lock
flock 9
declare -A T=() NC=() NCMEAN=()
R_NODE=() R_CFG=() R_NC=() R_CFG_NODE=()
t_start=$(date +%s)
for r in $(seq "$ROUNDS"); do
  order=(bare node cfg relay)
  ((r % 2)) || order=(relay cfg node bare)
  declare -A t=()
  for k in "${order[@]}"; do t[$k]=$(tps "$k"); T[$k]+="${t[$k]} "; done
  declare -A nc=()
  for k in "${order[@]}"; do
    [ "$k" = bare ] && continue
    read -r med mean < <(newconn "$k")
    nc[$k]=$med NC[$k]+="$med " NCMEAN[$k]+="$mean "
  done
  R_NODE+=("$(ratio "${t[node]}" "${t[bare]}")")
  R_CFG+=("$(ratio "${t[cfg]}" "${t[relay]}")")
  R_CFG_NODE+=("$(ratio "${t[cfg]}" "${t[node]}")")
  R_NC+=("$(ratio "${nc[cfg]}" "${nc[relay]}")")
  echo "round $r: ops/s bare ${t[bare]} node ${t[node]} cfg ${t[cfg]} relay ${t[relay]};" \
       "new connection µs node ${nc[node]} cfg ${nc[cfg]} relay ${nc[relay]}"
done
elapsed=$(($(date +%s) - t_start))
flock -u 9

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
echo
echo "memcaslap -T $THREADS -c $CONCURRENCY -t ${RUN_TIME}s (get:set 9:1), ops/s, median of $ROUNDS rounds:"
for k in bare node cfg relay; do
  printf '  %-22s %10s   (%s)\n' "$(case $k in bare) echo bare memcached ;; node) echo node directly ;; cfg) echo configuration endpoint ;; relay) echo minimal relay ;; esac)" \
    "$(med "${T[$k]}")" "${T[$k]% }"
done
echo "node / bare memcached: median $(printf '%s\n' "${R_NODE[@]}" | median) (${R_NODE[*]}; target >= 0.98)"
echo "configuration endpoint / minimal relay: median $(printf '%s\n' "${R_CFG[@]}" | median) (${R_CFG[*]}; target >= 0.95)"
echo "configuration endpoint / node directly: median $(printf '%s\n' "${R_CFG_NODE[@]}" | median) (${R_CFG_NODE[*]}; for reference)"
echo
echo "new connection (connect, version, reply, close), µs, median of $ROUNDS rounds of the per-round median (mean) over $CONNS:"
for k in node cfg relay; do
  printf '  %-22s %8s (%s)   (%s)\n' "$(case $k in node) echo node directly ;; cfg) echo configuration endpoint ;; relay) echo minimal relay ;; esac)" \
    "$(med "${NC[$k]}")" "$(med "${NCMEAN[$k]}")" "${NC[$k]% }"
done
echo "configuration endpoint / minimal relay: median $(printf '%s\n' "${R_NC[@]}" | median) (${R_NC[*]}; target <= 1.1)"
echo "measuring took ${elapsed} s"
