#!/usr/bin/env bash
# Benchmark: TLS in transit (issue 15).
# 1. redis-benchmark --tls throughput (SET and GET, requests/s) against a node
#    with --transit-encryption-enabled and against a bare TLS redis-server
#    given the same certificate, key and CA, on the node's address (another
#    port), started in a session of its own (setsid) as the node's engine is
#    (autogroup scheduling would otherwise favour one of them). Rounds
#    alternate; medians. Target: node / bare >= 0.95.
# 2. create-cache-cluster -> available for one Redis node with and without
#    transit encryption (hyperfine medians): the time TLS adds (the node's
#    certificate is issued at its first start; the home's CA once, in the
#    warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-50}
RUNS=${RUNS:-20}
C=${CACHECTL:-$PWD/build/bin/cachectl}
HOME_DIR=$(mktemp -d /tmp/cctls-XXXXXX)
BARE_PID=
cleanup() {
  [ -n "$BARE_PID" ] && kill "$BARE_PID" 2>/dev/null || true
  for id in tlsbench bench plain; do
    $C --state-dir "$HOME_DIR" delete-cache-cluster --cache-cluster-id $id >/dev/null 2>&1 || true
  done
  rm -rf "$HOME_DIR"
}
trap cleanup EXIT
CC="$C --state-dir $HOME_DIR"

$CC create-cache-cluster --cache-cluster-id tlsbench --engine redis \
  --cache-node-type cache.m5.large --transit-encryption-enabled >/dev/null
$CC wait cache-cluster-available --cache-cluster-id tlsbench
ADDRESS=$($CC describe-cache-clusters --cache-cluster-id tlsbench --show-cache-node-info \
  --query 'CacheClusters[0].CacheNodes[0].Endpoint.Address' --output text)
CA=$HOME_DIR/tls/ca.pem
PEM=$HOME_DIR/nodes/tlsbench/0001/tls.pem
BARE_PORT=$(free_port)
BARE_DIR=$(mktemp -d "$HOME_DIR/bare-XXXXXX")
setsid redis-server --bind "$ADDRESS" --port 0 --tls-port "$BARE_PORT" \
  --tls-cert-file "$PEM" --tls-key-file "$PEM" --tls-ca-cert-file "$CA" --tls-auth-clients no \
  --save "" --appendonly no --dir "$BARE_DIR" --protected-mode no --logfile "" >/dev/null &
BARE_PID=$!
for _ in $(seq 200); do
  redis-cli -h "$ADDRESS" -p "$BARE_PORT" --tls --cacert "$CA" ping 2>/dev/null | grep -q PONG && break
  sleep 0.05
done

# requests/s of SET and GET: "set get" on one line.
throughput() {
  redis-benchmark -h "$ADDRESS" -p "$1" --tls --cacert "$CA" -t set,get -n "$REQUESTS" \
    -c "$CLIENTS" -q --csv | python3 -c '
import csv, sys
rows = {r[0]: r[1] for r in csv.reader(sys.stdin) if len(r) > 1}
print(rows["SET"], rows["GET"])'
}
NODE_SET=() NODE_GET=() BARE_SET=() BARE_GET=()
for _ in $(seq "$ROUNDS"); do
  read -r s g < <(throughput 6379); NODE_SET+=("$s"); NODE_GET+=("$g")
  read -r s g < <(throughput "$BARE_PORT"); BARE_SET+=("$s"); BARE_GET+=("$g")
done
ns=$(printf '%s\n' "${NODE_SET[@]}" | median); ng=$(printf '%s\n' "${NODE_GET[@]}" | median)
bs=$(printf '%s\n' "${BARE_SET[@]}" | median); bg=$(printf '%s\n' "${BARE_GET[@]}" | median)
echo "TLS throughput, median of $ROUNDS rounds ($REQUESTS requests, $CLIENTS clients):"
echo "  SET: node $ns/s, bare $bs/s, ratio $(ratio "$ns" "$bs") (target >= 0.95)"
echo "  GET: node $ng/s, bare $bg/s, ratio $(ratio "$ng" "$bg") (target >= 0.95)"
kill "$BARE_PID"; BARE_PID=

OUT=$(mktemp)
hyperfine --runs "$RUNS" --warmup 2 --export-json "$OUT" \
  --prepare "$CC delete-cache-cluster --cache-cluster-id bench >/dev/null 2>&1 || true" \
  -n plain "$CC create-cache-cluster --cache-cluster-id bench --engine redis --cache-node-type cache.t3.micro >/dev/null && $CC wait cache-cluster-available --cache-cluster-id bench" \
  -n tls "$CC create-cache-cluster --cache-cluster-id bench --engine redis --cache-node-type cache.t3.micro --transit-encryption-enabled >/dev/null && $CC wait cache-cluster-available --cache-cluster-id bench" \
  >/dev/null
python3 - "$OUT" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
p, t = r["plain"]["median"] * 1000, r["tls"]["median"] * 1000
print(f"create->available, median of {len(r['tls']['times'])} runs: plain {p:.1f} ms, "
      f"TLS {t:.1f} ms: TLS adds {t - p:.1f} ms")
PY
rm -f "$OUT"
