#!/usr/bin/env bash
# The kill loop: KILLS random `kill -9` of cachectl during creates, grows,
# shrinks, deletes (with and without a final snapshot) and snapshots of
# clusters, and (KILL_LOOP_GROUPS=1) creates, replica count changes,
# promotions and deletes of a replication group, after a random delay; then every cluster must be usable with one command and
# deletable with one command, and nothing may be left: no process, no address
# claim, no temporary file, no node directory. Loopback only; bounded (it
# stops by itself after KILLS kills or 4 x KILLS attempts).
#
#   scripts/kill_loop.sh [KILLS]          (default 200)
#   CACHECTL_BIN_DIR   the built binaries (default: build/bin beside this script)
#   KILL_LOOP_HOME     the state home to use (default: a new temporary one, removed after)
#   KILL_LOOP_SEED     seed of $RANDOM, to replay a run
#   KILL_LOOP_GROUPS   1: replication group operations too (default 0)
#
# Prints counts; exits 0 only when no leak was found and every cluster came
# back.
set -u
kills_wanted=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
bin=${CACHECTL_BIN_DIR:-$here/../build/bin}
own_home=0
if [ -n "${KILL_LOOP_HOME:-}" ]; then
  home=$KILL_LOOP_HOME
else
  home=$(mktemp -d /tmp/cachectl-kill-loop.XXXXXX)
  own_home=1
fi
RANDOM=${KILL_LOOP_SEED:-$$}

cc() { "$bin/cachectl" --state-dir "$home" "$@"; }

redis_ids=(r1 r2 r3)
memcached_ids=(m1 m2)
declare -A kills=([create]=0 [grow]=0 [shrink]=0 [delete]=0 [snapshot]=0 [final-snapshot]=0
  [group-create]=0 [replicas]=0 [promote]=0 [group-delete]=0)
with_groups=${KILL_LOOP_GROUPS:-0}
group=g1
finished_before_kill=0
recovered_next=0
recovered_resume=0
problems=0
snapshots=0

exists() { [ -f "$home/clusters/$1.toml" ]; }
unfinished() { exists "$1" && grep -q '^\[intent\]\|^\[\[removing_nodes\]\]\|^lifecycle = .deleting' "$home/clusters/$1.toml"; }
nodes_of() { cc describe-cache-clusters --cache-cluster-id "$1" --query 'CacheClusters[0].NumCacheNodes' --output text 2>/dev/null; }
problem() { echo "PROBLEM: $*" >&2; problems=$((problems + 1)); }

# Brings a cluster to "available" with the commands a user would run (never
# killed): the first one that touches it settles what a kill left.
ready() {
  local id=$1 engine=$2
  if unfinished "$id"; then
    # (describe answers CacheClusterNotFound when it finished a delete)
    local said
    said=$(cc describe-cache-clusters --cache-cluster-id "$id" 2>&1 >/dev/null)
    if ! unfinished "$id"; then
      recovered_next=$((recovered_next + 1))
    else
      problem "describe did not settle $id: $said; $(grep -A3 '^\[intent\]\|removing_nodes\|^lifecycle' "$home/clusters/$id.toml" | tr '\n' ' ')"
    fi
  fi
  if ! exists "$id"; then
    if [ "$engine" = redis ]; then
      cc create-cache-cluster --cache-cluster-id "$id" --engine redis \
        --cache-node-type cache.t3.micro --num-cache-nodes 1 >/dev/null 2>&1 || problem "create $id"
    else
      cc create-cache-cluster --cache-cluster-id "$id" --engine memcached \
        --cache-node-type cache.t3.micro --num-cache-nodes 2 >/dev/null 2>&1 || problem "create $id"
    fi
  fi
  CACHECTL_WAIT_TIMEOUT=60 cc wait cache-cluster-available --cache-cluster-id "$id" >/dev/null 2>&1 ||
    problem "$id not available: $(cc describe-cache-clusters --cache-cluster-id "$id" --query 'CacheClusters[0].CacheClusterStatus' --output text 2>&1)"
}

group_exists() { [ -f "$home/replication-groups/$group.toml" ]; }
members_of() { cc describe-replication-groups --replication-group-id "$group" --query 'length(ReplicationGroups[0].MemberClusters)' --output text 2>/dev/null; }
# The group, available (made if missing), with the commands a user would run.
group_ready() {
  if group_exists; then
    cc describe-replication-groups --replication-group-id "$group" >/dev/null 2>&1
  fi
  if ! group_exists; then
    cc create-replication-group --replication-group-id "$group" --replication-group-description kl \
      --cache-node-type cache.t3.micro --engine redis --num-cache-clusters 2 >/dev/null 2>&1 ||
      problem "create-replication-group $group"
  fi
  CACHECTL_WAIT_TIMEOUT=60 cc wait replication-group-available --replication-group-id "$group" >/dev/null 2>&1 ||
    problem "$group not available: $(cc describe-replication-groups --replication-group-id "$group" --query 'ReplicationGroups[0].Status' --output text 2>&1)"
}

# Runs cachectl in the background, kills it with -9 after a random delay of
# up to $1 ms; counts a kill only when the process was still running.
kill_during() {
  local max_ms=$1 op=$2
  shift 2
  # The binary itself (not the shell function), so that $! is cachectl's pid.
  "$bin/cachectl" --state-dir "$home" "$@" >/dev/null 2>&1 &
  local pid=$!
  local ms=$((RANDOM % max_ms))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    kills[$op]=$((kills[$op] + 1))
    total_kills=$((total_kills + 1))
  else
    finished_before_kill=$((finished_before_kill + 1))
  fi
  wait "$pid" 2>/dev/null
}

total_kills=0
attempts=0
while [ "$total_kills" -lt "$kills_wanted" ] && [ "$attempts" -lt $((4 * kills_wanted)) ]; do
  attempts=$((attempts + 1))
  op=$((RANDOM % (with_groups == 1 ? 10 : 6)))
  case $op in
    0) # create: a cluster of the pool that does not exist
      id=${redis_ids[RANDOM % 3]}
      engine=redis
      if [ $((RANDOM % 2)) = 0 ]; then id=${memcached_ids[RANDOM % 2]}; engine=memcached; fi
      if exists "$id"; then cc delete-cache-cluster --cache-cluster-id "$id" >/dev/null 2>&1 ||
        { ready "$id" "$engine"; cc delete-cache-cluster --cache-cluster-id "$id" >/dev/null 2>&1; }; fi
      if [ "$engine" = redis ]; then
        kill_during 80 create create-cache-cluster --cache-cluster-id "$id" --engine redis \
          --cache-node-type cache.t3.micro --num-cache-nodes 1
      else
        kill_during 80 create create-cache-cluster --cache-cluster-id "$id" --engine memcached \
          --cache-node-type cache.t3.micro --num-cache-nodes 2
      fi ;;
    1) # grow a Memcached cluster by one node
      id=${memcached_ids[RANDOM % 2]}
      ready "$id" memcached
      n=$(nodes_of "$id")
      [ -n "$n" ] && [ "$n" -lt 5 ] &&
        kill_during 40 grow modify-cache-cluster --cache-cluster-id "$id" \
          --num-cache-nodes $((n + 1)) --apply-immediately ;;
    2) # shrink a Memcached cluster by one node (a random one)
      id=${memcached_ids[RANDOM % 2]}
      ready "$id" memcached
      n=$(nodes_of "$id")
      if [ -n "$n" ] && [ "$n" -lt 2 ]; then
        cc modify-cache-cluster --cache-cluster-id "$id" --num-cache-nodes 3 --apply-immediately >/dev/null 2>&1
        ready "$id" memcached
        n=$(nodes_of "$id")
      fi
      victim=$(cc describe-cache-clusters --cache-cluster-id "$id" --show-cache-node-info \
        --query "CacheClusters[0].CacheNodes[$((RANDOM % ${n:-1}))].CacheNodeId" --output text 2>/dev/null)
      [ -n "$n" ] && [ "$n" -ge 2 ] &&
        kill_during 50 shrink modify-cache-cluster --cache-cluster-id "$id" \
          --num-cache-nodes $((n - 1)) --cache-node-ids-to-remove "$victim" --apply-immediately ;;
    3) # delete
      id=${redis_ids[RANDOM % 3]}
      engine=redis
      if [ $((RANDOM % 2)) = 0 ]; then id=${memcached_ids[RANDOM % 2]}; engine=memcached; fi
      ready "$id" "$engine"
      kill_during 60 delete delete-cache-cluster --cache-cluster-id "$id" ;;
    4) # snapshot
      id=${redis_ids[RANDOM % 3]}
      ready "$id" redis
      snapshots=$((snapshots + 1))
      kill_during 60 snapshot create-snapshot --cache-cluster-id "$id" --snapshot-name "s$snapshots" ;;
    5) # delete with a final snapshot
      id=${redis_ids[RANDOM % 3]}
      ready "$id" redis
      snapshots=$((snapshots + 1))
      kill_during 100 final-snapshot delete-cache-cluster --cache-cluster-id "$id" \
        --final-snapshot-identifier "s$snapshots" ;;
    6) # create the group
      if group_exists; then cc delete-replication-group --replication-group-id "$group" >/dev/null 2>&1 ||
        { group_ready; cc delete-replication-group --replication-group-id "$group" >/dev/null 2>&1; }; fi
      kill_during 400 group-create create-replication-group --replication-group-id "$group" \
        --replication-group-description kl --cache-node-type cache.t3.micro --engine redis \
        --num-cache-clusters 2 ;;
    7) # one replica more (up to 2) or fewer
      group_ready
      n=$(members_of)
      if [ -n "$n" ] && [ "$n" -lt 3 ]; then
        kill_during 400 replicas increase-replica-count --replication-group-id "$group" \
          --new-replica-count "$n" --apply-immediately
      elif [ -n "$n" ]; then
        kill_during 300 replicas decrease-replica-count --replication-group-id "$group" \
          --new-replica-count $((n - 2)) --apply-immediately
      fi ;;
    8) # promote a replica
      group_ready
      target=$(cc describe-replication-groups --replication-group-id "$group" \
        --query "ReplicationGroups[0].NodeGroups[0].NodeGroupMembers[?CurrentRole=='replica'].CacheClusterId | [0]" \
        --output text 2>/dev/null)
      [ -n "$target" ] && [ "$target" != None ] &&
        kill_during 300 promote modify-replication-group --replication-group-id "$group" \
          --primary-cluster-id "$target" --apply-immediately ;;
    9) # delete the group
      group_ready
      kill_during 300 group-delete delete-replication-group --replication-group-id "$group" ;;
  esac
done

# What the last kills left is settled by `cachectl resume` (as after a
# restart), then every cluster must be usable with one command...
resume_out=$(cc resume 2>&1) || problem "resume failed: $resume_out"
recovered_resume=$(printf '%s' "$resume_out" | grep -c '"Action"')
# The group first (its members are clusters the loop below must not delete
# one by one): usable, then deleted, each with one command.
groups=0
if group_exists; then
  groups=1
  CACHECTL_WAIT_TIMEOUT=60 cc wait replication-group-available --replication-group-id "$group" >/dev/null 2>&1 ||
    problem "$group is not usable: $(cc describe-replication-groups --replication-group-id "$group" 2>&1 | head -c 300)"
  probe=$(cc describe-replication-groups --replication-group-id "$group" \
    --query 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address' --output text 2>/dev/null)
  [ "$(redis-cli -h "$probe" SET kl 1 2>&1)" = OK ] || problem "$group's PrimaryEndpoint $probe takes no writes"
  cc delete-replication-group --replication-group-id "$group" >/dev/null 2>&1 || problem "delete-replication-group $group failed"
fi
clusters=0
usable=0
deleted=0
for f in "$home"/clusters/*.toml; do
  [ -e "$f" ] || continue
  id=$(basename "$f" .toml)
  clusters=$((clusters + 1))
  if CACHECTL_WAIT_TIMEOUT=60 cc wait cache-cluster-available --cache-cluster-id "$id" >/dev/null 2>&1; then
    usable=$((usable + 1))
  else
    problem "$id is not usable: $(cc describe-cache-clusters --cache-cluster-id "$id" 2>&1 | head -c 300)"
  fi
done
# ... no address claim may be left that no record names ...
claims_unnamed=0
for claim in "$home"/addresses/*; do
  [ -e "$claim" ] || continue
  a=$(basename "$claim")
  grep -qsF "'$a'" "$home"/clusters/*.toml || { claims_unnamed=$((claims_unnamed + 1)); echo "unnamed claim: $a" >&2; }
done
# ... and each deletable with one command.
for f in "$home"/clusters/*.toml; do
  [ -e "$f" ] || continue
  id=$(basename "$f" .toml)
  if cc delete-cache-cluster --cache-cluster-id "$id" >/dev/null 2>&1; then
    deleted=$((deleted + 1))
  else
    problem "delete $id failed"
  fi
done
for s in $(cc describe-snapshots --query 'Snapshots[].SnapshotName' --output text 2>/dev/null); do
  cc delete-snapshot --snapshot-name "$s" >/dev/null 2>&1 || problem "delete-snapshot $s"
done

# Leaks.
prefix=$(sed -n 's/^address_prefix = "\(.*\)"/\1/p' "$home/home.toml" 2>/dev/null)
procs=0
for p in /proc/[0-9]*; do
  cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
  case $cmd in
    *"$home/"* | *"$home "*) procs=$((procs + 1)); echo "leaked process: ${p#/proc/} $cmd" >&2 ;;
    # engines: memcached -l ADDR, redis-server's title "redis-server ADDR:PORT"
    *" $prefix."*) [ -n "$prefix" ] && { procs=$((procs + 1)); echo "leaked process: ${p#/proc/} $cmd" >&2; } ;;
  esac
done
# (a claim marked "in use outside this state home" is not ours: skipped)
claims_left=$(grep -Lsx '/in use outside this state home' "$home"/addresses/* 2>/dev/null | wc -l)
temps=$(find "$home" -name '.*.tmp.*' 2>/dev/null | wc -l)
# Markers of claims (claims/CLUSTER/ADDRESS) go with their claims.
markers=$(find "$home/claims" -type f 2>/dev/null | wc -l)
[ "$markers" -gt 0 ] && find "$home/claims" -type f >&2
node_dirs=$(find "$home/nodes" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
leaks=$((procs + claims_unnamed + claims_left + markers + temps + node_dirs))
[ "$temps" -gt 0 ] && find "$home" -name '.*.tmp.*' >&2

echo "kills: $total_kills in $attempts attempts (create ${kills[create]}, grow ${kills[grow]}, shrink ${kills[shrink]}, delete ${kills[delete]}, delete with final snapshot ${kills[final-snapshot]}, snapshot ${kills[snapshot]}; group: create ${kills[group-create]}, replica count ${kills[replicas]}, promote ${kills[promote]}, delete ${kills[group-delete]}); finished before the kill: $finished_before_kill"
echo "groups at the end: $groups"
echo "recovered: by the next command $recovered_next, by resume $recovered_resume"
echo "clusters at the end: $clusters, usable with one command: $usable, deleted with one command: $deleted"
echo "leaks: processes $procs, address claims $((claims_unnamed + claims_left)), claim markers $markers, temporary files $temps, node directories $node_dirs"
echo "problems: $problems"
echo "leaks found: $leaks"
[ "$own_home" = 1 ] && [ "$leaks" = 0 ] && [ "$problems" = 0 ] && rm -rf "$home"
[ "$leaks" = 0 ] && [ "$problems" = 0 ]
