#!/usr/bin/env bash
# fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET] - run every libFuzzer target
# built in BUILD_DIR/fuzz for a bounded time and report.
#
# For each target: a fresh corpus directory BUILD_DIR/fuzz-run/TARGET/corpus
# (new inputs go there), a seed directory generated now (never stored in the
# repository): the Apache parquet-testing files ($PARQUET_TEST_DATA, default
# ../shared/parquet-testing: data/*.parquet and bad_data/*, up to 128 KiB
# each) and small files from our own writer (seedgen), their footers and
# page headers and column chunks, encoder outputs, CSV / JSON-lines and domain texts.  Each
# target runs with -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10
# and its dictionary (fuzz/*.dict).
#
# Prints per target: executions, exec/s, crashes.  Exits 1 if any target
# crashed (timeouts, leaks and out-of-memory count), naming the saved
# input (BUILD_DIR/fuzz-run/TARGET/crash-*); reproduce with
#   BUILD_DIR/fuzz/TARGET CRASH_FILE
# Exits 77 with "fuzz: SKIPPED (libFuzzer unavailable)" when no target was
# built (no clang libFuzzer).  Env: DCCD_FUZZ_TARGETS="fuzz_reader ..."
# restricts the set; DCCD_FUZZ_JOBS is ignored (one target at a time: the
# machine is shared).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]}
secs=${2:-10}
build=$(cd "$build" && pwd)
bin=$build/fuzz
work=$build/fuzz-run

targets=${DCCD_FUZZ_TARGETS:-fuzz_reader fuzz_chunk fuzz_canon fuzz_footer fuzz_pages fuzz_domain fuzz_textin fuzz_fastfloat fuzz_snappy}
present=()
for t in $targets; do
  [ -x "$bin/$t" ] && present+=("$t")
done
if [ ${#present[@]} -eq 0 ] || [ ! -x "$bin/seedgen" ]; then
  echo "fuzz: SKIPPED (libFuzzer unavailable: no targets in $bin)"
  exit 77
fi
for t in $targets; do
  [ -x "$bin/$t" ] || echo "fuzz: $t not built (see the cmake output), not run"
done

# one run per build directory at a time (the work directory is recreated)
exec 9>"$build/.fuzz-run.lock"
if ! flock -n 9; then
  echo "fuzz: another fuzz/run.sh is using $build" >&2
  exit 1
fi
pqdata=${PARQUET_TEST_DATA:-$src/../shared/parquet-testing}
rm -rf "$work"
mkdir -p "$work/seeds-parquet" "$work/seeds-chunk" "$work/seeds-footer" "$work/seeds-pages" "$work/seeds-text" \
  "$work/seeds-domain" "$work/seeds-number" "$work/seeds-snappy"

# ---- seeds ------------------------------------------------------------------
"$bin/seedgen" parquet "$work/seeds-parquet" || { echo "fuzz: seedgen parquet failed"; exit 1; }
if [ -d "$pqdata/data" ]; then
  for f in "$pqdata"/data/*.parquet "$pqdata"/bad_data/*; do
    [ -f "$f" ] || continue
    case "$f" in *.md) continue ;; esac
    [ "$(stat -c %s "$f")" -le 131072 ] && cp "$f" "$work/seeds-parquet/pt-$(basename "$f")"
  done
else
  echo "fuzz: parquet-testing corpus absent ($pqdata): generated seeds only"
fi
"$bin/seedgen" footer "$work/seeds-footer" "$work"/seeds-parquet/* || exit 1
"$bin/seedgen" pages "$work/seeds-pages" "$work"/seeds-parquet/gen-* || exit 1
"$bin/seedgen" chunks "$work/seeds-chunk" "$work"/seeds-parquet/* || exit 1
"$bin/seedgen" text "$work/seeds-text" || exit 1
"$bin/seedgen" domain "$work/seeds-domain" || exit 1
"$bin/seedgen" snappy "$work/seeds-snappy" || exit 1
k=0
for s in 0 -0.0 1 40123.5 0.1 1e23 9007199254740993 2.2250738585072011e-308 4.9406564584124654e-324 \
         1.7976931348623158e308 1.7976931348623159e308 123456789012345678901234567890e-30 .5e-3 1e0000000001; do
  printf '%s' "$s" >"$work/seeds-number/number-$k"; k=$((k + 1))
done

seeds_for() {
  case $1 in
    fuzz_reader|fuzz_canon) echo "$work/seeds-parquet" ;;
    fuzz_chunk) echo "$work/seeds-chunk" ;;
    fuzz_footer) echo "$work/seeds-footer" ;;
    fuzz_pages) echo "$work/seeds-pages" ;;
    fuzz_textin) echo "$work/seeds-text" ;;
    fuzz_domain) echo "$work/seeds-domain" ;;
    fuzz_fastfloat) echo "$work/seeds-number" ;;
    fuzz_snappy) echo "$work/seeds-snappy" ;;
  esac
}
dict_for() {
  case $1 in
    fuzz_reader|fuzz_chunk|fuzz_canon|fuzz_footer|fuzz_pages) echo "$here/parquet.dict" ;;
    fuzz_textin) echo "$here/text.dict" ;;
    fuzz_domain) echo "$here/domain.dict" ;;
    fuzz_fastfloat) echo "$here/number.dict" ;;
  esac
}

# ---- run ----------------------------------------------------------------------
status=0
printf '%-12s %12s %10s %8s  %s\n' target executions exec/s crashes notes
for t in "${present[@]}"; do
  dir=$work/$t
  mkdir -p "$dir/corpus"
  args=(-max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$dir/" -close_fd_mask=1)
  d=$(dict_for "$t")
  [ -f "$d" ] && args+=(-dict="$d")
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin/$t" "${args[@]}" "$dir/corpus" "$(seeds_for "$t")" >"$dir/log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  crashes=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
            -o -name 'oom-*' \) | wc -l)
  note=""
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    [ "$crashes" -eq 0 ] && crashes=1
    note="FAILED (exit $rc), log $dir/log"
    for c in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
      [ -f "$c" ] && note="$note; input $c"
    done
  fi
  printf '%-12s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes" "$note"
done
if [ $status -ne 0 ]; then
  echo "fuzz: CRASHES found; reproduce with: $bin/TARGET INPUT (logs under $work)"
else
  echo "fuzz: OK (${#present[@]} targets, ${secs}s each, no crashes)"
fi
exit $status
