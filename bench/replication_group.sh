#!/usr/bin/env bash
# Benchmark of replication groups (issue 11's targets), in a fresh state home:
#  1. create-replication-group (3 members) -> replication-group-available, median of RUNS;
#  2. failover: kill -9 of the primary's node daemon and engine -> first write accepted
#     through the PrimaryEndpoint, median of FAILOVERS (target: under 3 s);
#  3. redis-benchmark -t set,get -P 16 through the PrimaryEndpoint and the ReaderEndpoint,
#     as a ratio to a member's own endpoint (target: >= 0.95), median of ROUNDS rounds.
# Prints one line per measurement. Needs redis-benchmark (redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
FAILOVERS=${FAILOVERS:-5}
ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-200000}
. bench/group_helpers.sh
trap bench_cleanup EXIT

create() {
  cc create-replication-group --replication-group-id bench --replication-group-description bench \
    --cache-node-type cache.t3.micro --engine redis --num-cache-clusters 3 "$@" >/dev/null
  cc wait replication-group-available --replication-group-id bench
}

# 1. create -> available
time_creates "3 members"

# 2. failover
create --automatic-failover-enabled
desc() { cc describe-replication-groups --replication-group-id bench; }
PRIMARY=$(desc | field "g['NodeGroups'][0]['PrimaryEndpoint']['Address']")
fo=()
for _ in $(seq "$FAILOVERS"); do
  primary=$(desc | field "[m['CacheClusterId'] for m in g['NodeGroups'][0]['NodeGroupMembers'] if m['CurrentRole']=='primary'][0]")
  engine=$(curl -s --unix-socket "$HOME_DIR/run/$(desc | field "[m['ReadEndpoint']['Address'] for m in g['NodeGroups'][0]['NodeGroupMembers'] if m['CacheClusterId']=='$primary'][0]").sock" http://node/v1/status | python3 -c "import json,sys; print(json.load(sys.stdin)['engine']['pid'])")
  daemon=$(cat "$HOME_DIR/nodes/$primary/0001/daemon.pid")
  t0=$(now_ms)
  kill -9 "$daemon" "$engine"
  sleep 0.05
  until [ "$(redis-cli -h "$PRIMARY" -p 6379 SET failover-probe 1 2>/dev/null)" = "OK" ]; do sleep 0.02; done
  t1=$(now_ms)
  fo+=($((t1 - t0)))
  # The old primary rejoins as a replica before the next round.
  until [ "$(desc | field "g['Status']")" = "available" ]; do sleep 0.2; done
done
echo "failover (kill -9 of the primary's daemon and engine -> first write on the PrimaryEndpoint): median $(printf '%s\n' "${fo[@]}" | median) ms over $FAILOVERS (${fo[*]}; target < 3000 ms)"

# 3. throughput through the endpoints, as a ratio to a member's own endpoint
READER=$(desc | field "g['NodeGroups'][0]['ReaderEndpoint']['Address']")
MEMBER_PRIMARY=$(desc | field "[m['ReadEndpoint']['Address'] for m in g['NodeGroups'][0]['NodeGroupMembers'] if m['CurrentRole']=='primary'][0]")
MEMBER_REPLICA=$(desc | field "[m['ReadEndpoint']['Address'] for m in g['NodeGroups'][0]['NodeGroupMembers'] if m['CurrentRole']=='replica'][0]")
rps() {  # address test -> requests per second
  # -q prints progress lines ended by \r, then "GET: 88888.89 requests per second, ...".
  redis-benchmark -h "$1" -p 6379 -t "$2" -P 16 -n "$REQUESTS" -q 2>/dev/null | tr '\r' '\n' |
    awk '/requests per second/ {print $2; exit}'
}
for t in set get; do
  pr=(); rr=()
  for _ in $(seq "$ROUNDS"); do
    own=$(rps "$MEMBER_PRIMARY" "$t"); ep=$(rps "$PRIMARY" "$t")
    pr+=("$(python3 -c "print(round($ep/$own, 3))")")
    if [ "$t" = get ]; then
      own=$(rps "$MEMBER_REPLICA" get); rd=$(rps "$READER" get)
      rr+=("$(python3 -c "print(round($rd/$own, 3))")")
    fi
  done
  echo "redis-benchmark -t $t -P 16: PrimaryEndpoint / member endpoint = median $(printf '%s\n' "${pr[@]}" | median) (${pr[*]}; target >= 0.95)"
  if [ "$t" = get ]; then
    echo "redis-benchmark -t get -P 16: ReaderEndpoint / replica endpoint = median $(printf '%s\n' "${rr[@]}" | median) (${rr[*]}; target >= 0.95)"
  fi
done
