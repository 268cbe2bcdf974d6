#!/usr/bin/env bash
# dev.sh - the one entry point for building, testing and running dccd.
#
#   ./dev.sh demo     install what is missing, build, and run `dccd demo` into
#                     ./data (a synthetic sample store), printing its inventory
#   ./dev.sh test     install what is missing, then the whole test suite:
#                     the build matrix (scripts/build-matrix.sh: every build
#                     type with gcc and clang, -Werror, compile only);
#                     gcc build (-Werror) + CTest; the Python package
#                     (scripts/python-tests.sh: .venv, pip install ., pytest);
#                     clang build with ASan+UBSan + CTest; the threaded
#                     paths' tests under ThreadSanitizer (build-tsan/);
#                     the core tests under valgrind; a short libFuzzer
#                     run (clang, build-fuzz/, DCCD_FUZZ_SECONDS per target, 6)
#   ./dev.sh build    build only (build/)
#   ./dev.sh matrix   the build matrix alone (build-matrix/<cc>-<type>)
#   ./dev.sh torture  the long reliability suite (minutes), then every fuzz
#                     target for DCCD_FUZZ_SECONDS (default 120) each
#   ./dev.sh bench    the benchmarks (bench/), figures on stdout
set -euo pipefail
cd "$(dirname "$0")"
jobs=2

build() {  # build DIR [cmake args...]; warnings are errors only where asked
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDCCD_WERROR=OFF "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null || cmake --build "$dir" -j1
}

cmd=${1:-test}
case "$cmd" in
  setup) bash scripts/setup.sh ;;
  build) bash scripts/setup.sh; build build ;;
  matrix) bash scripts/setup.sh; bash scripts/build-matrix.sh build-matrix ;;
  demo)
    bash scripts/setup.sh
    build build
    root=${DCCD_DATA:-./data}
    ./build/dccd demo --root "$root"
    ;;
  test)
    bash scripts/setup.sh
    echo "== build matrix: Debug, RelWithDebInfo, Release, MinSizeRel x gcc, clang (-Werror)" >&2
    DCCD_MATRIX_SKIP=gcc-RelWithDebInfo bash scripts/build-matrix.sh build-matrix
    echo "== gcc build (-Werror) + tests" >&2
    CC=gcc build build -DDCCD_WERROR=ON
    (cd build && ctest --output-on-failure -j"$jobs")
    echo "== Python package: build, install into .venv, pytest (tests/python)" >&2
    bash scripts/python-tests.sh
    echo "== clang build with AddressSanitizer + UndefinedBehaviorSanitizer + tests" >&2
    CC=clang build build-asan -DDCCD_WERROR=ON -DDCCD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
       ctest --output-on-failure -j"$jobs" -LE no-asan)
    echo "== clang ThreadSanitizer build: the tests of the threaded paths" >&2
    tsan_tests="test_arrow test_reader test_store_maint test_store_wal test_store_merge test_pool test_threads"
    CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DDCCD_TSAN=ON -DDCCD_WERROR=ON >/dev/null
    cmake --build build-tsan -j"$jobs" --target $tsan_tests reltool dccd >/dev/null
    (cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j"$jobs" \
       -R "^($(echo $tsan_tests | tr ' ' '|')|reliability_conc|cli_io_import_par)\$")
    echo "== core tests under valgrind" >&2
    bash scripts/valgrind-core.sh build
    echo "== libFuzzer targets, short run (fuzz/README.md)" >&2
    bash fuzz/ci.sh build-fuzz "${DCCD_FUZZ_SECONDS:-6}"
    ;;
  torture)
    bash scripts/setup.sh
    build build
    DCCD_TORTURE=1 bash tests/reliability/run.sh build
    echo "== libFuzzer targets, long run" >&2
    bash fuzz/ci.sh build-fuzz "${DCCD_FUZZ_SECONDS:-120}"
    ;;
  bench)
    bash scripts/setup.sh
    build build
    bash bench/run.sh build
    ;;
  *) echo "usage: ./dev.sh {demo|test|build|matrix|setup|torture|bench}" >&2; exit 2 ;;
esac
