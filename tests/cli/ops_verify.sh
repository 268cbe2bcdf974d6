#!/usr/bin/env bash
# tests/cli/ops_verify.sh - `dccd verify [DATASET]`: clean store -> exit 0
# "no problems"; a truncated period file and a file in the wrong period are
# each named with the problem, exit 1 (human and --json); a dataset-scoped
# verify of a clean dataset still passes.
. "$(dirname "$0")/ops_lib.sh"

S=$WORK/store
helper mkstore "$S"
R=(--root "$S")

run 0 verify "${R[@]}"
grep -Eq "^store $S: 2 files, 2 pending segments, 215 rows checked: no problems\$" "$OUT" || fail "clean summary"
err_empty
run 0 verify "${R[@]}" --json
json_check '
eq(j.ok, true, "ok"); eq(j.files, 2, "files"); eq(j.segments, 2, "segments");
eq(j.rows, 215, "rows"); eq(j.problems.length, 0, "no problems");'
run 0 verify "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1m
out_has "test:BTC/USDT:ohlc:60s: 1 file, 1 pending segment, 55 rows checked: no problems"

# a truncated period file
T=$S/test/trades/BTC-USDT/2099-03-01.parquet
cp "$T" "$WORK/trades.orig"
head -c 300 "$WORK/trades.orig" >"$T"
run 1 verify "${R[@]}"
grep -Eq '^test/trades/BTC-USDT/2099-03-01.parquet: .+' "$OUT" || fail "the corrupt file is not named"
out_has "1 problem"
run 1 verify "${R[@]}" --json
json_check '
eq(j.ok, false, "not ok");
eq(j.problems.length, 1, "one problem");
eq(j.problems[0].path, "test/trades/BTC-USDT/2099-03-01.parquet", "path");
ok(j.problems[0].message.length > 0, "message");'
run 0 verify "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 1m
run 1 verify "${R[@]}" --exchange test --pair BTC/USDT --type trades
out_has "test/trades/BTC-USDT/2099-03-01.parquet: "

# a readable file whose rows belong to another period
cp "$WORK/trades.orig" "$T"
run 0 verify "${R[@]}"
cp "$WORK/trades.orig" "$S/test/trades/BTC-USDT/2099-03-05.parquet"
run 1 verify "${R[@]}" --exchange test --pair BTC/USDT --type trades
grep -Eq '^test/trades/BTC-USDT/2099-03-05.parquet: .+' "$OUT" || fail "misplaced file not named"
out_lacks "test/trades/BTC-USDT/2099-03-01.parquet:"

# on a terminal (a pseudo-terminal from script(1)) a progress bar is drawn on stderr
if command -v script >/dev/null 2>&1; then
    script -qec "'$DCCD' verify --root '$S' --exchange test --pair BTC/USDT --type ohlc --span 1m" /dev/null \
        >"$WORK/tty" 2>&1 || { cat "$WORK/tty"; fail "verify on a terminal"; }
    grep -aEq 'verify +\[[#.]{30}\] +[0-9]+% [0-9]+/2' "$WORK/tty" || { cat -v "$WORK/tty"; fail "no progress bar on a terminal"; }
    grep -aq 'no problems' "$WORK/tty" || fail "summary missing on a terminal"
else
    echo "note: script(1) not installed; the progress bar on a terminal is not checked"
fi
echo "ok: ops_verify"
