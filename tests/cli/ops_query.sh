#!/usr/bin/env bash
# tests/cli/ops_query.sh - `dccd last`, `dccd gaps` and `dccd provenance
# --file` on a small store written by ops_helper mkstore (see its header for
# the exact rows: OHLC bars 00:00..00:59 on 2099-03-01 without 00:10..00:14,
# the last 30 bars still pending in the write-ahead log; 100 trades with a
# 15-minute silence; 10 pending order-book snapshots on 2099-03-02).
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
R=(--root "$S")
OHLC=(--exchange test --pair BTC/USDT --type ohlc --span 1m)
TR=(--exchange test --pair BTC/USDT --type trades)
BK=(--exchange test --pair ETH/USDT --type orderbook)

# ---- last: from footers, pending segments included
run 0 last "${R[@]}" "${OHLC[@]}"
out_is "2099-03-01T00:59:00Z  4076009940000000000"
run 0 last "${R[@]}" --exchange test --pair btc-usdt --type ohlc --span 60
out_is "2099-03-01T00:59:00Z  4076009940000000000"
run 0 last "${R[@]}" "${TR[@]}"
out_is "2099-03-01T00:31:30Z  4076008290000000000"
run 0 last "${R[@]}" "${BK[@]}" --json
json_check '
eq(j.dataset, "test:ETH/USDT:orderbook", "dataset");
eq(j.last_ts, "4076093340000000000", "last_ts");
eq(j.last, "2099-03-02T00:09:00Z", "last");'
# no data: nothing on stdout, exit 1 with a message; also for an empty directory
run 1 last "${R[@]}" --exchange test --pair SOL/USDT --type trades
out_empty
err_has "test:SOL/USDT:trades: no data"
mkdir -p "$S/test/trades/XRP-USDT"
run 1 last "${R[@]}" --exchange test --pair XRP/USDT --type trades --json
out_empty
err_has "no data"
run 1 last "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1h
err_has "no data"

# ---- gaps, OHLC: the seed's missing intervals (after the last bar of the
# year file: 01:00 .. end) and the internal hole of five bars
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 2099-03-01 --end 2099-03-01T02:00:00Z
out_has "test:BTC/USDT:ohlc:60s  2099-03-01T00:00:00Z .. 2099-03-01T02:00:00Z"
out_has "missing intervals: 1"
out_has "2099-03-01T01:00:00Z  2099-03-01T02:00:00Z"
grep -Eq '2099-03-01T01:00:00Z  2099-03-01T02:00:00Z +1h +60$' "$OUT" || fail "missing interval row (1h, 60 bars)"
out_lacks "holes"
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 2099-03-01 --end 2099-03-01T02:00:00Z --holes
out_has "holes longer than 1m (1 span of 1m): 1"
grep -Eq '2099-03-01T00:09:00Z  2099-03-01T00:15:00Z +6m +5$' "$OUT" || fail "hole row (6m, 5 missing bars)"
# the threshold: six spans apart is longer than 5 spans, not longer than 6
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 2099-03-01 --end 2099-03-01T02:00:00Z --holes --min 5
out_has "holes longer than 5m (5 spans of 1m): 1"
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 2099-03-01 --end 2099-03-01T02:00:00Z --holes --min 6
out_has "holes longer than 6m (6 spans of 1m): none"
# ns times work as well as ISO, and a range before the data is one interval
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 4075920000000000000 --end 4076006400000000000 --json
json_check '
eq(j.dataset, "test:BTC/USDT:ohlc:60s", "dataset");
eq(j.start, "4075920000000000000", "start");
eq(j.missing.length, 1, "one interval");
eq(j.missing[0].start, "4075920000000000000", "interval start");
eq(j.missing[0].end, "4076006400000000000", "interval end (the first bar)");
ok(!("holes" in j), "no holes without --holes");'
run 0 gaps "${R[@]}" "${OHLC[@]}" --start 2099-03-01 --end 2099-03-01T02:00:00Z --holes --json
json_check '
eq(j.missing.length, 1, "one missing interval");
eq(j.missing[0].start, "4076010000000000000", "missing start = last bar + span");
eq(j.missing[0].end, "4076013600000000000", "missing end");
eq(j.missing[0].start_iso, "2099-03-01T01:00:00Z", "iso");
eq(j.hole_min_ns, 60000000000, "threshold");
eq(j.holes.length, 1, "one hole");
eq(j.holes[0].after, "4076006940000000000", "hole after 00:09");
eq(j.holes[0].before, "4076007300000000000", "hole before 00:15");
eq(j.holes[0].duration_ns, 360000000000, "six minutes");'

# ---- gaps, trades: after the last trade; holes longer than N seconds
run 0 gaps "${R[@]}" "${TR[@]}" --start 2099-03-01 --end 2099-03-02 --holes
out_has "holes longer than 1m: 1"
grep -Eq '2099-03-01T00:08:10Z  2099-03-01T00:23:20Z +15m 10s$' "$OUT" || fail "trade silence row"
run 0 gaps "${R[@]}" "${TR[@]}" --start 2099-03-01 --end 2099-03-02 --holes --min 909 --json
json_check '
eq(j.missing.length, 1, "one interval");
eq(j.missing[0].start, "4076008290000000001", "last trade + 1 ns");
eq(j.missing[0].end, "4076092800000000000", "end");
eq(j.holes.length, 1, "silence of 910 s is longer than 909 s");
eq(j.holes[0].after, "4076006890000000000", "after trade 49");'
run 0 gaps "${R[@]}" "${TR[@]}" --start 2099-03-01 --end 2099-03-02 --holes --min 910
out_has "holes longer than 15m 10s: none"
# order book, pending only
run 0 gaps "${R[@]}" "${BK[@]}" --start 2099-03-02 --end 2099-03-03 --holes --json
json_check '
eq(j.holes.length, 0, "no holes");
eq(j.missing.length, 1, "after the last snapshot");
eq(j.missing[0].start, "4076093340000000001", "start");'
# no data at all: the whole range is missing
run 0 gaps "${R[@]}" --exchange test --pair SOL/USDT --type trades --start 2099-03-02 --end 2099-03-03
out_has "2099-03-02T00:00:00Z  2099-03-03T00:00:00Z"

# ---- provenance of one file
P=$S/test/ohlc/BTC-USDT/1m/2099.parquet
run 0 provenance --file "$P"
out_has "source        test:helper"
out_has "derived_from  null"
run 0 provenance --json --file "$P"
json_check '
eq(j.path, process.argv[1].replace(/stdout$/, "store/test/ohlc/BTC-USDT/1m/2099.parquet"), "path");
eq(j.source, "test:helper", "source");
eq(j.derived_from, null, "derived_from");'
helper write-v2 "$WORK/legacy.parquet" 10
run 1 provenance --file "$WORK/legacy.parquet"
err_has "no provenance recorded"
out_empty
echo "not parquet at all" >"$WORK/junk.parquet"
run 1 provenance --file "$WORK/junk.parquet"
err_has "$WORK/junk.parquet"
run 1 provenance --file "$WORK/absent.parquet"
err_has "absent.parquet"
echo "ok: ops_query"
