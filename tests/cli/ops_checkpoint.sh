#!/usr/bin/env bash
# tests/cli/ops_checkpoint.sh - `dccd checkpoint [DATASET]`: folds pending
# segments, reports what it folded (human and --json), a second run has
# nothing to fold, and the rows the library loads are unchanged.
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
R=(--root "$S")
OHLC=(--exchange test --pair BTC/USDT --type ohlc --span 1m)
BK=(--exchange test --pair ETH/USDT --type orderbook)
for id in test:BTC/USDT:ohlc:60s test:ETH/USDT:orderbook test:BTC/USDT:trades; do
    "$HELPER" dump "$S" "$id" >"$WORK/before-${id//[:\/]/_}" || fail "dump $id"
done
[ "$(wc -l <"$WORK/before-test_BTC_USDT_ohlc_60s")" -eq 55 ] || fail "55 ohlc rows before"

# one dataset: the ohlc bars 30..59 (one segment, 30 rows) into 2099.parquet
run 0 checkpoint "${R[@]}" "${OHLC[@]}"
grep -Eq '^test:BTC/USDT:ohlc:60s: folded 1 segment \(30 rows\) into 1 period file; row groups: [0-9]+ copied, [0-9]+ rewritten$' \
    "$OUT" || fail "checkpoint report"
run 0 checkpoint "${R[@]}" "${OHLC[@]}"
out_is "test:BTC/USDT:ohlc:60s: nothing to fold (no pending segments)"
run 0 checkpoint "${R[@]}" "${BK[@]}" --json
json_check '
eq(j.scope, "test:ETH/USDT:orderbook", "scope");
eq(j.periods, 1, "one period file written");
eq(j.segments, 1, "one segment");
eq(j.rows, 60, "60 level rows");
ok(j.row_groups_copied + j.row_groups_rewritten >= 0, "row group counts");'
[ -f "$S/test/orderbook/ETH-USDT/2099-03-02.parquet" ] || fail "order-book period file not created"
run 0 checkpoint "${R[@]}" "${BK[@]}" --json
json_check 'eq(j.segments, 0, "nothing left"); eq(j.periods, 0, "no file replaced");'
[ -z "$(find "$S/.dccd" -name '*.seg' 2>/dev/null)" ] || fail "segments left after the checkpoints"
for id in test:BTC/USDT:ohlc:60s test:ETH/USDT:orderbook test:BTC/USDT:trades; do
    "$HELPER" dump "$S" "$id" >"$WORK/after-${id//[:\/]/_}" || fail "dump $id"
    cmp -s "$WORK/before-${id//[:\/]/_}" "$WORK/after-${id//[:\/]/_}" || fail "rows of $id changed by the checkpoint"
done
# a dataset without data: nothing to fold, not an error
run 0 checkpoint "${R[@]}" --exchange test --pair SOL/USDT --type trades
out_has "nothing to fold"
echo "ok: ops_checkpoint"
