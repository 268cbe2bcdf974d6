#!/usr/bin/env bash
# scripts/build-matrix.sh [TOP] - compile everything (library, dccd, the test
# programs, the benchmark program; no test is run) in every CMake build type
# (Debug, RelWithDebInfo, Release, MinSizeRel) with gcc and with clang, all
# with -DDCCD_WERROR=ON, in TOP/<cc>-<type> (default build-matrix/; the
# directories are reused, so a second run only recompiles what changed).
# Optimisation levels change what the compilers warn about (gcc -O3 inlining
# found a NULL memcpy source that -O2 did not), hence every type.
#
# DCCD_MATRIX_SKIP="gcc-RelWithDebInfo ..." leaves out combinations already
# built with -Werror elsewhere (./dev.sh test: its gcc suite build is
# exactly gcc-RelWithDebInfo).  DCCD_JOBS (default 2) parallel jobs.
# Exit 1 at the first build that fails, with its compiler output.
set -euo pipefail
cd "$(dirname "$0")/.."
top=${1:-build-matrix}
jobs=${DCCD_JOBS:-2}
skip=" ${DCCD_MATRIX_SKIP:-} "
t0=$(date +%s)
for cc in gcc clang; do
  command -v "$cc" >/dev/null || { echo "build-matrix: $cc not found" >&2; exit 1; }
  for type in Debug RelWithDebInfo Release MinSizeRel; do
    name=$cc-$type
    if [[ $skip == *" $name "* ]]; then
      echo "build-matrix: $name skipped (built elsewhere)" >&2
      continue
    fi
    dir=$top/$name
    log=$top/$name.log
    mkdir -p "$top"
    t=$(date +%s)
    if ! { CC=$cc cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DDCCD_WERROR=ON &&
           cmake --build "$dir" -j"$jobs"; } >"$log" 2>&1; then
      echo "build-matrix: $name FAILED (full log: $log):" >&2
      grep -E "error|warning" "$log" | head -40 >&2 || tail -40 "$log" >&2
      exit 1
    fi
    echo "build-matrix: $name ok ($(( $(date +%s) - t ))s)" >&2
  done
done
echo "build-matrix: all builds ok ($(( $(date +%s) - t0 ))s)" >&2
