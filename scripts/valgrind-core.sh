#!/usr/bin/env bash
# scripts/valgrind-core.sh BUILD_DIR - run the core unit tests under valgrind
# memcheck; any leak or invalid access fails.  The list is the tests whose
# names are in CORE below and exist in the build.
set -euo pipefail
bdir=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PARQUET_TEST_DATA:-}" ] && [ -d "$here/../shared/parquet-testing/data" ]; then
  PARQUET_TEST_DATA=$(cd "$here/../shared/parquet-testing" && pwd)
fi
export PARQUET_TEST_DATA="${PARQUET_TEST_DATA:-}"
CORE="test_common test_meta test_thrift test_encoding test_codec test_snappy test_reader test_writer test_roundtrip test_domain test_store test_store_maint test_store_wal test_store_ts test_page_range test_store_range test_pq_fastpath test_arrow"
ran=0; failed=0
for t in $CORE; do
  exe="$bdir/tests/$t"
  [ -x "$exe" ] || continue
  ran=$((ran+1))
  if ! (cd "$bdir/tests" && DCCD_VALGRIND=1 \
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --track-origins=no "./$t" >"/tmp/valgrind-$t.log" 2>&1); then
    echo "valgrind: $t FAILED" >&2; tail -40 "/tmp/valgrind-$t.log" >&2
    failed=$((failed+1))
  else
    echo "valgrind: $t clean" >&2
  fi
done
echo "valgrind: $((ran-failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
