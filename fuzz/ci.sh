#!/usr/bin/env bash
# fuzz/ci.sh BUILD_DIR SECONDS_PER_TARGET - what ./dev.sh test (short run)
# and ./dev.sh torture (long run) call: build the libFuzzer targets with
# clang in BUILD_DIR (-DDCCD_FUZZ=ON, only the fuzz targets are compiled)
# and run them all with fuzz/run.sh.
#
# When clang cannot link -fsanitize=fuzzer (no clang, or Debian's
# libclang-rt-<ver>-dev missing) it prints "fuzz: SKIPPED (libFuzzer
# unavailable)" and exits 0, so the test command still works on such a
# machine; scripts/setup.sh installs what CI needs.  Any crash: exit 1.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
secs=${2:-6}
jobs=${DCCD_JOBS:-2}

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
  >"$probe/p.c"
if ! command -v clang >/dev/null 2>&1 ||
   ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
  echo "fuzz: SKIPPED (libFuzzer unavailable: clang -fsanitize=fuzzer does not link; install libclang-rt-dev)"
  exit 0
fi

CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDCCD_WERROR=ON -DDCCD_FUZZ=ON -DDCCD_TESTS=OFF >"$probe/cmake.log" 2>&1 ||
  { cat "$probe/cmake.log" >&2; exit 1; }
grep -E "DCCD_FUZZ" "$probe/cmake.log" >&2 || true
cmake --build "$build" -j"$jobs" --target fuzz_all >"$probe/build.log" 2>&1 ||
  { tail -50 "$probe/build.log" >&2; exit 1; }
bash fuzz/run.sh "$build" "$secs"
rc=$?
[ $rc -eq 77 ] && exit 0
exit $rc
