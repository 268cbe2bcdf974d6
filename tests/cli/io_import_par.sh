#!/bin/sh
# tests/cli/io_import_par.sh DCCD WORKDIR - `dccd import` of a regular file
# parses it in parts on --threads threads; the result must not depend on
# the thread count nor on where the parts are cut.  Every case is run on
# stdin (the line-by-line path, the reference), and on the file with
# --threads 1 (line by line too), 2 and 4 and parts of 1, 7, 61 and 4096 bytes
# (DCCD_IMPORT_CHUNK_BYTES) and of the default size, and must give the same
# stdout, the same stderr and the same stored rows (export):
#   - trades with quoted tids holding newlines, commas and "" (records
#     across part boundaries), empty lines and CRLF line ends;
#   - 1m bars with null quote_volume / trades (validity joined across
#     parts) in --batch 1000 saves;
#   - a malformed line in a later part, another after it: the first one's
#     line number is reported, nothing is stored;
#   - the same with --batch 700: the batches before the bad line are saved,
#     the message says how many rows;
#   - --skip-bad with many bad lines: the same ten shown, the same counts;
#   - JSON lines, good and with a bad line;
#   - edges: empty lines and a BOM before the header, CRLF, no final
#     newline, a header alone, a quoted field never closed, JSON lines
#     without a final newline;
#   - a save that fails (a corrupt period file) with a bad line after it:
#     the save's failure is reported, with the rows saved before it.
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
TR="--exchange binance --pair BTC/USDT --type trades"
OH="--exchange binance --pair BTC/USDT --type ohlc --span 1m"

awk 'BEGIN {
  print "TS,price,amount,side,tid";
  for (i = 0; i < 6000; i++) {
    if (i % 50 == 0) tid = "\"x" i "\nsecond line, with a comma and \"\"quotes\"\"\"";
    else if (i % 77 == 0) tid = "\"y" i "\n\n\nz\"";
    else if (i % 13 == 0) tid = "\"q" i "\"";
    else tid = "t" i;
    eol = (i % 31 == 0) ? "\r" : "";
    printf "%d%09d,%.17g,%.5f,%s,%s%s\n", 1704067200 + int(i / 1000), (i % 1000) * 1000000, 40000 + (i * 7919 % 1000) / 100.0, (i % 97) / 8 + 0.00001, (i % 2 ? "sell" : "buy"), tid, eol;
    if (i % 400 == 399) print "";
  }
}' > trades.csv

awk 'BEGIN {
  print "TS,open,high,low,close,volume,quote_volume,trades";
  for (i = 0; i < 5000; i++) {
    qv = (i % 7 == 0) ? "" : sprintf("%.17g", i * 1.1);
    n = (i % 11 == 0) ? "" : i % 500;
    printf "%d000000000,%.17g,%.17g,%.17g,%.17g,%.17g,%s,%s\n", 1704067200 + i * 60, 100 + i / 7, 101 + i / 7, 99 + i / 7, 100.5 + i / 7, i / 3, qv, n;
  }
}' > ohlc.csv

# bad1: side of the record starting on line 4211 (a record spanning lines
# before it), and a later bad line; bad3: many bad lines for --skip-bad
awk 'NR == 4211 { sub(/,(buy|sell),/, ",hold,") } NR == 5000 { sub(/,[0-9.]+,/, ",-1,") } { print }' trades.csv > bad1.csv
awk 'NR > 1 && NR % 97 == 5 { sub(/,(buy|sell),/, ",both,") } { print }' trades.csv > bad3.csv
grep -q hold bad1.csv || fail "bad1.csv has no bad line"

awk 'BEGIN {
  for (i = 0; i < 3000; i++)
    printf "{\"TS\": %d%09d, \"price\": %.17g, \"amount\": %.5f, \"side\": \"%s\", \"tid\": \"j%d\\nk\"}\n", 1704067200 + int(i / 1000), (i % 1000) * 1000000, 40000 + i / 3, (i % 97) / 8 + 0.00001, (i % 2 ? "sell" : "buy"), i;
}' > trades.jsonl
awk 'NR == 2222 { sub(/"side": "[a-z]+"/, "\"side\": 5") } NR == 2900 { $0 = "{" } { print }' trades.jsonl > bad.jsonl

# 1h bars from 2024-12-31T00:00Z over the new year, a bad line after it;
# the 2025 period file is corrupt (corrupt_2025 ROOT), so the third batch
# of 10 fails: that failure is reported, not the bad line after it
awk 'BEGIN {
  print "TS,open,high,low,close,volume";
  for (i = 0; i < 40; i++)
    printf "%d000000000,1,1,1,1,%s\n", 1735603200 + i * 3600, (i == 35 ? "x" : "1");
}' > newyear.csv
corrupt_2025() {
    mkdir -p "$1/binance/ohlc/BTC-USDT/1h"
    printf 'not parquet' > "$1/binance/ohlc/BTC-USDT/1h/2025.parquet"
}
PREP=

# run CASE FILE DATASET... -- IMPORT-OPTIONS: every mode; outputs compared
# to the stdin run's (the input's name made the same); $PREP ROOT, when
# set, prepares each store root
run() {
    c=$1
    f=$2
    shift 2
    ds=""
    while [ "$1" != "--" ]; do ds="$ds $1"; shift; done
    shift
    rm -rf "st-$c-ref"
    [ -n "$PREP" ] && $PREP "st-$c-ref"
    # shellcheck disable=SC2086
    "$D" --root "st-$c-ref" import $ds "$@" - < "$f" > "$c-ref.out" 2> "$c-ref.err"
    echo $? > "$c-ref.rc"
    sed "s#<stdin>#$f#g" "$c-ref.out" > "$c-ref.out2"
    sed "s#<stdin>#$f#g; s#st-$c-ref/#ROOT/#g" "$c-ref.err" > "$c-ref.err2"
    # shellcheck disable=SC2086
    "$D" --root "st-$c-ref" export $ds > "$c-ref.exp" 2> /dev/null
    for th in 1 2 4; do
        for cb in 1 7 61 4096 ""; do
            m="$c-t$th-c$cb"
            rm -rf "st-$m"
            [ -n "$PREP" ] && $PREP "st-$m"
            # shellcheck disable=SC2086
            DCCD_IMPORT_CHUNK_BYTES=$cb "$D" --threads $th --root "st-$m" import $ds "$@" "$f" > "$m.out" 2> "$m.err"
            echo $? > "$m.rc"
            cmp -s "$c-ref.rc" "$m.rc" || fail "$m: exit $(cat "$m.rc"), stdin: $(cat "$c-ref.rc"); $(cat "$m.err")"
            cmp -s "$c-ref.out2" "$m.out" || fail "$m: stdout differs: $(cat "$m.out") / $(cat "$c-ref.out2")"
            sed -i "s#st-$m/#ROOT/#g" "$m.err"
            cmp -s "$c-ref.err2" "$m.err" || fail "$m: stderr differs: $(cat "$m.err") / $(cat "$c-ref.err2")"
            # shellcheck disable=SC2086
            "$D" --root "st-$m" export $ds > "$m.exp" 2> /dev/null
            cmp -s "$c-ref.exp" "$m.exp" || fail "$m: stored rows differ from the stdin import's"
            rm -rf "st-$m"
        done
    done
}

run good trades.csv $TR -- --checkpoint
grep -q "^trades.csv: 6000 rows read, 6000 written, 0 rejected$" good-ref.out2 || fail "good: $(cat good-ref.out2)"
[ "$(grep -c . good-ref.exp)" -gt 6001 ] || fail "good: export has $(wc -l < good-ref.exp) lines"
grep -q "second line, with a comma" good-ref.exp || fail "good: multi-line tid not stored"

run ohlc ohlc.csv $OH -- --batch 1000 --checkpoint
grep -q "^ohlc.csv: 5000 rows read, 5000 written, 0 rejected$" ohlc-ref.out2 || fail "ohlc: $(cat ohlc-ref.out2)"

run bad1 bad1.csv $TR --
grep -q "^dccd import: bad1.csv:4211: column 4 'side': .*hold.* (nothing of this input was saved)$" bad1-ref.err2 ||
    fail "bad1: $(cat bad1-ref.err2)"
[ "$(cat bad1-ref.rc)" -eq 1 ] || fail "bad1: exit $(cat bad1-ref.rc)"
[ -s bad1-ref.exp ] && [ "$(wc -l < bad1-ref.exp)" -gt 1 ] && fail "bad1: rows stored"

run bad1b bad1.csv $TR -- --batch 700
grep -q "^dccd import: bad1.csv:4211: column 4 'side': .*(3500 rows of this input were saved before this line" \
    bad1b-ref.err2 || fail "bad1b: $(cat bad1b-ref.err2)"

run bad3 bad3.csv $TR -- --skip-bad --batch 1000
[ "$(grep -c "^dccd import: skipped bad3.csv:" bad3-ref.err2)" -eq 10 ] || fail "bad3: $(cat bad3-ref.err2)"
grep -q "rejected$" bad3-ref.out2 || fail "bad3: $(cat bad3-ref.out2)"

run json trades.jsonl $TR -- --format jsonl
grep -q "^trades.jsonl: 3000 rows read, 3000 written, 0 rejected$" json-ref.out2 || fail "json: $(cat json-ref.out2)"

run badjson bad.jsonl $TR -- --format jsonl
grep -q "^dccd import: bad.jsonl:2222: column 'side'" badjson-ref.err2 || fail "badjson: $(cat badjson-ref.err2)"

# edges: empty lines and a BOM before the header, CRLF, no final newline
# (inside a quoted field too), a header alone, a quoted field left open
printf '\n\n\357\273\277TS,price,amount,side,tid\r\n1,2,3,buy,a\r\n\n2,2,3,sell,"b\nc"\n3,2,3,buy,"d\ne"' > edge1.csv
run edge1 edge1.csv $TR --
grep -q "^edge1.csv: 3 rows read, 3 written, 0 rejected$" edge1-ref.out2 || fail "edge1: $(cat edge1-ref.out2) $(cat edge1-ref.err2)"
printf 'TS,price,amount,side,tid\n' > edge2.csv
run edge2 edge2.csv $TR --
grep -q "^edge2.csv: 0 rows read, 0 written, 0 rejected$" edge2-ref.out2 || fail "edge2: $(cat edge2-ref.out2)"
printf 'TS,price,amount,side,tid\n1,2,3,buy,a\n2,2,3,buy,"open\n3,2,3,buy,c\n' > edge3.csv
run edge3 edge3.csv $TR --
grep -q "edge3.csv:3: unterminated quoted field" edge3-ref.err2 || fail "edge3: $(cat edge3-ref.err2)"
printf '{"TS":1,"price":2,"amount":3,"side":"buy","tid":"a"}\n\n{"TS":2,"price":2,"amount":3,"side":"buy","tid":"b"}' > edge4.jsonl
run edge4 edge4.jsonl $TR -- --format jsonl
grep -q "^edge4.jsonl: 2 rows read, 2 written, 0 rejected$" edge4-ref.out2 || fail "edge4: $(cat edge4-ref.out2)"

PREP=corrupt_2025
run savefail newyear.csv --exchange binance --pair BTC/USDT --type ohlc --span 1h -- --batch 10
PREP=
grep -q "saving 10 rows: 4 of them saved (the periods before the failing one), 24 rows of this input saved in all" \
    savefail-ref.err2 || fail "savefail: $(cat savefail-ref.err2)"
grep -q "newyear.csv:37" savefail-ref.err2 && fail "savefail: the bad line after the failed save was reported"
exit 0
