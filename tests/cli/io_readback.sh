#!/bin/sh
# tests/cli/io_readback.sh DCCD WORKDIR - what import accepts, every reader
# gives back as stored (issues 10 and 13): TS 0 (1970-01-01T00:00:00Z) is
# imported; a negative TS is refused naming the line and the value; OHLC
# and trades with TS 946684800000000000 (2000-01-01) and TS 1735689600
# (seconds by mistake: 1970 in nanoseconds) read back unchanged through
# export (all and by range), last, checkpoint, inventory, gaps, verify and
# migrate, before and after a checkpoint.  Export reads back through
# import (a newline inside a field, -0.0, 5e-324, CSV and JSON lines); read
# commands do not create a missing root; order-book rows default
# is_snapshot to true; a partial multi-period save says what was saved.
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
# run STATUS CMD...: stdout to out.txt, stderr to err.txt, check the status
run() {
    want=$1
    shift
    "$@" > out.txt 2> err.txt
    got=$?
    [ "$got" -eq "$want" ] || fail "'$*': exit $got, expected $want; stderr: $(cat err.txt)"
}
R="--root $W/store"
OHLC="--exchange binance --pair BTC/USDT --type ohlc --span 1m"
TRADES="--exchange binance --pair BTC/USDT --type trades"

# ---- TS 0 ---------------------------------------------------------------
printf 'TS,open,high,low,close,volume\n0,1,2,0.5,1.5,10\n60000000000,1,2,0.5,1.5,10\n' > zero.csv
run 0 "$D" import $R $OHLC zero.csv
grep -q "2 rows read, 2 written, 0 rejected" err.txt out.txt || fail "TS 0 import: $(cat out.txt err.txt)"
run 0 "$D" export $R $OHLC --start 0 --end 0
[ "$(sed -n 2p out.txt | cut -d, -f1)" = 0 ] || fail "TS 0 export: $(cat out.txt)"
run 0 "$D" last $R $OHLC
grep -q "1970-01-01T00:01:00Z  60000000000" out.txt || fail "last after TS 0: $(cat out.txt)"
run 0 "$D" checkpoint $R
run 0 "$D" export $R $OHLC --iso
[ "$(sed -n 2p out.txt | cut -d, -f1)" = 1970-01-01T00:00:00Z ] || fail "TS 0 after checkpoint: $(cat out.txt)"
[ -f store/binance/ohlc/BTC-USDT/1m/1970.parquet ] || fail "no 1970.parquet"

# a negative TS: refused, line and value named, nothing stored
printf 'TS,price,amount\n1,1,1\n-5,1,1\n' > neg.csv
run 1 "$D" import $R $TRADES neg.csv
grep -q "neg.csv:3: column 1 'TS': TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got -5" err.txt ||
    fail "negative TS: $(cat err.txt)"
[ ! -e store/binance/trades ] || fail "negative TS: something stored"

# ---- TS below 1e18 ns: nanoseconds, read back as stored -------------------
# check DATASET TS...: export, range export, last, inventory, verify, migrate
check() {
    ds=$1
    shift
    exp=$(printf "%s\n" "$@")
    run 0 "$D" export $R $ds --columns TS
    got=$(sed 1d out.txt)
    [ "$got" = "$exp" ] || fail "export $ds: got '$got', expected '$exp'"
    for t in "$@"; do
        run 0 "$D" export $R $ds --columns TS --start "$t" --end "$t"
        [ "$(sed 1d out.txt)" = "$t" ] || fail "range export $ds at $t: $(cat out.txt)"
    done
    last=$(printf '%s\n' "$@" | sort -n | tail -n 1)
    run 0 "$D" last $R $ds
    grep -q "  $last\$" out.txt || fail "last $ds: $(cat out.txt), expected $last"
    run 0 "$D" verify $R $ds
    grep -q "no problems" out.txt || fail "verify $ds: $(cat out.txt err.txt)"
    run 0 "$D" migrate --dry-run $R $ds
    grep -q " 0 legacy" out.txt || fail "migrate $ds: $(cat out.txt)"
}
rm -rf store
printf 'TS,open,high,low,close,volume\n946684800000000000,1,2,0.5,1.5,10\n1735689600,1,2,0.5,1.5,10\n' > b.csv
printf 'TS,price,amount,side,tid\n946684800000000000,1,1,buy,a\n1735689600,1,1,sell,b\n' > t.csv
run 0 "$D" import $R $OHLC b.csv
run 0 "$D" import $R $TRADES t.csv
for pass in pending folded; do
    check "$OHLC" 1735689600 946684800000000000
    check "$TRADES" 1735689600 946684800000000000
    run 0 "$D" inventory $R --json
    n=$(grep -c '"min_ts":1735689600,"max_ts":946684800000000000' out.txt)
    [ "$n" -eq 2 ] || fail "inventory ($pass): $(cat out.txt)"
    run 0 "$D" gaps $R $OHLC --start 2000-01-01 --end 2000-01-01T00:10:00Z
    grep -q "2000-01-01T00:01:00Z  2000-01-01T00:10:00Z" out.txt || fail "gaps ($pass): $(cat out.txt)"
    run 0 "$D" checkpoint $R
done
[ -f store/binance/ohlc/BTC-USDT/1m/1970.parquet ] || fail "seconds by mistake not in 1970.parquet"
[ -f store/binance/ohlc/BTC-USDT/1m/2000.parquet ] || fail "no 2000.parquet"
[ ! -e store/binance/ohlc/BTC-USDT/1m/2025.parquet ] || fail "seconds by mistake moved to 2025"
[ -f store/binance/trades/BTC-USDT/1970-01-01.parquet ] || fail "no trades 1970-01-01.parquet"
[ -f store/binance/trades/BTC-USDT/2000-01-01.parquet ] || fail "no trades 2000-01-01.parquet"
# ---- export reads back through import (issue 13, item 4) -----------------
rm -rf store store2
# a newline (and quotes) inside a field, -0.0 and the smallest subnormal
printf 'TS,price,amount,side,tid\n1,1,1,buy,"a\nb ""c"""\n2,-0.0,5e-324,sell,d\n3,1,1,buy,"x,\ny"\n' > nl.csv
run 0 "$D" import $R $TRADES nl.csv
for f in csv jsonl; do
    rm -rf store2
    run 0 "$D" export $R $TRADES --format $f -o back.$f
    run 0 "$D" import --root "$W/store2" $TRADES back.$f
    grep -q "3 rows read, 3 written, 0 rejected" out.txt || fail "$f re-import: $(cat out.txt err.txt)"
    run 0 "$D" export --root "$W/store2" $TRADES --format $f
    cmp -s out.txt back.$f || fail "$f round trip: $(cat back.$f) became $(cat out.txt)"
done
grep -q '^2,-0.0,5e-324,sell,d$' back.csv || fail "-0.0 / 5e-324 in CSV: $(cat back.csv)"
grep -q '"price":-0.0,"amount":5e-324' back.jsonl || fail "-0.0 / 5e-324 in JSON lines: $(cat back.jsonl)"
# after a record spanning lines, messages name the physical line
printf 'TS,price,amount,side,tid\n1,1,1,buy,"a\nb\nc"\n2,x,1,buy,d\n' > ml.csv
run 1 "$D" import --root "$W/store3" $TRADES ml.csv
grep -q "ml.csv:5: column 2 'price': not a number" err.txt || fail "line number after a multi-line record: $(cat err.txt)"
# a quote inside an unquoted field does not swallow the next lines
printf 'TS,price,amount,side,tid\n1,1,1,b"uy,1\n2,1,1,buy,2\n' > q.csv
run 0 "$D" import --skip-bad --root "$W/store3" $TRADES q.csv
grep -q "2 rows read, 1 written, 1 rejected" out.txt || fail "stray quote: $(cat out.txt err.txt)"

# a read command on a missing root fails and creates nothing
for c in "export $TRADES" "last $TRADES" "gaps $OHLC --start 0 --end 1" inventory verify checkpoint; do
    run 1 "$D" $c --root "$W/nope"
    grep -q "no store at '$W/nope'" err.txt || fail "$c on a missing root: $(cat err.txt)"
    [ ! -e "$W/nope" ] || fail "$c created the missing root"
done

# order-book rows without is_snapshot are snapshots (the seed's default);
# an explicit empty value is still refused
BOOK="--exchange binance --pair BTC/USDT --type orderbook"
printf 'TS,side,price,amount\n5,bid,1,2\n' > ob.csv
run 0 "$D" import $R $BOOK ob.csv
printf '{"TS":6,"side":"ask","price":2,"amount":1}\n' > ob.jsonl
run 0 "$D" import $R $BOOK ob.jsonl
run 0 "$D" export $R $BOOK --columns TS,is_snapshot
[ "$(sed 1d out.txt | tr '\n' ' ')" = "5,true 6,true " ] || fail "is_snapshot default: $(cat out.txt)"
printf 'TS,side,price,amount,is_snapshot\n7,bid,1,1,\n' > ob2.csv
run 1 "$D" import $R $BOOK ob2.csv
grep -q "ob2.csv:2: column 5 'is_snapshot': a value is required" err.txt || fail "empty is_snapshot: $(cat err.txt)"

# a batch over two periods whose second fails: the message counts the first
rm -rf store
mkdir -p store/binance/ohlc/BTC-USDT/1h
printf 'not parquet' > store/binance/ohlc/BTC-USDT/1h/2025.parquet
printf 'TS,open,high,low,close,volume\n2024-12-31T23:00:00Z,1,1,1,1,1\n2025-01-01T00:00:00Z,1,1,1,1,1\n' > two.csv
run 1 "$D" import $R --exchange binance --pair BTC/USDT --type ohlc --span 1h two.csv
grep -q "saving 2 rows: 1 of them saved (the periods before the failing one), 1 rows of this input saved in all" \
    err.txt || fail "partial save message: $(cat err.txt)"
run 0 "$D" export $R --exchange binance --pair BTC/USDT --type ohlc --span 1h --columns TS --iso
[ "$(sed 1d out.txt)" = 2024-12-31T23:00:00Z ] || fail "partial save: $(cat out.txt)"
echo ok
