# scripts/dccd-completion.bash - bash completion for the dccd command.
#
# Install as /usr/share/bash-completion/completions/dccd (CMake does), or
# source it from ~/.bashrc.  Completes: the subcommands; each subcommand's
# options (the same set its --help lists, checked by tests/cli/ops_docs.sh);
# the values of --type (ohlc trades orderbook), --span (the span labels),
# --format (csv jsonl, plus parquet for export); directories for --root;
# the exchanges and pairs present in the store for --exchange and --pair
# (the root from --root, else $DCCD_DATA, else ./data); files for --file,
# -o/--output and the FILE arguments of import, cat and inspect.

_dccd_root() {
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --root ]]; then
            printf '%s\n' "${COMP_WORDS[i + 1]}"
            return
        fi
    done
    printf '%s\n' "${DCCD_DATA:-./data}"
}

# Exchanges: the store's top-level directories (hidden ones excluded).
_dccd_exchanges() {
    local root d
    root=$(_dccd_root)
    for d in "$root"/*/; do
        [[ -d $d ]] && basename "$d"
    done
}

# Pairs: every ROOT/*/TYPE/SLUG directory (and its write-ahead-log twin
# under ROOT/.dccd/wal, for data not yet checkpointed), SLUG turned back into a pair
# (BTC-USDT -> BTC/USDT, BTC-USDT_PERP -> BTC/USDT:perp).
_dccd_pairs() {
    local root d slug base rest quote market
    root=$(_dccd_root)
    for d in "$root"/*/{ohlc,trades,orderbook}/*/ "$root"/.dccd/wal/*/{ohlc,trades,orderbook}/*/; do
        [[ -d $d ]] || continue
        slug=$(basename "$d")
        base=${slug%%-*}
        rest=${slug#*-}
        quote=${rest%%_*}
        market=""
        [[ $rest == *_* ]] && market=":${rest#*_}" && market=${market,,}
        printf '%s\n' "$base/$quote$market"
    done | sort -u
}

_dccd() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="import export last gaps inventory provenance checkpoint migrate verify inspect cat demo help"
    local ds="--exchange --pair --type --span --root"
    local i cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --root | --threads) ((i++)) ;;
        -*) ;;
        *)
            cmd=${COMP_WORDS[i]}
            break
            ;;
        esac
    done

    COMPREPLY=()
    case $prev in
    --root)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --type)
        COMPREPLY=($(compgen -W "ohlc trades orderbook" -- "$cur"))
        return
        ;;
    --span)
        COMPREPLY=($(compgen -W "1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w" -- "$cur"))
        return
        ;;
    --format)
        if [[ $cmd == export ]]; then
            COMPREPLY=($(compgen -W "csv jsonl parquet" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "csv jsonl" -- "$cur"))
        fi
        return
        ;;
    --exchange)
        COMPREPLY=($(compgen -W "$(_dccd_exchanges)" -- "$cur"))
        return
        ;;
    --pair)
        COMPREPLY=($(compgen -W "$(_dccd_pairs)" -- "$cur"))
        return
        ;;
    --file | -o | --output)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --start | --end | --batch | --source | --columns | --limit | --min | --seed)
        return # a value the user types
        ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--root --threads --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts="" files=0
    case $cmd in
    import)
        opts="--format --batch --source --checkpoint --skip-bad $ds --help"
        files=1
        ;;
    export) opts="--start --end --format -o --output --columns --iso $ds --help" ;;
    last) opts="--json $ds --help" ;;
    gaps) opts="--start --end --holes --min --json $ds --help" ;;
    inventory) opts="--json --root --help" ;;
    provenance) opts="--file --json $ds --help" ;;
    checkpoint) opts="--json $ds --help" ;;
    migrate) opts="--dry-run $ds --help" ;;
    verify) opts="--json $ds --help" ;;
    inspect)
        opts="--json --help"
        files=1
        ;;
    cat)
        opts="--format --raw --columns --limit --help"
        files=1
        ;;
    demo) opts="--seed --root --help" ;;
    *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif ((files)); then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

complete -F _dccd dccd
