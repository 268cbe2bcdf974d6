#!/usr/bin/env bash
# tests/cli/ops_demo.sh - `dccd demo --root DIR` (the CTest fixture
# cli_ops_demo_store: the store is left in $DCCD_OPS_DEMO for the
# cli_ops_demo_* tests).  Checks the summary (inventory table, the gaps the
# model leaves on purpose), that stderr holds no progress bar when it is
# not a terminal, the last timestamps, and the synthetic provenance.
. "$(dirname "$0")/ops_lib.sh"

S=${DCCD_OPS_DEMO:-$WORK/demo-store}
rm -rf "$S"
start=$(date +%s)
run 0 demo --root "$S"
secs=$(($(date +%s) - start))
echo "demo took ${secs}s"
cp "$OUT" "$WORK/summary"
grep -Eq "^dccd demo: wrote 5 datasets \\(1808421 rows\\) in [0-9.]+ s\$" "$ERR" || fail "stderr: one timing line"
[ "$(wc -l <"$ERR")" -eq 1 ] || fail "stderr holds more than the timing line"
grep -q $'\r' "$ERR" && fail "a progress bar was drawn on a non-terminal"
out_has "dccd demo: a synthetic sample store in $S"
out_has "dccd:demo-synthetic"
grep -Eq '^exchange +pair +type +span +files +rows +first +last +size +pending$' "$OUT" || fail "inventory header"
grep -Eq '^demo +BTC-USDT +ohlc +1m +1 +525420 +2025-01-01T00:00:00Z +2025-12-31T23:59:00Z ' "$OUT" || fail "BTC bars"
grep -Eq '^demo +ETH-USDT +ohlc +1m +1 +525600 ' "$OUT" || fail "ETH bars"
grep -Eq '^demo +SOL-USDT +ohlc +1m +1 +525600 ' "$OUT" || fail "SOL bars"
grep -Eq '^demo +BTC-USDT +orderbook +- +3 +171600 +2025-12-29T00:00:00Z +2025-12-31T23:59:00Z ' "$OUT" ||
    fail "order book (3 days x 1440 - 30 snapshots x 40 levels)"
grep -Eq '^demo +BTC-USDT +trades +- +3 +[0-9]+ +2025-12-29T' "$OUT" || fail "trades"
out_has "demo:BTC/USDT:ohlc:60s  2025-01-01T00:00:00Z .. 2026-01-01T00:00:00Z"
grep -Eq '^ +2025-06-15T11:59:00Z  2025-06-15T15:00:00Z +3h 1m +180$' "$OUT" || fail "the BTC gap (180 bars)"
grep -Eq '^ +2025-12-30T07:59:00Z  2025-12-30T08:30:00Z +31m$' "$OUT" || fail "the book outage"
[ "$(grep -c 'holes longer than 1m (1 span of 1m): none' "$OUT")" -eq 2 ] || fail "ETH and SOL have no holes"
out_has "dccd --root $S verify"

run 0 last --root "$S" --exchange demo --pair SOL/USDT --type ohlc --span 1m
out_is "2025-12-31T23:59:00Z  1767225540000000000"
for f in "$S"/demo/ohlc/*/1m/2025.parquet "$S"/demo/trades/BTC-USDT/*.parquet "$S"/demo/orderbook/BTC-USDT/*.parquet; do
    run 0 provenance --file "$f"
    out_has "source        dccd:demo-synthetic"
done
[ -z "$(find "$S/.dccd" -name '*.seg' 2>/dev/null)" ] || fail "demo left pending segments"
echo "ok: ops_demo"
