#!/bin/sh
# tests/cli/io_roundtrip.sh DCCD WORKDIR - end-to-end round trips through
# a store in WORKDIR (wiped first), for the three data types:
#   - import CSV (in batches, several saves) then export CSV gives the same
#     rows back byte for byte (the inputs from gen_data.sh are written in
#     export's own text form), in TS order;
#   - export JSON lines, import them into another dataset, export CSV:
#     same rows; the same through --iso timestamps;
#   - export Parquet (-o), then `dccd cat` of it equals the CSV export, and
#     `dccd inspect` shows the canonical schema;
#   - import from stdin with --checkpoint leaves no pending segment and
#     --source is recorded in the period file's footer;
#   - --start/--end select exactly the rows in range, --columns the columns.
set -u
D=$1
W=$2
SRC=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
sh "$SRC/gen_data.sh" . || fail "gen_data"

body_sorted() { tail -n +2 "$1" | LC_ALL=C sort; }
same_rows() { # same header, same multiset of rows
    [ "$(head -n 1 "$1")" = "$(head -n 1 "$2")" ] || fail "$3: headers differ: $(head -n 1 "$1") / $(head -n 1 "$2")"
    body_sorted "$1" > a.sorted
    body_sorted "$2" > b.sorted
    cmp -s a.sorted b.sorted || { diff a.sorted b.sorted | head -5; fail "$3: rows differ"; }
}
ts_sorted() { # TS column non-decreasing
    tail -n +2 "$1" | awk -F, 'NR > 1 && length($1) == length(p) && $1 < p { bad = 1 } { p = $1 } END { exit bad }' ||
        fail "$1: TS not in order"
}

for t in ohlc trades book; do
    case $t in
    ohlc) DS="--exchange binance --pair BTC/USDT --type ohlc --span 1h" ;;
    trades) DS="--exchange binance --pair BTC/USDT --type trades" ;;
    book) DS="--exchange binance --pair BTC/USDT --type orderbook" ;;
    esac
    n=$(($(wc -l < $t.csv) - 1))
    "$D" --root store import $DS --batch 700 $t.csv > imp.out 2> imp.err || fail "$t: import: $(cat imp.err)"
    grep -q "^$t.csv: $n rows read, $n written, 0 rejected$" imp.out || fail "$t: import summary: $(cat imp.out)"
    "$D" --root store export $DS > $t.out.csv 2> exp.err || fail "$t: export: $(cat exp.err)"
    same_rows $t.csv $t.out.csv "$t csv round trip"
    ts_sorted $t.out.csv
    if [ $t != book ]; then
        cmp -s $t.csv $t.out.csv || fail "$t: export differs from the input (order or text)"
    fi

    # JSON lines there and back
    "$D" --root store export $DS --format jsonl -o $t.jsonl || fail "$t: export jsonl"
    [ "$(wc -l < $t.jsonl)" -eq "$n" ] || fail "$t: jsonl has $(wc -l < $t.jsonl) lines, expected $n"
    J=$(echo "$DS" | sed 's/binance/jcopy/')
    "$D" --root store import $J $t.jsonl > /dev/null || fail "$t: import jsonl"
    "$D" --root store export $J > $t.j.csv || fail "$t: export jcopy"
    same_rows $t.csv $t.j.csv "$t jsonl round trip"

    # ISO timestamps there and back
    "$D" --root store export $DS --iso > $t.iso.csv || fail "$t: export --iso"
    grep -q "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T" $t.iso.csv || fail "$t: --iso wrote no ISO time"
    I=$(echo "$DS" | sed 's/binance/isocopy/')
    "$D" --root store import $I --format csv - < $t.iso.csv > /dev/null || fail "$t: import iso from stdin"
    "$D" --root store export $I > $t.i.csv || fail "$t: export isocopy"
    same_rows $t.csv $t.i.csv "$t iso round trip"

    # Parquet export, read back by cat
    "$D" --root store export $DS --format parquet -o $t.parquet || fail "$t: export parquet"
    ls $t.parquet.tmp.* > /dev/null 2>&1 && fail "$t: temp file left behind"
    "$D" cat $t.parquet > $t.cat.csv || fail "$t: cat"
    cmp -s $t.out.csv $t.cat.csv || { diff $t.out.csv $t.cat.csv | head -5; fail "$t: cat of the parquet export differs"; }
    "$D" inspect $t.parquet > $t.inspect || fail "$t: inspect"
    grep -q "^rows: *$n$" $t.inspect || fail "$t: inspect rows: $(grep rows: $t.inspect)"
    grep -q "^  TS  INT64 " $t.inspect || fail "$t: inspect schema"
    grep -q "SNAPPY" $t.inspect || fail "$t: not snappy"
    "$D" inspect --json $t.parquet > $t.inspect.json || fail "$t: inspect --json"
    grep -q "\"rows\": $n," $t.inspect.json || fail "$t: inspect --json rows"
done

# --start/--end (inclusive) and --columns
DS="--exchange binance --pair BTC/USDT --type trades"
lo=1709251200000000000
hi=1709260000000000000
want=$(tail -n +2 trades.csv | awk -F, -v lo=$lo -v hi=$hi 'length($1) == 19 && $1 >= lo && $1 <= hi' | wc -l)
"$D" --root store export $DS --start $lo --end 2024-03-01T02:26:40Z --columns tid,TS > range.csv || fail "range export"
[ "$(head -n 1 range.csv)" = "tid,TS" ] || fail "--columns header: $(head -n 1 range.csv)"
got=$(($(wc -l < range.csv) - 1))
[ "$got" -eq "$want" ] || fail "range: $got rows, expected $want"
[ "$got" -gt 10 ] || fail "range: too few rows ($got) to mean anything"

# stdin, --source, --checkpoint
DS="--exchange prov --pair ETH/USDT --type trades"
"$D" --root store import $DS --source "test:cli-io" --checkpoint - < trades.csv > ck.out || fail "checkpoint import"
grep -q "^checkpoint: " ck.out || fail "no checkpoint line: $(cat ck.out)"
segs=$(find store/.dccd -path '*prov*' -name '*.seg' 2> /dev/null | wc -l)
[ "$segs" -eq 0 ] || fail "$segs segments pending after --checkpoint"
f=$(find store/prov -name '*.parquet' | head -n 1)
[ -n "$f" ] || fail "no period file after --checkpoint"
"$D" inspect "$f" | grep -q 'dccd.provenance = {"source":"test:cli-io"' || fail "provenance not recorded in $f"
echo "PASS"
