#!/usr/bin/env bash
# tests/cli/ops_provenance.sh - `dccd provenance DATASET`: one row per
# period file of the dataset with the provenance of its footer.
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
R=(--root "$S")

run 0 provenance "${R[@]}" --exchange test --pair BTC/USDT --type trades
out_has "file"
out_has "source"
grep -Eq '^test/trades/BTC-USDT/2099-03-01.parquet +test:ws +-$' "$OUT" || fail "trades period file row"
run 0 provenance "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1m --json
json_check '
eq(j.length, 1, "one period file");
eq(j[0].path, "test/ohlc/BTC-USDT/1m/2099.parquet", "path");
eq(j[0].source, "test:helper", "source");
eq(j[0].derived_from, null, "derived_from");'
# the order book is only in the write-ahead log: no period file yet
run 1 provenance "${R[@]}" --exchange test --pair ETH/USDT --type orderbook
err_has "no data"
out_empty
run 0 checkpoint "${R[@]}" --exchange test --pair ETH/USDT --type orderbook
run 0 provenance "${R[@]}" --exchange test --pair ETH/USDT --type orderbook
grep -Eq '^test/orderbook/ETH-USDT/2099-03-02.parquet +test:rest +test:ETH/USDT:trades$' "$OUT" ||
    fail "order-book period file row with derived_from"
run 1 provenance "${R[@]}" --exchange test --pair SOL/USDT --type trades
err_has "test:SOL/USDT:trades: no data"
# an unreadable period file is named, the others are still listed, exit 1
cp "$S/test/trades/BTC-USDT/2099-03-01.parquet" "$S/test/trades/BTC-USDT/2099-03-02.parquet"
echo "garbage" >"$S/test/trades/BTC-USDT/2099-03-02.parquet"
run 1 provenance "${R[@]}" --exchange test --pair BTC/USDT --type trades
err_has "test/trades/BTC-USDT/2099-03-02.parquet"
out_has "test/trades/BTC-USDT/2099-03-01.parquet"
echo "ok: ops_provenance"
