# Sourced by the replication group benchmarks (bench/replication_group.sh,
# bench/cluster_mode.sh), from the source tree's root: a fresh state home
# (HOME_DIR) and `cc` to run cachectl in it, time, medians, and a field of
# the one group that describe-replication-groups prints on stdin (a Python
# expression over g). The caller deletes the group "bench" and HOME_DIR when
# it exits (bench_cleanup, which it may extend).
C=${CACHECTL:-$PWD/build/bin/cachectl}
HOME_DIR=$(mktemp -d /tmp/ccbench-group-XXXXXX)
cc() { "$C" --state-dir "$HOME_DIR" "$@"; }
bench_cleanup() {
  cc delete-replication-group --replication-group-id bench >/dev/null 2>&1 || true
  rm -rf "$HOME_DIR"
}
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { python3 -c "import json,sys; g=json.load(sys.stdin)['ReplicationGroups'][0]; print(eval(sys.argv[1]))" "$1"; }
# create -> available RUNS times (the caller's `create` makes the group
# "bench" and waits for it), printed as one line about LABEL.
time_creates() {
  local times=() t0 t1
  for _ in $(seq "$RUNS"); do
    t0=$(now_ms)
    create
    t1=$(now_ms)
    times+=($((t1 - t0)))
    cc delete-replication-group --replication-group-id bench >/dev/null
  done
  echo "create-replication-group ($1) -> available: median $(printf '%s\n' "${times[@]}" | median) ms over $RUNS runs (${times[*]})"
}
