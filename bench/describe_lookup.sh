#!/usr/bin/env bash
# Benchmark: describe-cache-clusters --cache-cluster-id X with 1,000 clusters
# in the registry (target: median under 10 ms).
#
# X is a real running cluster. The other 999 are registry entries copied from
# X's record (with their own ids and addresses) and have no running daemons:
# starting 1,000 redis-servers would measure the machine, not the lookup, and
# a lookup reads only X's file whatever else is there. A second measurement
# with an empty registry gives the ratio (growth of lookup cost with size).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-200}
C=$PWD/build/bin/cachectl
HOME_DIR=$(mktemp -d /tmp/ccbench-XXXXXX)
trap '$C --state-dir $HOME_DIR delete-cache-cluster --cache-cluster-id target >/dev/null 2>&1 || true; rm -rf $HOME_DIR' EXIT
$C --state-dir "$HOME_DIR" create-cache-cluster --cache-cluster-id target --engine redis \
   --cache-node-type cache.t3.micro >/dev/null
$C --state-dir "$HOME_DIR" wait cache-cluster-available --cache-cluster-id target
CMD="$C --state-dir $HOME_DIR describe-cache-clusters --cache-cluster-id target --show-cache-node-info"
OUT1=$(mktemp); OUT2=$(mktemp)
hyperfine -N --runs "$RUNS" --warmup 10 --export-json "$OUT1" "$CMD" >/dev/null
python3 - "$HOME_DIR" <<'PY'
import re, sys, pathlib
home = pathlib.Path(sys.argv[1])
text = (home / "clusters" / "target.toml").read_text()
for i in range(999):
    cid = f"filler-{i:04d}"
    body = text.replace('cache_cluster_id = "target"', f'cache_cluster_id = "{cid}"')
    body = re.sub(r'address = "127\.(\d+)\.\d+\.\d+"',
                  lambda m: f'address = "127.{m.group(1)}.{200 + i // 250}.{i % 250 + 1}"', body)
    (home / "clusters" / f"{cid}.toml").write_text(body)
print("registry:", len(list((home / "clusters").glob("*.toml"))), "clusters")
PY
hyperfine -N --runs "$RUNS" --warmup 10 --export-json "$OUT2" "$CMD"
python3 - "$OUT1" "$OUT2" <<'PY'
import json, sys
small = json.load(open(sys.argv[1]))["results"][0]
big = json.load(open(sys.argv[2]))["results"][0]
print(f"describe --cache-cluster-id with 1 cluster:     median {small['median']*1000:.2f} ms")
print(f"describe --cache-cluster-id with 1,000 clusters: median {big['median']*1000:.2f} ms "
      f"(ratio {big['median']/small['median']:.2f}x; target: median < 10 ms)")
PY
rm -f "$OUT1" "$OUT2"
