#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (README.md, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS (default 300) is the time each target runs; TARGETs are names such as
# `jmespath` or `fuzz_jmespath` (default: every fuzz/fuzz_*.cpp). Targets run one after
# the other. Installs clang from Debian if it is missing, builds build-fuzz/ (clang,
# ASan + UBSan + libFuzzer), runs each target over a work corpus build-fuzz/corpus/NAME
# seeded from fuzz/corpus/NAME, and copies every crash (or timeout, leak, OOM) into
# fuzz/regressions/NAME/, where the normal build's CTest replays it from then on.
# Prints, per target, executions per second, corpus size and findings; exits 1 if any
# target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=300
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
if [ "$seconds" -le 0 ]; then
  echo "fuzz.sh: SECONDS must be positive" >&2
  exit 2
fi

# ---- clang and libFuzzer, from Debian
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz.sh: installing clang" >&2
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q clang
fi
# libFuzzer's runtime is only a Recommends of clang: a --no-install-recommends
# machine lacks it.
clang_major=$(clang++ -dumpversion | cut -d. -f1)
if ! compgen -G "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
  echo "fuzz.sh: installing libclang-rt-${clang_major}-dev (libFuzzer)" >&2
  $SUDO apt-get install -y -q "libclang-rt-${clang_major}-dev"
fi

# ---- the targets
all_targets=()
for source in fuzz/fuzz_*.cpp; do
  [ -e "$source" ] || continue
  name=$(basename "$source" .cpp)
  all_targets+=("${name#fuzz_}")
done
targets=()
if [ $# -eq 0 ]; then
  targets=("${all_targets[@]}")
else
  for arg in "$@"; do
    name=${arg#fuzz_}
    if [ ! -e "fuzz/fuzz_${name}.cpp" ]; then
      echo "fuzz.sh: no target ${arg} (fuzz/fuzz_${name}.cpp); targets: ${all_targets[*]}" >&2
      exit 2
    fi
    targets+=("$name")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz/fuzz_*.cpp" >&2
  exit 2
fi

# ---- build
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCACHECTL_FUZZ=ON -DCACHECTL_BENCH=OFF "${launcher[@]}" >/dev/null
build_targets=()
for name in "${targets[@]}"; do build_targets+=(--target "fuzz_${name}"); done
cmake --build build-fuzz -j"${FUZZ_BUILD_JOBS:-2}" "${build_targets[@]}"

# ---- run
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=()
failed=0
for name in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$name
  artifacts=build-fuzz/artifacts/$name
  log=build-fuzz/logs/$name.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  if [ -d "fuzz/corpus/$name" ]; then cp -rn "fuzz/corpus/$name"/. "$corpus"/; fi
  rm -f "$artifacts"/*
  echo "fuzz.sh: fuzz_${name} for ${seconds}s (log: ${log})" >&2
  status=0
  build-fuzz/bin/"fuzz_${name}" "$corpus" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?

  execs_per_second=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -1)
  executions=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  findings=0
  for artifact in "$artifacts"/*; do
    [ -f "$artifact" ] || continue
    mkdir -p "fuzz/regressions/$name"
    cp "$artifact" "fuzz/regressions/$name/"
    echo "fuzz.sh: fuzz_${name}: finding saved as fuzz/regressions/$name/$(basename "$artifact")" >&2
    findings=$((findings + 1))
  done
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    # Ended badly without an artifact (e.g. the sanitizer runtime failed to start).
    echo "fuzz.sh: fuzz_${name} exited ${status}; see ${log}" >&2
    findings=1
  fi
  if [ "$findings" -gt 0 ]; then failed=1; fi
  summary+=("$(printf '%-22s %10s %12s %8s %12s %9s' "fuzz_${name}" "${execs_per_second:-?}" \
    "${executions:-?}" "$files" "$bytes" "$findings")")
done

echo
printf '%-22s %10s %12s %8s %12s %9s\n' target execs/s executions files bytes crashes
printf '%s\n' "${summary[@]}"
echo "(${seconds}s per target; logs in ${root}/build-fuzz/logs/)"
exit "$failed"
