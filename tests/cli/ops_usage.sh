#!/usr/bin/env bash
# tests/cli/ops_usage.sh - command-line handling of the store-operation
# subcommands (last gaps inventory provenance checkpoint migrate verify
# demo): --help on stdout with exit 0, unknown options / missing option
# arguments / stray arguments / bad times / bad datasets (hostile exchange
# names included) exit 2 with a message naming the culprit, a missing store
# exits 1 without creating it.
. "$(dirname "$0")/ops_lib.sh"

for cmd in last gaps inventory provenance checkpoint migrate verify demo; do
    run 0 "$cmd" --help
    out_has "usage: dccd $cmd"
    err_empty
    run 2 "$cmd" --no-such-option
    err_has "dccd $cmd: unknown option '--no-such-option'"
    err_has "try 'dccd $cmd --help'"
    out_empty
    run 2 "$cmd" -Z
    err_has "unknown option '-Z'"
    run 2 "$cmd" stray-argument
    err_has "unexpected argument 'stray-argument'"
    run 2 "$cmd" --root
    err_has "option '--root' needs an argument"
    run 2 "$cmd" --root ''
    err_has "--root needs a non-empty directory"
done

mkdir -p "$WORK/store"
R=(--root "$WORK/store")
OHLC=(--exchange test --pair BTC/USDT --type ohlc --span 1m)
TR=(--exchange test --pair BTC/USDT --type trades)

# times
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-13-01 --end 2024-04-01
err_has "bad time for --start"
err_has "2024-13-01"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end yesterday
err_has "bad time for --end"
err_has "yesterday"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end 99999999999999999999
err_has "bad time for --end"
run 2 gaps "${R[@]}" "${OHLC[@]}" --end 2024-04-01
err_has "missing --start"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-04-01
err_has "missing --end"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-04-01 --end 2024-03-01
err_has "--start must be before --end"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end 2024-04-01 --min 3
err_has "--min applies only with --holes"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end 2024-04-01 --holes --min 0
err_has "bad value for --min: '0'"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end 2024-04-01 --holes --min -5
err_has "bad value for --min"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start 2024-03-01 --end 2024-04-01 --holes --min 9223372036854775807
err_has "--min 9223372036854775807 is too large"
run 2 gaps "${R[@]}" "${OHLC[@]}" --start
err_has "option '--start' needs an argument"
run 2 demo --seed abc
err_has "bad value for --seed: 'abc'"

# datasets: every dataset-taking command refuses a hostile exchange name
# before touching the disk
before=$(find "$WORK" | sort)
for cmd in last provenance checkpoint migrate verify; do
    run 2 "$cmd" "${R[@]}" --exchange ../../etc --pair BTC/USDT --type trades
    err_has "../../etc"
    err_has "invalid exchange name"
done
run 2 gaps "${R[@]}" --exchange ../../etc --pair BTC/USDT --type trades --start 1 --end 2
err_has "invalid exchange name \"../../etc\""
run 2 last "${R[@]}" --exchange 'a b' --pair BTC/USDT --type trades
err_has "invalid exchange name"
[ "$(find "$WORK" | sort)" = "$before" ] || fail "a refused command created files"

run 2 last "${R[@]}" --exchange test --pair BTC/USDT
err_has "missing --type"
run 2 last "${R[@]}" --pair BTC/USDT --type trades
err_has "missing --exchange"
run 2 last "${R[@]}" --exchange test --type trades
err_has "missing --pair"
run 2 last "${R[@]}" --exchange test --pair BTC/USDT --type candles
err_has "bad --type 'candles'"
run 2 last "${R[@]}" --exchange test --pair BTC/USDT --type ohlc
err_has "--type ohlc needs --span"
run 2 last "${R[@]}" --exchange test --pair BTC/USDT --type ohlc --span 7x
err_has "bad --span '7x'"
run 2 last "${R[@]}" "${TR[@]}" --span 1m
err_has "--span applies only to --type ohlc"
run 2 last "${R[@]}" --exchange test --pair 'BTC USDT' --type trades
err_has "bad --pair 'BTC USDT'"
run 2 checkpoint "${R[@]}" --exchange test
err_has "missing --pair"
run 2 provenance "${R[@]}" "${TR[@]}" --file x.parquet
err_has "either a DATASET or --file"
run 2 checkpoint "${R[@]}" --dry-run
err_has "unknown option '--dry-run'"
run 2 migrate "${R[@]}" --json
err_has "unknown option '--json'"
run 2 inventory "${R[@]}" "${TR[@]}"
err_has "unknown option '--exchange'"

# a missing store is reported, never created
for cmd in last provenance; do
    run 1 "$cmd" --root "$WORK/nope" "${TR[@]}"
    err_has "no store at '$WORK/nope'"
done
for cmd in inventory checkpoint migrate verify; do
    run 1 "$cmd" --root "$WORK/nope"
    err_has "no store at '$WORK/nope'"
done
run 1 gaps --root "$WORK/nope" "${TR[@]}" --start 2024-01-01 --end 2024-02-01
err_has "no store at"
[ ! -e "$WORK/nope" ] || fail "a read command created the missing store root"
: >"$WORK/plainfile"
run 1 inventory --root "$WORK/plainfile"
err_has "not a directory"

# the global --root before the command is honoured
run 0 --root "$WORK/store" inventory
out_is "no datasets"
echo "ok: ops_usage"
