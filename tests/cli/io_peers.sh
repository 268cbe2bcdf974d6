#!/bin/sh
# tests/cli/io_peers.sh DCCD WORKDIR - imports the gen_data.sh inputs, then
# has io_peers.mjs load `dccd export`'s CSV and JSON lines with polars and
# DuckDB (tests/interop/node_modules) and compare every value with the
# export's text.  Without node or the npm peers: "SKIPPED" and exit 77.
set -u
D=$1
W=$2
SRC=$(cd "$(dirname "$0")" && pwd)
NM="$SRC/../interop/node_modules"
if ! command -v node > /dev/null 2>&1 || [ ! -d "$NM/nodejs-polars" ] || [ ! -d "$NM/@duckdb/node-api" ]; then
    echo "SKIPPED: npm peers not installed (run make setup)"
    exit 77
fi
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
sh "$SRC/gen_data.sh" . || fail "gen_data"
for t in ohlc trades book; do
    case $t in
    ohlc) DS="--exchange binance --pair BTC/USDT --type ohlc --span 1h" ;;
    trades) DS="--exchange binance --pair BTC/USDT --type trades" ;;
    book) DS="--exchange binance --pair BTC/USDT --type orderbook" ;;
    esac
    "$D" --root store import $DS $t.csv > /dev/null || fail "$t: import"
    "$D" --root store export $DS -o $t.out.csv || fail "$t: export csv"
    "$D" --root store export $DS --format jsonl -o $t.jsonl || fail "$t: export jsonl"
done
POLARS_MAX_THREADS=1 exec node "$SRC/io_peers.mjs" "$W"
