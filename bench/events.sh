#!/usr/bin/env bash
# Benchmark: describe-events --duration 60 with 100,000 events in the store
# (target: median under 20 ms).
#
# Two stores of N events (N=100000 by default), written through the event
# store's own code (build/bin/events_fill_bench): one at the retention
# limit, the events spread over the last 14 days (what a busy home holds);
# one with all N in the last hour, so that the hour the query reads holds
# every one of them. There the command (which follows every Marker, as
# aws-cli does) prints all N events, so it is measured as one call
# (--no-paginate: the newest page of 100 and a Marker), which is what the
# store costs. An empty store is measured too, for the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
N=${N:-100000}
C=$PWD/build/bin/cachectl
FILL=$PWD/build/bin/events_fill_bench
WORK=$(mktemp -d /tmp/ccbench-events-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
measure() {  # NAME STATE_DIR [OPTION...]
  local name=$1 dir=$2 out="$WORK/$1.json"
  shift 2
  hyperfine -N --runs "$RUNS" --warmup 10 --export-json "$out" \
    "$C --state-dir $dir describe-events --duration 60 $*" >/dev/null 2>&1
  python3 - "$out" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]:<40} median {r['median']*1000:6.2f} ms  (min {r['min']*1000:.2f}, max {r['max']*1000:.2f})")
PY
}
for name in empty spread hour; do
  mkdir -p "$WORK/$name"
  $C --state-dir "$WORK/$name" describe-events >/dev/null  # prepares the home
done
"$FILL" "$WORK/spread" "$N" $((14 * 24 * 60))
"$FILL" "$WORK/hour" "$N" 59
echo "segments: spread $(ls "$WORK/spread/events" | wc -l), hour $(ls "$WORK/hour/events" | wc -l);" \
     "events returned by the last-hour query (first page): $($C --state-dir "$WORK/hour" \
     describe-events --duration 60 --no-paginate --query 'length(Events)')"
measure "empty store" "$WORK/empty"
measure "$N events over 14 days" "$WORK/spread"
measure "$N events in the last hour, one page" "$WORK/hour" --no-paginate
echo "target: median < 20 ms with $N events"
