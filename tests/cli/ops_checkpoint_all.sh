#!/usr/bin/env bash
# tests/cli/ops_checkpoint_all.sh - `dccd checkpoint` of the whole store:
# every pending segment folded, reported, rows unchanged.
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
for id in test:BTC/USDT:ohlc:60s test:ETH/USDT:orderbook; do
    "$HELPER" dump "$S" "$id" >"$WORK/before-${id//[:\/]/_}" || fail "dump $id"
done
run 0 checkpoint --root "$S"
grep -Eq "^store $S: folded 2 segments \\(90 rows\\) into 2 period files; row groups: [0-9]+ copied, [0-9]+ rewritten\$" \
    "$OUT" || fail "whole-store report"
[ -z "$(find "$S/.dccd" -name '*.seg' 2>/dev/null)" ] || fail "segments left"
run 0 checkpoint --root "$S" --json
json_check 'eq(j.scope, "store " + process.argv[1].replace(/\/stdout$/, "/store"), "scope"); eq(j.segments, 0, "none");'
for id in test:BTC/USDT:ohlc:60s test:ETH/USDT:orderbook; do
    "$HELPER" dump "$S" "$id" >"$WORK/after-${id//[:\/]/_}" || fail "dump $id"
    cmp -s "$WORK/before-${id//[:\/]/_}" "$WORK/after-${id//[:\/]/_}" || fail "rows of $id changed"
done
echo "ok: ops_checkpoint_all"
