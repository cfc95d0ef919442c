#!/usr/bin/env bash
# Runs every test (unit, JMESPath compliance, integration against real
# engines) through CTest. Builds first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d build ]; then cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo; fi
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j2 --timeout 300
