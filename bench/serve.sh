#!/usr/bin/env bash
# Benchmark of `cachectl serve` (issue 13), in a fresh state home with one
# Redis cluster, against moto_server (a mock with no engines: a comparison
# only) holding one cluster too:
#  1. `aws elasticache describe-cache-clusters --cache-cluster-id ID` (the aws
#     program, a process per call) against each endpoint, with hyperfine:
#     medians, and the ratio cachectl serve / moto_server.
#  2. requests per second of one keep-alive client (bench/query_client.cpp)
#     calling DescribeCacheClusters on one id, N requests a round, against
#     cachectl serve (WORKERS worker processes) and against moto_server.
#     Target: cachectl serve >= 2,000/s on this 2-core machine.
#  3. with DETAIL=1 (docs/decisions.md, worker processes): the cost of the
#     server's hop to a worker (requests/s of a request no operation runs:
#     an unknown Action), and DescribeCacheClusters/s of 1 and 4 clients
#     against 1 worker and against WORKERS workers.
# Each of ROUNDS rounds measures every target once, the order alternating;
# prints the median over rounds. The measuring holds /tmp/bench.lock (other
# benchmarks on this machine take it too). Needs hyperfine, aws, moto_server,
# c++.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-10}          # aws calls per target and round
N=${N:-5000}              # keep-alive requests per target and round
WORKERS=${WORKERS:-4}
C=${CACHECTL:-$PWD/build/bin/cachectl}  # CACHECTL=... measures another build
CXX=${CXX:-c++}

HOME_DIR=$(mktemp -d /tmp/ccbench-serve-XXXXXX)
TMP_DIR=$(mktemp -d /tmp/ccbench-serve-tools-XXXXXX)
SERVE_PID='' MOTO_PID=''
cc() { "$C" --state-dir "$HOME_DIR" "$@"; }
cleanup() {
  set +e
  for p in $SERVE_PID $MOTO_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  cc delete-cache-cluster --cache-cluster-id bench >/dev/null 2>&1
  for p in $(pgrep -f -- "--state-dir $HOME_DIR"); do kill "$p" 2>/dev/null; done
  rm -rf "$HOME_DIR" "$TMP_DIR"
}
trap cleanup EXIT

. bench/lib.sh  # median, ratio, free_port, wait_port

"$CXX" -O2 -std=c++20 -Wall -Wextra -Wpedantic -pthread -o "$TMP_DIR/query_client" bench/query_client.cpp

# The clients' environment: credentials, region, no user config.
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$TMP_DIR/aws-config AWS_SHARED_CREDENTIALS_FILE=$TMP_DIR/aws-credentials
unset AWS_PROFILE AWS_ENDPOINT_URL

# cachectl serve over a state home with one available Redis cluster.
cc create-cache-cluster --cache-cluster-id bench --engine redis \
  --cache-node-type cache.t3.micro --num-cache-nodes 1 >/dev/null
cc wait cache-cluster-available --cache-cluster-id bench
cc serve --listen 127.0.0.1:0 --workers "$WORKERS" >"$TMP_DIR/serve.out" 2>"$TMP_DIR/serve.err" &
SERVE_PID=$!
for _ in $(seq 200); do grep -q Listening "$TMP_DIR/serve.out" && break; sleep 0.05; done
SERVE_PORT=$(sed -n 's/^Listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$TMP_DIR/serve.out")

# moto_server with one cluster of the same request.
MOTO_PORT=$(free_port)
moto_server -p "$MOTO_PORT" >"$TMP_DIR/moto.log" 2>&1 &
MOTO_PID=$!
wait_port 127.0.0.1 "$MOTO_PORT"
aws elasticache create-cache-cluster --endpoint-url "http://127.0.0.1:$MOTO_PORT" \
  --cache-cluster-id bench --engine redis --cache-node-type cache.t3.micro \
  --num-cache-nodes 1 >/dev/null

BODY='Action=DescribeCacheClusters&Version=2015-02-02&CacheClusterId=bench'
describe() { echo "aws elasticache describe-cache-clusters --cache-cluster-id bench --endpoint-url http://127.0.0.1:$1"; }
# Both answer the same cluster (a check that the requests measured succeed).
aws elasticache describe-cache-clusters --cache-cluster-id bench \
  --endpoint-url "http://127.0.0.1:$SERVE_PORT" >/dev/null
aws elasticache describe-cache-clusters --cache-cluster-id bench \
  --endpoint-url "http://127.0.0.1:$MOTO_PORT" >/dev/null

: >"$TMP_DIR/aws_serve" ; : >"$TMP_DIR/aws_moto"; : >"$TMP_DIR/rps_serve"; : >"$TMP_DIR/rps_moto"
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="serve moto"; else order="moto serve"; fi
  for target in $order; do
    port=$SERVE_PORT
    [ "$target" = moto ] && port=$MOTO_PORT
    flock /tmp/bench.lock hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$TMP_DIR/h.json" \
      "$(describe "$port")" >/dev/null
    python3 -c "import json; print(json.load(open('$TMP_DIR/h.json'))['results'][0]['median'] * 1000)" \
      >>"$TMP_DIR/aws_$target"
    line=$(flock /tmp/bench.lock "$TMP_DIR/query_client" 127.0.0.1 "$port" "$N" "$BODY")
    case "$line" in *", 200=$N"*) ;; *) echo "not all answered 200 by $target: $line" >&2; exit 1 ;; esac
    echo "$line" | sed -n 's/.* s, \([0-9]*\)\/s.*/\1/p' >>"$TMP_DIR/rps_$target"
    echo "round $round $target: $line" >&2
  done
done

if [ "${DETAIL:-0}" = 1 ]; then
  cc serve --listen 127.0.0.1:0 --workers 1 >"$TMP_DIR/serve1.out" 2>>"$TMP_DIR/serve.err" &
  SERVE1_PID=$!
  for _ in $(seq 200); do grep -q Listening "$TMP_DIR/serve1.out" && break; sleep 0.05; done
  SERVE1_PORT=$(sed -n 's/^Listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$TMP_DIR/serve1.out")
  rate() {  # PORT BODY CLIENTS -> requests/s, median of ROUNDS
    for _ in $(seq "$ROUNDS"); do
      flock /tmp/bench.lock "$TMP_DIR/query_client" 127.0.0.1 "$1" "$N" "$2" "$3" |
        sed -n 's/.* s, \([0-9]*\)\/s.*/\1/p'
    done | median
  }
  echo "detail (median of $ROUNDS rounds of $N requests a client):"
  echo "  no operation (Action=Nothing), 1 client, $WORKERS workers: $(rate "$SERVE_PORT" 'Action=Nothing&Version=2015-02-02' 1) /s"
  for workers_port in "1 $SERVE1_PORT" "$WORKERS $SERVE_PORT"; do
    set -- $workers_port
    for clients in 1 4; do
      echo "  DescribeCacheClusters, $clients clients, $1 workers: $(rate "$2" "$BODY" "$clients") /s"
    done
  done
  kill "$SERVE1_PID"
  wait "$SERVE1_PID" 2>/dev/null || true
fi

aws_serve=$(median <"$TMP_DIR/aws_serve")
aws_moto=$(median <"$TMP_DIR/aws_moto")
rps_serve=$(median <"$TMP_DIR/rps_serve")
rps_moto=$(median <"$TMP_DIR/rps_moto")
echo
echo "aws elasticache describe-cache-clusters --cache-cluster-id (median of $ROUNDS rounds x $RUNS runs):"
printf '  cachectl serve  %8.1f ms\n  moto_server     %8.1f ms\n  ratio serve/moto %7s\n' \
  "$aws_serve" "$aws_moto" "$(ratio "$aws_serve" "$aws_moto")"
echo "one keep-alive client, DescribeCacheClusters on one id ($N requests a round, median of $ROUNDS):"
printf '  cachectl serve  %8s /s   (target >= 2000; %s workers)\n  moto_server     %8s /s\n' \
  "$rps_serve" "$WORKERS" "$rps_moto"
