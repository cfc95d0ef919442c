#!/usr/bin/env bash
# Benchmark: create-cache-cluster -> available for one Redis node (target:
# median under 100 ms). Each run creates a fresh cluster and waits for it;
# the cluster is deleted between runs (not timed). Prints hyperfine's
# summary and the median in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
C=${CACHECTL:-$PWD/build/bin/cachectl}  # CACHECTL=... times another build
HOME_DIR=$(mktemp -d /tmp/ccbench-XXXXXX)
trap '$C --state-dir $HOME_DIR delete-cache-cluster --cache-cluster-id bench >/dev/null 2>&1 || true; rm -rf $HOME_DIR' EXIT
OUT=$(mktemp)
hyperfine --runs "$RUNS" --warmup 2 --export-json "$OUT" \
  --prepare "$C --state-dir $HOME_DIR delete-cache-cluster --cache-cluster-id bench >/dev/null 2>&1 || true" \
  "$C --state-dir $HOME_DIR create-cache-cluster --cache-cluster-id bench --engine redis --cache-node-type cache.t3.micro >/dev/null && $C --state-dir $HOME_DIR wait cache-cluster-available --cache-cluster-id bench"
python3 - "$OUT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"create->available: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, "
      f"min {r['min']*1000:.1f} ms, max {r['max']*1000:.1f} ms over {len(r['times'])} runs "
      f"(target: median < 100 ms)")
PY
rm -f "$OUT"
