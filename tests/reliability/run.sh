#!/usr/bin/env bash
# tests/reliability/run.sh BUILD_DIR - the reliability suite (issue 5;
# docs/RELIABILITY.md).  Short form by default (what CTest runs, about a
# minute in all); DCCD_TORTURE=1 (./dev.sh torture) runs the long form
# (a few minutes).  Each driver is BUILD_DIR/tests/reltool SUBCOMMAND; exit
# 77 means skipped (a privilege or the preload shim missing).  Scratch
# stores go to $DCCD_REL_TMP (default /dev/shm when present, else /tmp),
# except the crash test's, which needs a real file system for fsync to
# mean something: $TMPDIR or /tmp.
set -uo pipefail
build=${1:-build}
tool=$build/tests/reltool
shim=$build/tests/libdccd_faultshim.so
if [ ! -x "$tool" ]; then
  echo "run.sh: $tool not built (cmake --build $build --target reltool dccd_faultshim)" >&2
  exit 2
fi
shm=/tmp; [ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
export DCCD_REL_TMP=${DCCD_REL_TMP:-$shm}
long=${DCCD_TORTURE:-0}
failed=0; skipped=0; passed=0
step() {  # name command...
  local name=$1; shift
  echo "== $name: $*"
  local t0=$SECONDS
  "$@"; local rc=$?
  case $rc in
    0) passed=$((passed+1)); echo "== $name: passed ($((SECONDS-t0)) s)" ;;
    77) skipped=$((skipped+1)); echo "== $name: SKIPPED" ;;
    *) failed=$((failed+1)); echo "== $name: FAILED (exit $rc)" ;;
  esac
}
if [ "$long" = 1 ]; then
  step crash env DCCD_REL_TMP=${TMPDIR:-/tmp} "$tool" crash --cycles 260 --writers 2 --max-delay-ms 200
  step crash-4w env DCCD_REL_TMP=${TMPDIR:-/tmp} "$tool" crash --cycles 60 --writers 4 --max-delay-ms 120
  step fault env LD_PRELOAD="$shim" ASAN_OPTIONS=verify_asan_link_order=0 "$tool" fault
  step enospc "$tool" enospc
  step conc "$tool" conc --procs 4 --threads 4 --batches 150 --readers 3 --timeout 400
  step paths "$tool" paths
  step temps "$tool" temps
  step tidkey "$tool" tidkey
  step mem "$tool" mem --mults 10,100 --scan-limit-mb 6
else
  step crash env DCCD_REL_TMP=${TMPDIR:-/tmp} "$tool" crash --cycles 20 --writers 2
  step fault env LD_PRELOAD="$shim" ASAN_OPTIONS=verify_asan_link_order=0 "$tool" fault --stride 3
  step enospc "$tool" enospc
  step conc "$tool" conc
  step paths "$tool" paths
  step temps "$tool" temps
  step tidkey "$tool" tidkey
  step mem "$tool" mem --mults 10 --scan-limit-mb 6
fi
echo "== reliability: $passed passed, $skipped skipped, $failed failed"
[ "$failed" = 0 ]
