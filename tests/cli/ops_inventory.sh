#!/usr/bin/env bash
# tests/cli/ops_inventory.sh - `dccd inventory`: the aligned table and the
# --json array (parsed with node), on an empty store and on the small store
# of ops_helper mkstore (pending segments counted, seed order).
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
mkdir -p "$S"
run 0 inventory --root "$S"
out_is "no datasets"
run 0 inventory --root "$S" --json
json_check 'ok(Array.isArray(j) && j.length === 0, "empty array");'

helper mkstore "$S"
run 0 inventory --root "$S"
head -1 "$OUT" | grep -Eq '^exchange +pair +type +span +files +rows +first +last +size +pending$' ||
    fail "table header"
[ "$(wc -l <"$OUT")" -eq 4 ] || fail "three datasets expected"
# the ohlc dataset: one period file (25 rows) + one pending segment (30 rows)
grep -Eq '^test +BTC-USDT +ohlc +1m +1 +55 +2099-03-01T00:00:00Z +2099-03-01T00:59:00Z +[0-9.]+ (B|KiB) +1 seg, 30 rows$' \
    "$OUT" || fail "ohlc row"
grep -Eq '^test +ETH-USDT +orderbook +- +0 +60 +2099-03-02T00:00:00Z +2099-03-02T00:09:00Z +0 B +1 seg, 60 rows$' \
    "$OUT" || fail "orderbook row"
grep -Eq '^test +BTC-USDT +trades +- +1 +100 +2099-03-01T00:00:00Z +2099-03-01T00:31:30Z +[0-9.]+ (B|KiB) +-$' \
    "$OUT" || fail "trades row"
# columns are aligned: every line has its "first" column at the same offset
awk 'NR==1 { p = index($0, "first") } NR>1 && substr($0, p, 4) != "2099" { bad = 1 } END { exit bad }' "$OUT" ||
    fail "columns not aligned"

run 0 inventory --root "$S" --json
json_check '
eq(j.length, 3, "three datasets");
const keys = j.map(e => e.exchange + "/" + e.data_type + "/" + e.pair);
eq(keys.join(" "), "test/ohlc/BTC-USDT test/orderbook/ETH-USDT test/trades/BTC-USDT", "seed order");
const o = j[0];
eq(o.span, 60, "span"); eq(o.span_label, "1m", "label");
eq(o.files, 1, "files"); eq(o.rows, 55, "rows");
eq(o.min_ts, "4076006400000000000", "min_ts"); eq(o.max_ts, "4076009940000000000", "max_ts");
eq(o.first, "2099-03-01T00:00:00Z", "first"); eq(o.last, "2099-03-01T00:59:00Z", "last");
eq(o.pending_segments, 1, "pending segments"); eq(o.pending_rows, 30, "pending rows");
ok(o.bytes > 0, "bytes");
const b = j[1];
eq("span" in b, false, "no span key (the seed omits it)"); eq("span_label" in b, false, "no label key");
eq(b.files, 0, "no period file"); eq(b.bytes, 0, "no bytes"); eq(b.rows, 60, "pending rows counted");
const t = j[2];
eq(t.rows, 100, "trades rows"); eq(t.pending_segments, 0, "trades folded");
eq(t.max_ts, "4076008290000000000", "trades max");'

# after a whole-store checkpoint nothing is pending
run 0 checkpoint --root "$S"
run 0 inventory --root "$S" --json
json_check '
for (const e of j) { eq(e.pending_segments, 0, "pending " + e.pair); eq(e.pending_rows, 0, "pending rows"); }
eq(j[0].files, 1, "ohlc file"); eq(j[0].rows, 55, "ohlc rows"); eq(j[1].files, 1, "book file");'
# 1h/, 3600s/ and hourly/ (written by other tools: the seed's str_to_span
# reads all three as 3600 s) are three datasets: each keeps its directory's
# own name as its label, table and JSON
H=$WORK/hours
mkdir -p "$H"
printf 'TS,open,high,low,close,volume\n4076006400000000000,1,1,1,1,1\n' > "$WORK/h.csv"
run 0 import --root "$H" --exchange x --pair BTC/USDT --type ohlc --span 1h --checkpoint "$WORK/h.csv"
cp -r "$H/x/ohlc/BTC-USDT/1h" "$H/x/ohlc/BTC-USDT/3600s"
cp -r "$H/x/ohlc/BTC-USDT/1h" "$H/x/ohlc/BTC-USDT/hourly"
run 0 inventory --root "$H"
for d in 1h 3600s hourly; do
    grep -Eq "^x +BTC-USDT +ohlc +$d +1 +1 " "$OUT" || fail "table row for $d/"
done
run 0 inventory --root "$H" --json
json_check '
eq(j.length, 3, "three datasets");
eq(j.map(e => e.span_label).join(" "), "1h 3600s hourly", "directory labels");
for (const e of j) eq(e.span, 3600, "span seconds of " + e.span_label);'
echo "ok: ops_inventory"
