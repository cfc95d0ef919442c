#!/usr/bin/env bash
# Benchmark: snapshot and restore of a dataset of SIZE_MB (default 1024 MB),
# as ratios to the same engine doing the same work by hand (target: within
# 1.2x both):
#   snapshot: create-snapshot           vs  BGSAVE (waited for) + cp of the RDB
#   restore:  create-cache-cluster --snapshot-name + wait available
#                                       vs  a plain redis-server loading that RDB
# RUNS (default 3) repetitions of each; medians are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
C="$PWD/build/bin/cachectl --state-dir"
H=$(mktemp -d /tmp/ccbench-XXXXXX)
PLAIN=$H/plain
mkdir -p "$PLAIN"
cleanup() {
  for id in $($C "$H" describe-cache-clusters --query 'CacheClusters[].CacheClusterId' 2>/dev/null | tr -d '[]",'); do
    $C "$H" delete-cache-cluster --cache-cluster-id "$id" >/dev/null 2>&1 || true
  done
  [ -f "$PLAIN/r.pid" ] && kill "$(cat "$PLAIN/r.pid")" 2>/dev/null || true
  rm -rf "$H"
}
trap cleanup EXIT
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

$C "$H" create-cache-cluster --cache-cluster-id src --cache-node-type cache.r5.xlarge >/dev/null
$C "$H" wait cache-cluster-available --cache-cluster-id src
A=$($C "$H" describe-cache-clusters --cache-cluster-id src --show-cache-node-info \
      --query 'CacheClusters[0].CacheNodes[0].Endpoint.Address' | tr -d '"')
KEYS=$((SIZE_MB * 1024))  # 1 KiB values
redis-benchmark -h "$A" -t set -n "$KEYS" -r "$KEYS" -d 1024 -P 64 -q >/dev/null
echo "dataset: $(redis-cli -h "$A" dbsize) keys, $(redis-cli -h "$A" info memory | grep used_memory_human | tr -d '\r')"

snap=(); base=(); restore=(); load=()
for i in $(seq "$RUNS"); do
  t0=$(now); $C "$H" create-snapshot --cache-cluster-id src --snapshot-name "s$i" >/dev/null; t1=$(now)
  snap+=("$(echo "$t1 - $t0" | bc)")
  # By hand: BGSAVE, wait for it, copy the file out.
  before=$(redis-cli -h "$A" info persistence | grep rdb_saves: | tr -dc 0-9)
  t0=$(now); redis-cli -h "$A" bgsave >/dev/null
  while [ "$(redis-cli -h "$A" info persistence | grep rdb_saves: | tr -dc 0-9)" = "$before" ] ||
        [ ! -f "$H/nodes/src/0001/data/dump.rdb" ]; do sleep 0.005; done
  cp "$H/nodes/src/0001/data/dump.rdb" "$PLAIN/copy.rdb"; t1=$(now)
  base+=("$(echo "$t1 - $t0" | bc)")

  t0=$(now)
  $C "$H" create-cache-cluster --cache-cluster-id "r$i" --cache-node-type cache.r5.xlarge --snapshot-name "s$i" >/dev/null
  $C "$H" wait cache-cluster-available --cache-cluster-id "r$i"; t1=$(now)
  restore+=("$(echo "$t1 - $t0" | bc)")
  $C "$H" delete-cache-cluster --cache-cluster-id "r$i" >/dev/null
  # By hand: a plain redis-server loading the same RDB.
  cp "$H/snapshots/s$i/0001.rdb" "$PLAIN/dump.rdb"
  t0=$(now)
  redis-server --port 0 --unixsocket "$PLAIN/r.sock" --dir "$PLAIN" --dbfilename dump.rdb \
    --save "" --daemonize yes --pidfile "$PLAIN/r.pid" --logfile "$PLAIN/r.log"
  until [ "$(redis-cli -s "$PLAIN/r.sock" ping 2>/dev/null)" = "PONG" ]; do sleep 0.005; done; t1=$(now)
  load+=("$(echo "$t1 - $t0" | bc)")
  redis-cli -s "$PLAIN/r.sock" shutdown nosave >/dev/null 2>&1 || true
  rm -f "$PLAIN/dump.rdb"
done
ms=$(printf '%s\n' "${snap[@]}" | median); mb=$(printf '%s\n' "${base[@]}" | median)
mr=$(printf '%s\n' "${restore[@]}" | median); ml=$(printf '%s\n' "${load[@]}" | median)
echo "snapshot: create-snapshot median ${ms}s, BGSAVE+cp median ${mb}s, ratio $(echo "scale=2; $ms / $mb" | bc)x (target <= 1.2x)"
echo "restore:  create+wait median ${mr}s, plain redis-server load median ${ml}s, ratio $(echo "scale=2; $mr / $ml" | bc)x (target <= 1.2x)"
