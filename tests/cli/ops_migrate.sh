#!/usr/bin/env bash
# tests/cli/ops_migrate.sh - `dccd migrate [--dry-run] [DATASET]` of a
# legacy v2 OHLC file written with the public dccd_pq_writer by ops_helper
# (TS in seconds, date, time, quoteVolume, weightedAverage; one null
# quoteVolume): the dry run reports it and changes nothing; the migration
# rewrites it in the v3 schema (TS in ns), the rows the library loads are
# identical before and after, verify is clean, and a second migration has
# nothing to do.  Other datasets are untouched.
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
R=(--root "$S")
D=$S/test/ohlc/BTC-USDT/1h
F=$D/2020.parquet
mkdir -p "$D"
helper write-v2 "$F" 48
helper columns "$F"
[ "$(head -1 "$OUT")" = "TS,date,time,close,high,low,open,quoteVolume,volume,weightedAverage" ] || fail "v2 columns"
[ "$(tail -1 "$OUT")" = "1578006000" ] || fail "v2 TS in seconds"
"$HELPER" dump "$S" test:BTC/USDT:ohlc:3600s >"$WORK/before" || fail "dump before"
[ "$(wc -l <"$WORK/before")" -eq 48 ] || fail "48 rows expected"
# canonicalised on read: ns, canonical order, null quote_volume on row 5
[ "$(head -1 "$WORK/before")" = "1577836800000000000,7000,7001,6999,7000.5,2,14001,null" ] || fail "first row"
[ "$(sed -n 6p "$WORK/before" | cut -d, -f7)" = "null" ] || fail "null quote_volume kept"
"$HELPER" dump "$S" test:BTC/USDT:trades >"$WORK/trades-before" || fail "dump trades"
sum=$(cksum <"$F")

run 0 migrate "${R[@]}" --dry-run
out_has "test/ohlc/BTC-USDT/1h/2020.parquet: "
out_has "1 legacy (48 rows) would be migrated (dry run)"
[ "$(cksum <"$F")" = "$sum" ] || fail "the dry run changed the file"

run 0 migrate "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1h
grep -Eq '^test/ohlc/BTC-USDT/1h/2020.parquet: .+' "$OUT" || fail "migrated file not reported"
out_has "test:BTC/USDT:ohlc:3600s: 1 file examined, 1 legacy, 1 migrated (48 rows)"
helper columns "$F"
[ "$(head -1 "$OUT")" = "TS,open,high,low,close,volume,quote_volume,trades" ] || fail "v3 columns after migration"
[ "$(tail -1 "$OUT")" = "1578006000000000000" ] || fail "TS in ns after migration"
"$HELPER" dump "$S" test:BTC/USDT:ohlc:3600s >"$WORK/after" || fail "dump after"
cmp -s "$WORK/before" "$WORK/after" || { diff "$WORK/before" "$WORK/after" | head; fail "rows changed by the migration"; }
"$HELPER" dump "$S" test:BTC/USDT:trades >"$WORK/trades-after" || fail "dump trades"
cmp -s "$WORK/trades-before" "$WORK/trades-after" || fail "another dataset changed"

run 0 verify "${R[@]}"
out_has "no problems"
run 0 migrate "${R[@]}"
out_has "test/ohlc/BTC-USDT/1h/2020.parquet: ok (canonical v3, nothing to do)"
out_has "0 legacy, 0 migrated"
run 0 last "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1h
out_is "2020-01-02T23:00:00Z  1578006000000000000"

# an unreadable file is reported and makes the exit status 1, the others are done
helper write-v2 "$S/test/ohlc/BTC-USDT/1h/2020.parquet.new" 5
mv "$S/test/ohlc/BTC-USDT/1h/2020.parquet.new" "$S/test/ohlc/BTC-USDT/1h/2020.parquet"
echo "garbage" >"$S/test/ohlc/BTC-USDT/1h/2019.parquet"
run 1 migrate "${R[@]}"
out_has "test/ohlc/BTC-USDT/1h/2019.parquet: "
grep -Eq '1 legacy, 1 migrated \(5 rows\)' "$OUT" || fail "the readable legacy file was not migrated"
err_has "dccd migrate:"
echo "ok: ops_migrate"
