#!/bin/sh
# tests/cli/io_errors.sh DCCD WORKDIR - the error paths of import, export,
# cat and inspect: exit status (2 usage, 1 failure), the message on stderr,
# and that nothing is stored or left behind.  Covers --help on each
# subcommand, unknown options, missing arguments, bad times, a hostile
# exchange name, a malformed CSV line (FILE:LINE: column N message, exit 1,
# nothing of the file stored), --skip-bad counts, bad JSON lines, a missing
# input, parquet export without -o, and corrupt or truncated Parquet files
# given to cat and inspect.
set -u
D=$1
W=$2
rm -rf "$W"
mkdir -p "$W/sub"
cd "$W/sub" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}
# expect STATUS PATTERN CMD...: run, check the exit status and that stderr
# matches PATTERN (grep -E); stdout goes to out.txt
expect() {
    want=$1
    pat=$2
    shift 2
    "$@" > out.txt 2> err.txt
    got=$?
    [ "$got" -eq "$want" ] || fail "'$*': exit $got, expected $want; stderr: $(cat err.txt)"
    if [ -n "$pat" ]; then
        grep -Eq -- "$pat" err.txt || fail "'$*': stderr does not match '$pat': $(cat err.txt)"
    fi
}
DS="--exchange binance --pair BTC/USDT --type trades"
R="--root $W/store"

for c in import export cat inspect; do
    expect 0 "" "$D" $c --help
    grep -q "^usage: dccd $c" out.txt || fail "$c --help: $(head -n 1 out.txt)"
    expect 2 "unknown option '--bogus'" "$D" $c --bogus
done
expect 2 "needs an argument" "$D" export $R $DS --start
expect 2 "needs an argument" "$D" import $R $DS --batch
expect 2 "bad value for --batch" "$D" import $R $DS --batch 0 x.csv
expect 2 "bad time for --start" "$D" export $R $DS --start 2024-13-01
expect 2 "bad time for --end" "$D" export $R $DS --end yesterday
expect 2 "--start is after --end" "$D" export $R $DS --start 2024-02-01 --end 2024-01-01
expect 2 "missing --type" "$D" export $R --exchange binance --pair BTC/USDT
expect 2 "needs --span" "$D" export $R --exchange binance --pair BTC/USDT --type ohlc
expect 2 "bad --format" "$D" export $R $DS --format xml
expect 2 "needs -o" "$D" export $R $DS --format parquet
expect 2 "no column 'colour'" "$D" export $R $DS --columns TS,colour
expect 2 "no input file" "$D" import $R $DS
expect 2 "no FILE" "$D" cat
expect 2 "no FILE" "$D" inspect

# hostile exchange names: refused before anything touches the disk
printf 'TS,price,amount\n1,1,1\n' > ok.csv
expect 2 "exchange" "$D" import $R --exchange ../../etc --pair BTC/USDT --type trades ok.csv
expect 2 "exchange" "$D" export $R --exchange ../../etc --pair BTC/USDT --type trades
expect 2 "exchange" "$D" import $R --exchange 'a/b' --pair BTC/USDT --type trades ok.csv
[ -e "$W/etc" ] || [ -e "$W/store/../etc" ] && fail "something was created outside the store"

# a malformed line: FILE:LINE: column N 'name', exit 1, nothing stored
cat > bad.csv << 'EOF'
TS,price,amount,side,tid
1709251200000000000,100,1,buy,a
1709251201000000000,abc,1,buy,b
1709251202000000000,100,1,hold,c
EOF
expect 1 "bad.csv:3: column 2 'price': not a number: \"abc\"" "$D" import $R $DS bad.csv
grep -q "nothing of this input was saved" err.txt || fail "no 'nothing saved' note: $(cat err.txt)"
expect 0 "" "$D" export $R $DS
[ "$(wc -l < out.txt)" -eq 1 ] || fail "rows were stored after a failed import: $(cat out.txt)"

# --skip-bad: counted and reported, good rows stored
expect 0 "skipped bad.csv:4: column 4 'side'" "$D" import $R $DS --skip-bad bad.csv
grep -q "^bad.csv: 3 rows read, 1 written, 2 rejected$" out.txt || fail "skip-bad summary: $(cat out.txt)"
expect 0 "" "$D" export $R $DS
[ "$(wc -l < out.txt)" -eq 2 ] || fail "skip-bad stored $(($(wc -l < out.txt) - 1)) rows, expected 1"

# header and JSON errors
printf 'TS,price,amount,colour\n1,1,1,red\n' > hdr.csv
expect 1 "hdr.csv:1: column 4: unknown column \"colour\"" "$D" import $R $DS hdr.csv
printf '{"TS":1,"price":1,"amount":1}\n{"TS":2,"price":1,\n' > bad.jsonl
expect 1 "bad.jsonl:2: column [0-9]+: invalid JSON" "$D" import $R $DS bad.jsonl
printf 'TS,price,amount\n1,1,1\n-5,1,1\n' > neg.csv
expect 1 "neg.csv:3: column 1 'TS': TS must be >= 0 nanoseconds since 1970-01-01T00:00:00Z, got -5" "$D" import $R $DS neg.csv
expect 1 "cannot open 'missing.csv'" "$D" import $R $DS missing.csv

# an export that cannot be written leaves nothing behind
expect 1 "" "$D" export $R $DS -o nodir/x.csv
expect 1 "" "$D" export $R $DS --format parquet -o nodir/x.parquet
ls nodir 2> /dev/null && fail "nodir appeared"

# corrupt Parquet files
printf 'PAR1garbagegarbagePAR1' > garbage.parquet
expect 1 "garbage.parquet" "$D" cat garbage.parquet
expect 1 "garbage.parquet" "$D" inspect garbage.parquet
expect 0 "" "$D" export $R $DS --format parquet -o good.parquet
size=$(wc -c < good.parquet)
head -c $((size - 10)) good.parquet > trunc.parquet
expect 1 "trunc.parquet" "$D" cat trunc.parquet
expect 1 "trunc.parquet" "$D" inspect --json trunc.parquet
# a footer pointing past the file: flip the footer length
cp good.parquet badlen.parquet
printf '\377\377\377\177' | dd of=badlen.parquet bs=1 seek=$((size - 8)) conv=notrunc 2> /dev/null
expect 1 "badlen.parquet" "$D" cat badlen.parquet
expect 1 "" "$D" cat does-not-exist.parquet
expect 2 "no column 'nope'" "$D" cat --columns nope good.parquet
echo "PASS"
