#!/bin/sh
# tests/cli/io_threads.sh DCCD WORKDIR - --threads and DCCD_THREADS:
#   - 200,000 trades imported (--checkpoint) with --threads 1 and with
#     --threads 4 (and DCCD_THREADS=2) give the same rows on export, and
#     `export --format parquet` writes byte-identical files whatever the
#     thread count of the store that is read and of the export;
#   - a bad --threads or DCCD_THREADS is a usage error (exit 2).
set -u
D=$1
W=$2
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
awk 'BEGIN {
  print "TS,price,amount,side,tid";
  for (i = 0; i < 200000; i++)
    printf "%d,%.2f,%.5f,%s,t%d\n", 1704067200000000000 + int(i / 3) * 1000000, 40000 + (i * 7919 % 1000) / 100, (i % 97) / 8 + 0.00001, (i % 2 ? "sell" : "buy"), i;
}' > trades.csv
DS="--exchange binance --pair BTC/USDT --type trades"
for th in 1 4; do
    "$D" --threads $th --root s$th import $DS --checkpoint trades.csv > imp$th.out 2> imp$th.err ||
        fail "import --threads $th: $(cat imp$th.err)"
done
DCCD_THREADS=2 "$D" --root s2 import $DS --checkpoint trades.csv > imp2.out 2> imp2.err ||
    fail "import DCCD_THREADS=2: $(cat imp2.err)"
for th in 1 2 4; do
    "$D" --threads $th --root s$th export $DS > e$th.csv || fail "export csv --threads $th"
    cmp -s e1.csv e$th.csv || fail "csv export of the store imported with $th threads differs"
    for x in 1 4; do
        "$D" --threads $x --root s$th export $DS --format parquet -o p$th-$x.parquet || fail "export parquet"
        cmp -s p1-1.parquet p$th-$x.parquet || fail "parquet export: store $th threads, export $x threads: bytes differ"
    done
done
[ "$(wc -l < e1.csv)" -eq 200001 ] || fail "rows: $(wc -l < e1.csv)"
"$D" --threads many --root s1 inventory > /dev/null 2> bad.err
[ $? -eq 2 ] || fail "--threads many: not a usage error"
grep -q -- "--threads 'many'" bad.err || fail "--threads message: $(cat bad.err)"
DCCD_THREADS=-1 "$D" --root s1 inventory > /dev/null 2> bad.err
[ $? -eq 2 ] || fail "DCCD_THREADS=-1: not a usage error"
echo "ok: io_threads"
