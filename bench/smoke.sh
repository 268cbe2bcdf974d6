#!/usr/bin/env bash
# bench/smoke.sh DCCD_BENCH - every dccd_bench subcommand on tiny inputs, so
# the benchmark program cannot rot between benchmark runs (CTest
# `bench_smoke`; it also runs under the sanitizer build).  Checks what the
# benchmarks rely on: the saves of (a)/(b) end with every row loadable, the
# decoders return every row, the inventory sees every file, the one-week
# load returns exactly the week.  No peers, no timing claims.
set -euo pipefail
B=$1
tmp=$(mktemp -d /tmp/dccd-bench-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "bench_smoke: FAIL: $*" >&2; exit 1; }
field() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" <<<"$2"; }

live=$(( $(date -u -d "$(( $(date -u +%Y) + 1 ))-01-01" +%s) * 1000000000 ))
T2023=1672531200000000000   # 2023-01-01

"$B" gen ohlc 4320 1 $live "$tmp/ohlc.parquet"
"$B" gen trades 3000 2 $live "$tmp/trades.parquet"
for d in ohlc trades; do
  for c in snappy zstd; do
    "$B" pq-enc $d "$tmp/$d.parquet" $c "$tmp/$d.$c.parquet" 2 >"$tmp/enc"
    rows=$(field rows "$(cat "$tmp/enc")")
    "$B" pq-dec $d "$tmp/$d.$c.parquet" $c dccd 2 >"$tmp/dec"
    [ "$(field rows "$(cat "$tmp/dec")")" = "$rows" ] || fail "$d $c: decoded rows differ from encoded rows"
  done
done

out=$("$B" store-days "$tmp/s1" "$tmp/ohlc.parquet" 3 0)
[ "$(field loaded_rows "$out")" = 4320 ] || fail "store-days: $out"
"$B" gen trades 300 3 $live "$tmp/few.parquet"   # few minutes: the pending segments pile up
out=$("$B" store-minutes "$tmp/s2" "$tmp/few.parquet" 0)
[ "$(field loaded_rows "$out")" = 300 ] || fail "store-minutes: $out"
out=$("$B" store-ab "$tmp/s4" "$tmp/few.parquet" 0)   # checks its loads itself
[ "$(field saves "$out")" = 60 ] || fail "store-ab: $out"

"$B" store-build-inv "$tmp/s3" 10
out=$("$B" store-inventory "$tmp/s3" 2)
if ! grep -q skipped <<<"$out"; then
  [ "$(field files "$out")" = 10 ] || fail "store-inventory: $out"
fi

# one week across a year boundary, out of 20 days in two year files
"$B" gen ohlc $((20 * 1440)) 5 $((T2023 - 10 * 86400 * 1000000000)) "$tmp/y.parquet"
"$B" store-build-years "$tmp/s4" "$tmp/y.parquet"
w0=$((T2023 - 3 * 86400 * 1000000000))
out=$("$B" store-load "$tmp/s4" $w0 $((w0 + 7 * 86400 * 1000000000 - 1)) 2)
[ "$(field rows "$out")" = 10080 ] || fail "store-load: $out"

"$B" mem-build "$tmp/s5" 5000 $live
out=$("$B" mem-save "$tmp/s5" 0 5000 $live)
[ -n "$(field hwm_after_kb "$out")" ] || fail "mem-save: $out"
out=$("$B" mem-save "$tmp/s5" 1 5000 $live)
[ -n "$(field hwm_after_kb "$out")" ] || fail "mem-save sync: $out"

"$B" csv trades "$tmp/trades.parquet" "$tmp/t.csv"
[ "$(wc -l <"$tmp/t.csv")" = 3001 ] || fail "csv: expected a header and 3000 lines"
"$B" csv trades "$tmp/trades.parquet" "$tmp/t17.csv" 17
[ "$(wc -l <"$tmp/t17.csv")" = 3001 ] || fail "csv 17: expected a header and 3000 lines"
grep -Eq ',[0-9]+\.[0-9]{10,}' "$tmp/t17.csv" || fail "csv 17: no full-precision doubles"
echo "bench_smoke: ok"
