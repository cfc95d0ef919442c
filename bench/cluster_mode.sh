#!/usr/bin/env bash
# Benchmark of cluster mode (issue 14's targets), in a fresh state home:
#  1. create-replication-group 3 node groups x (1 primary + 1 replica) -> available,
#     median of RUNS;
#  2. resharding with 100,000 keys: 3 -> 4 node groups (4,096 slots move to the new one)
#     and 4 -> 3 (node group 0004 removed: its 4,096 slots move back), each timed from the
#     command to replication-group-available, as milliseconds per 1,000 slots moved,
#     median of RESHARDS of each; every key is counted after each;
#  3. redis-benchmark --cluster -t set,get -P 16 against the group (through its
#     ConfigurationEndpoint) and against a hand-made Redis Cluster of the same size
#     (6 plain redis-server, redis-cli --cluster create, 1 replica each), as a ratio
#     (target: >= 0.95), median of ROUNDS rounds, the two taking turns.
# Prints one line per measurement. Needs redis-benchmark and redis-cli (redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
RESHARDS=${RESHARDS:-3}
ROUNDS=${ROUNDS:-5}
KEYS=${KEYS:-100000}
REQUESTS=${REQUESTS:-200000}
. bench/group_helpers.sh
HAND_DIR=$(mktemp -d /tmp/ccbench-hand-XXXXXX)
HAND_PIDS=()
cleanup() {
  bench_cleanup
  for p in "${HAND_PIDS[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  rm -rf "$HAND_DIR"
}
trap cleanup EXIT
desc() { cc describe-replication-groups --replication-group-id bench; }

create() {
  cc create-replication-group --replication-group-id bench --replication-group-description bench \
    --cache-node-type cache.t3.micro --engine redis --num-node-groups 3 \
    --replicas-per-node-group 1 >/dev/null
  cc wait replication-group-available --replication-group-id bench
}

# Keys: every primary that serves slots (CLUSTER NODES of the endpoint), DBSIZE summed.
count_keys() {
  redis-cli -h "$1" -p "${2:-6379}" CLUSTER NODES |
    awk '$3 ~ /master/ && NF > 8 {split($2, a, "@"); print a[1]}' |
    while IFS=: read -r host port; do redis-cli -h "$host" -p "$port" DBSIZE; done |
    awk '{s += $1} END {print s}'
}

# 1. create -> available
time_creates "3 node groups x 2 nodes"

# 2. resharding with $KEYS keys
create
CFG=$(desc | field "g['ConfigurationEndpoint']['Address']")
# Loaded straight into each primary, by the slot each key hashes to (redis-cli --pipe
# does not follow redirections).
python3 - "$CFG" "$KEYS" <<'EOF'
import subprocess, sys
cfg, count = sys.argv[1], int(sys.argv[2])
def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc
owner = {}
for line in subprocess.run(["redis-cli", "-h", cfg, "CLUSTER", "NODES"], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    f = line.split()
    if "master" not in f[2]:
        continue
    for r in f[8:]:
        if r.startswith("["):
            continue
        a, _, b = r.partition("-")
        for s in range(int(a), int(b or a) + 1):
            owner[s] = f[1].split("@")[0]
batches = {}
for i in range(count):
    k = b"key:%d" % i
    v = b"value-%d" % i
    cmd = b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v)
    batches.setdefault(owner[crc16(k) & 16383], []).append(cmd)
for node, cmds in batches.items():
    host, port = node.rsplit(":", 1)
    subprocess.run(["redis-cli", "-h", host, "-p", port, "--pipe"], input=b"".join(cmds),
                   stdout=subprocess.DEVNULL, check=True)
EOF
loaded=$(count_keys "$CFG")
[ "$loaded" = "$KEYS" ] || { echo "loaded $loaded keys, not $KEYS" >&2; exit 1; }
reshard() {  # args... -> milliseconds to available
  local t0 t1
  t0=$(now_ms)
  cc modify-replication-group-shard-configuration --replication-group-id bench \
    --apply-immediately "$@" >/dev/null
  cc wait replication-group-available --replication-group-id bench
  t1=$(now_ms)
  echo $((t1 - t0))
}
grow=(); shrink=()
for _ in $(seq "$RESHARDS"); do
  ms=$(reshard --node-group-count 4)
  grow+=("$(python3 -c "print(round($ms / 4.096))")")
  n=$(count_keys "$CFG"); [ "$n" = "$KEYS" ] || { echo "after 3 -> 4: $n keys" >&2; exit 1; }
  ms=$(reshard --node-group-count 3 --node-groups-to-remove "$(desc | field "g['NodeGroups'][-1]['NodeGroupId']")")
  shrink+=("$(python3 -c "print(round($ms / 4.096))")")
  n=$(count_keys "$CFG"); [ "$n" = "$KEYS" ] || { echo "after 4 -> 3: $n keys" >&2; exit 1; }
done
echo "resharding with $KEYS keys, 3 -> 4 node groups (4096 slots): median $(printf '%s\n' "${grow[@]}" | median) ms per 1000 slots over $RESHARDS (${grow[*]})"
echo "resharding with $KEYS keys, 4 -> 3 node groups (4096 slots, a node group removed): median $(printf '%s\n' "${shrink[@]}" | median) ms per 1000 slots over $RESHARDS (${shrink[*]})"
cc delete-replication-group --replication-group-id bench >/dev/null

# 3. redis-benchmark --cluster: the group vs a hand-made Redis Cluster of the same size
create
CFG=$(desc | field "g['ConfigurationEndpoint']['Address']")
BASE=${HAND_PORT:-31001}
nodes=()
for i in 0 1 2 3 4 5; do
  port=$((BASE + i))
  mkdir -p "$HAND_DIR/$port"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$HAND_DIR/$port" --cluster-enabled yes \
    --cluster-config-file "$HAND_DIR/$port/nodes.conf" --save "" --appendonly no \
    --daemonize no --logfile "$HAND_DIR/$port/log" &
  HAND_PIDS+=($!)
  nodes+=("127.0.0.1:$port")
done
for i in 0 1 2 3 4 5; do
  until redis-cli -p $((BASE + i)) PING >/dev/null 2>&1; do sleep 0.05; done
done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
until redis-cli -p "$BASE" CLUSTER INFO | grep -q 'cluster_state:ok'; do sleep 0.1; done
rps() {  # host port test -> requests per second
  redis-benchmark --cluster -h "$1" -p "$2" -t "$3" -P 16 -n "$REQUESTS" -q 2>/dev/null | tr '\r' '\n' |
    awk '/requests per second/ {print $2; exit}'
}
for t in set get; do
  ratios=()
  for _ in $(seq "$ROUNDS"); do
    hand=$(rps 127.0.0.1 "$BASE" "$t"); ours=$(rps "$CFG" 6379 "$t")
    ratios+=("$(python3 -c "print(round($ours/$hand, 3))")")
  done
  echo "redis-benchmark --cluster -t $t -P 16: the group / a hand-made cluster = median $(printf '%s\n' "${ratios[@]}" | median) over $ROUNDS rounds (${ratios[*]}; target >= 0.95)"
done
