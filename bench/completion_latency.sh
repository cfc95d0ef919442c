#!/usr/bin/env bash
# Benchmark: one tab-completion of a cluster id with 1,000 clusters in the
# registry (target: under 50 ms), both the bare `cachectl __complete` and the
# whole bash completion function as a TAB runs it. Prints medians.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
H=$(mktemp -d /tmp/ccbench-XXXXXX)
trap 'rm -rf $H' EXIT
mkdir -p "$H/clusters"
for i in $(seq 1000 1999); do : > "$H/clusters/c$i.toml"; done
OUT=$(mktemp)
hyperfine -N --runs "$RUNS" --warmup 5 --export-json "$OUT" \
  "$PWD/build/bin/cachectl __complete --state-dir $H describe-cache-clusters --cache-cluster-id c19" >/dev/null
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f'cachectl __complete, 1,000 clusters: median {r[\"median\"]*1000:.1f} ms (target < 50 ms)')" "$OUT"
rm -f "$OUT"
PATH="$PWD/build/bin:$PATH" bash --norc --noprofile -c "
source completions/cachectl.bash
COMP_LINE='cachectl --state-dir $H describe-cache-clusters --cache-cluster-id c19'; COMP_POINT=\${#COMP_LINE}
for i in \$(seq $RUNS); do s=\$EPOCHREALTIME; _cachectl; echo \$(( \${EPOCHREALTIME/./} - \${s/./} )); done" |
  sort -n | awk '{a[NR]=$1} END {printf "bash TAB (completion function), 1,000 clusters: median %.1f ms (target < 50 ms)\n", a[int((NR+1)/2)]/1000}'
