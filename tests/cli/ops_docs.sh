#!/usr/bin/env bash
# tests/cli/ops_docs.sh - the manual page (docs/dccd.1) and the bash
# completion (scripts/dccd-completion.bash) against the binary:
#   - every command that `dccd --help` lists has a .SS section in the page,
#     and every option its own --help lists (when that help works) appears
#     in its section (dataset options, --root and --help: in the global
#     sections); groff finds no problem in the page (when groff exists);
#   - the completion offers every command, and for each command exactly the
#     long options its --help lists; --type, --span, --format (per command),
#     --exchange and --pair (from the store) complete to the right values.
. "$(dirname "$0")/ops_lib.sh"

MAN=$SRC/docs/dccd.1
COMP=$SRC/scripts/dccd-completion.bash
[ -f "$MAN" ] || fail "docs/dccd.1 missing"
[ -f "$COMP" ] || fail "scripts/dccd-completion.bash missing"

run 0 --help
commands=$(awk '/^commands:/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }' "$OUT")
[ -n "$commands" ] || fail "no commands in dccd --help"

if command -v groff >/dev/null 2>&1; then
    groff -man -ww -z -Tutf8 "$MAN" >"$OUT" 2>"$ERR" || fail "groff failed on dccd.1"
    err_empty
fi

section() { # the .SS section of one command
    awk -v c="$1" '$0 == ".SS " c { on = 1; next } on && /^\.S[SH]/ { exit } on { print }' "$MAN"
}
help_opts() { # long options in `dccd CMD --help`, one per line
    grep -oE -- '--[a-z][a-z-]*' "$OUT" | sort -u
}

complete_words() { # WORD... (the last is the word being completed)
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dccd; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$COMP" "$@" | sort
}

checked=0
for cmd in $commands; do
    [ "$cmd" = help ] && continue
    grep -qx ".SS $cmd" "$MAN" || fail "dccd.1 has no section for '$cmd'"
    complete_words dccd "" | grep -qx "$cmd" || fail "completion does not offer '$cmd'"
    complete_words dccd --root /tmp "${cmd:0:3}" | grep -qx "$cmd" || fail "completion of '$cmd' after --root"
    if ! "$DCCD" "$cmd" --help >"$OUT" 2>"$ERR"; then
        echo "note: dccd $cmd --help fails here (placeholder?); its options are not cross-checked"
        continue
    fi
    checked=$((checked + 1))
    want=$(help_opts)
    got=$(complete_words dccd "$cmd" -- | grep -- '^--')
    [ "$want" = "$got" ] || fail "completion options of '$cmd' differ from its --help:
--help: $(echo $want)
completion: $(echo $got)"
    sec=$(section "$cmd")
    for opt in $want; do
        case $opt in --exchange | --pair | --type | --span | --root | --help) continue ;; esac
        grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" <<<"$sec" || fail "dccd.1 section '$cmd' lacks $opt"
    done
done
[ "$checked" -ge 8 ] || fail "only $checked commands had a working --help"
for opt in --exchange --pair --type --span --root --version; do
    grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$MAN" || fail "dccd.1 lacks $opt"
done

# values
[ "$(complete_words dccd last --type "" | tr '\n' ' ')" = "ohlc orderbook trades " ] || fail "--type values"
[ "$(complete_words dccd last --type t)" = "trades" ] || fail "--type prefix"
complete_words dccd gaps --span "" | grep -qx 1h || fail "--span values"
[ "$(complete_words dccd export --format "" | tr '\n' ' ')" = "csv jsonl parquet " ] || fail "export --format values"
[ "$(complete_words dccd cat --format "" | tr '\n' ' ')" = "csv jsonl " ] || fail "cat --format values"
[ "$(complete_words dccd import --format "" | tr '\n' ' ')" = "csv jsonl " ] || fail "import --format values"
[ "$(complete_words dccd --r)" = "--root" ] || fail "global option"
[ "$(complete_words dccd gaps --ho)" = "--holes" ] || fail "gaps --holes"
[ -z "$(complete_words dccd gaps --start "")" ] || fail "no completion for a time"

# exchanges and pairs from the store named by --root
S=$WORK/store
"$HELPER" mkstore "$S" >/dev/null 2>&1 || fail "mkstore"
mkdir -p "$S/kraken/trades/BTC-USD_PERP"
[ "$(complete_words dccd last --root "$S" --exchange "" | tr '\n' ' ')" = "kraken test " ] || fail "--exchange values"
[ "$(complete_words dccd last --root "$S" --pair "" | tr '\n' ' ')" = "BTC/USD:perp BTC/USDT ETH/USDT " ] ||
    fail "--pair values: $(complete_words dccd last --root "$S" --pair "" | tr '\n' ' ')"
echo "ok: ops_docs ($checked commands cross-checked)"
