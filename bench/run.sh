#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - run every dccd benchmark and print the figures
# table (medians and ratios against the peers measured in the same run) on
# stdout; progress goes to stderr.  `./dev.sh bench` builds and calls this.
#
#   1. Parquet encode/decode vs nodejs-polars and DuckDB (issue 2)
#   2. the store vs the seed port, bench/seedport (issue 3)
#   3. `dccd import` vs the seed port reading the CSV with polars (issue 4)
#
# Everything is single-threaded (POLARS_MAX_THREADS=1, DuckDB threads=1) and
# runs sequentially.  Inputs are generated deterministically (fixed seeds)
# by `dccd_bench gen` under a temporary directory, removed at the end
# (BENCH_KEEP=1 keeps it).  Knobs (environment):
#   BENCH_REPS=5            runs of each Parquet encode/decode, inventory, load
#   BENCH_STORE_REPS=3      runs of each dccd store benchmark (2a, 2b)
#   BENCH_SEED_REPS=1       runs of the seed port's long benchmarks (2a, 2b)
#   BENCH_SEED_MINUTES=240  minutes of the trades day the seed port saves
#                           (2b; the rest is extrapolated; 0 = the whole day)
#   BENCH_PQ_ROWS=1000000   rows of the Parquet benchmark files
#   BENCH_TRADES_ROWS=2000000  trades in the day of 2b and of the import
#   BENCH_SPARSE_ROWS=200000   trades in the quiet day of 2b-sparse (0 = skip)
#   BENCH_ONLY=pq,save,read,mem,import,py  which parts to run (default all;
#                           py = bench/py_bench.py, the Python package vs the
#                           seed's algorithm on real polars at its default
#                           threads, in .venv (scripts/python-tests.sh makes it);
#                           save = 2a/2b, read = 2c, mem = 2d)
#   BENCH_TMP=DIR           work directory (default mktemp -d)
#   BENCH_RESULTS=FILE      also keep the raw JSON lines there
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build=$(cd "${1:-$repo/build}" && pwd)
B=$build/bench/dccd_bench
DCCD=$build/dccd
[ -x "$B" ] || { echo "bench/run.sh: $B not built (cmake --build $build)" >&2; exit 1; }

REPS=${BENCH_REPS:-7}
STORE_REPS=${BENCH_STORE_REPS:-3}
SEED_REPS=${BENCH_SEED_REPS:-1}
SEED_MINUTES=${BENCH_SEED_MINUTES:-240}
PQ_ROWS=${BENCH_PQ_ROWS:-1000000}
TRADES_ROWS=${BENCH_TRADES_ROWS:-2000000}
SPARSE_ROWS=${BENCH_SPARSE_ROWS:-200000}
ONLY=${BENCH_ONLY:-pq,save,read,mem,import,py}
export POLARS_MAX_THREADS=1

tmp=${BENCH_TMP:-$(mktemp -d /tmp/dccd-bench.XXXXXX)}
mkdir -p "$tmp"
if [ -z "${BENCH_KEEP:-}" ] && [ -z "${BENCH_TMP:-}" ]; then
  trap 'rm -rf "$tmp"' EXIT
fi
results=$tmp/results.jsonl
: >"$results"

have_node=1
if ! command -v node >/dev/null || [ ! -d "$repo/tests/interop/node_modules/nodejs-polars" ]; then
  have_node=0
  echo "bench: npm peers not installed (tests/interop/node_modules): peers and the seed port are SKIPPED" >&2
fi
# node runs under an address-space cap (BENCH_NODE_VMEM_KB, default 12 GB) so
# that a leak in a peer cannot take the shared machine down (an early
# seed-port run without collections grew to 24 GB and was OOM-killed).
NODE_VMEM=${BENCH_NODE_VMEM_KB:-12000000}
NODE=(bash -c 'ulimit -v "$0" && exec node --expose-gc "$@"' "$NODE_VMEM")

part() { [[ ",$ONLY," == *",$1,"* ]]; }
# A node step, retried (the shared node_modules may be briefly absent while
# another worktree reinstalls it); a step that still fails is recorded as
# such and the run goes on.
rec_node() {
  local out=$tmp/node.out try
  for try in 1 2 3; do
    if "${NODE[@]}" "$@" >"$out"; then cat "$out" >>"$results"; return 0; fi
    echo "bench: node step failed (try $try): $*" >&2
    sleep 10
  done
  printf '{"bench":"error","text":"node step failed: %s"}\n' "$(basename "$1") $2" >>"$results"
}
say() { echo "bench: $*" >&2; }
rec() { "$@" >>"$results"; }              # run a measuring command, keep its JSON lines
note() { printf '%s\n' "$1" >>"$results"; } # a JSON line written by this script

T2024=1704067200000000000   # 2024-01-01T00:00:00Z
T2019=1546300800000000000   # 2019-01-01T00:00:00Z

# ---------------------------------------------------------------- 1. Parquet
if part pq; then
  say "Parquet: generating $PQ_ROWS-row OHLC and trades files"
  "$B" gen ohlc "$PQ_ROWS" 1 $T2024 "$tmp/ohlc.src.parquet"
  "$B" gen trades "$PQ_ROWS" 2 $T2024 "$tmp/trades.src.parquet"
  # every engine twice: at its default thread count (dccd: the online
  # CPUs; polars: POLARS_MAX_THREADS = the CPUs, its default; DuckDB: no
  # threads setting) and at one thread, in the same run
  ncpu=$(getconf _NPROCESSORS_ONLN)
  for mode in default 1; do
   if [ $mode = default ]; then bt=0; pt=$ncpu; else bt=1; pt=1; fi
   for data in ohlc trades; do
    for codec in snappy zstd; do
      src=$tmp/$data.src.parquet
      say "Parquet: $data $codec: dccd (threads $mode)"
      BENCH_THREADS=$bt rec "$B" pq-enc $data "$src" $codec "$tmp/$data.dccd.$codec.parquet" "$REPS"
      BENCH_THREADS=$bt rec "$B" pq-dec $data "$tmp/$data.dccd.$codec.parquet" $codec dccd "$REPS"
      if [ $have_node = 1 ]; then
        for peer in polars duckdb; do
          say "Parquet: $data $codec: $peer (threads $mode)"
          BENCH_THREADS=$mode POLARS_MAX_THREADS=$pt \
            rec_node "$here/pq_peers.mjs" $peer $data "$src" $codec "$tmp/$data.$peer.$codec.parquet" "$REPS"
          # dccd decoding the peer's file
          BENCH_THREADS=$bt rec "$B" pq-dec $data "$tmp/$data.$peer.$codec.parquet" $codec $peer "$REPS"
        done
      fi
    done
   done
  done
  rm -f "$tmp"/*.dccd.*.parquet "$tmp"/*.polars.*.parquet "$tmp"/*.duckdb.*.parquet
fi

# ---------------------------------------------------------------- 2. store
# Live collection saves into a period that is still open; since store2 a
# save into a period whose end is past folds at once (backfill).  So the
# live benchmarks (a), (b), (d) date their data in the next calendar year
# (an open period whatever today is); (a-backfill) uses 2024.
live=$(( $(date -u -d "$(( $(date -u +%Y) + 1 ))-01-01" +%s) * 1000000000 ))
if part save; then

  # (a) 365 daily saves of 1,440 one-minute bars into one year file
  "$B" gen ohlc 525600 3 $live "$tmp/year.src.parquet"
  for r in $(seq "$STORE_REPS"); do
    for durable in 1 0; do
      say "store (a) 365 daily saves: dccd durable=$durable run $r"
      rm -rf "$tmp/s"
      rec "$B" store-days "$tmp/s" "$tmp/year.src.parquet" 365 $durable
    done
  done
  if [ $have_node = 1 ]; then
    for r in $(seq "$SEED_REPS"); do
      say "store (a) 365 daily saves: seed port run $r (one to two minutes)"
      rm -rf "$tmp/s"
      rec_node "$here/seed_bench.mjs" days "$tmp/s" "$tmp/year.src.parquet" 365
    done
  fi
  "$B" gen ohlc 525600 3 $T2024 "$tmp/year.src.parquet"
  say "store (a-backfill) the same into 2024 (a past period: every save folds): dccd"
  rm -rf "$tmp/s"
  rec "$B" store-days "$tmp/s" "$tmp/year.src.parquet" 365 1 store_days_backfill

  # (b) one day of trades saved minute by minute
  "$B" gen trades "$TRADES_ROWS" 4 $live "$tmp/day.src.parquet"
  for r in $(seq "$STORE_REPS"); do
    for durable in 1 0; do
      say "store (b) 1,440 minute saves of $TRADES_ROWS trades: dccd durable=$durable run $r"
      rm -rf "$tmp/s"
      rec "$B" store-minutes "$tmp/s" "$tmp/day.src.parquet" $durable
    done
  done
  for r in $(seq "$STORE_REPS"); do
    for durable in 1 0; do
      say "store (b-ab) last hour saved into an empty day and into a full day, interleaved: durable=$durable run $r"
      rm -rf "$tmp/s"
      rec "$B" store-ab "$tmp/s" "$tmp/day.src.parquet" $durable
    done
  done
  # (b-ckpt) a checkpoint of the whole day's segments, 1 thread vs the
  # store's default (the online CPUs), alternating (issue 12)
  say "store (b-ckpt) checkpoint of $TRADES_ROWS trades in 1,440 segments: dccd threads 1 / default, $STORE_REPS runs each"
  rm -rf "$tmp/s"
  rec "$B" store-ckpt "$tmp/s" "$tmp/day.src.parquet" "$STORE_REPS"
  if [ $have_node = 1 ]; then
    for r in $(seq "$SEED_REPS"); do
      say "store (b) minute saves: seed port, first $SEED_MINUTES minutes (0 = all), run $r"
      rm -rf "$tmp/s"
      rec_node "$here/seed_bench.mjs" minutes "$tmp/s" "$tmp/day.src.parquet" "$SEED_MINUTES"
    done
  fi
  # (b-sparse) a quiet day: fewer trades than checkpoint_rows, so no save
  # triggers a checkpoint and the segments pile up until the day is over
  if [ "$SPARSE_ROWS" -gt 0 ]; then
    "$B" gen trades "$SPARSE_ROWS" 8 $live "$tmp/day.src.parquet"
    say "store (b-sparse) 1,440 minute saves of $SPARSE_ROWS trades: dccd (durable) run 1"
    rm -rf "$tmp/s"
    rec "$B" store-minutes "$tmp/s" "$tmp/day.src.parquet" 1 store_minutes_sparse
    if [ $have_node = 1 ]; then
      say "store (b-sparse) seed port, first $SEED_MINUTES minutes"
      rm -rf "$tmp/s"
      rec_node "$here/seed_bench.mjs" minutes "$tmp/s" "$tmp/day.src.parquet" "$SEED_MINUTES" store_minutes_sparse
    fi
  fi
  rm -f "$tmp/day.src.parquet" "$tmp/year.src.parquet"
fi

if part read; then
  # (c) inventory of a store of 1,000 files; one week out of five years
  say "store (c) building a store of 1,000 trade-day files"
  rm -rf "$tmp/s"
  "$B" store-build-inv "$tmp/s" 1000
  rec "$B" store-inventory "$tmp/s" "$REPS"
  if [ $have_node = 1 ]; then
    say "store (c) inventory: seed port"
    rec_node "$here/seed_bench.mjs" inventory "$tmp/s" "$REPS"
  fi
  say "store (c) building five years of one-minute bars"
  rm -rf "$tmp/s"
  "$B" gen ohlc 2629440 5 $T2019 "$tmp/years.src.parquet"
  "$B" store-build-years "$tmp/s" "$tmp/years.src.parquet"
  rm -f "$tmp/years.src.parquet"
  wk0=1622505600000000000                       # 2021-06-01T00:00:00Z
  wk1=$((wk0 + 7 * 86400 * 1000000000 - 1))    # inclusive end, one week
  rec "$B" store-load "$tmp/s" $wk0 $wk1 "$REPS"
  if [ $have_node = 1 ]; then
    say "store (c) one-week load: seed port"
    rec_node "$here/seed_bench.mjs" load "$tmp/s" $wk0 $wk1 "$REPS"
  fi

fi

if part mem; then
  # (d) peak memory of a save into a small and a large period file
  for n in 10000 1000000; do
    for sync in 0 1; do
      say "store (d) peak RSS of a 1,440-row save into a $n-row file (sync checkpoint=$sync)"
      rm -rf "$tmp/s"
      "$B" mem-build "$tmp/s" $n $live
      rec "$B" mem-save "$tmp/s" $sync $n $live
    done
  done
  rm -rf "$tmp/s"
fi

# ---------------------------------------------------------------- 3. import
if part import; then
  probe=$("$DCCD" import --root "$tmp/probe" --exchange binance --pair BTC/USDT --type ohlc --span 1m /dev/null 2>&1 || true)
  rm -rf "$tmp/probe"
  if printf '%s' "$probe" | grep -q "not implemented"; then
    say "import: SKIPPED: dccd import is not implemented in this build (branch cli-io not merged)"
    note '{"bench":"import","skipped":"dccd import not implemented in this build (branch cli-io not merged)"}'
  else
    "$B" gen ohlc 525600 6 $T2024 "$tmp/imp.src.parquet"
    "$B" csv ohlc "$tmp/imp.src.parquet" "$tmp/ohlc.csv"
    "$B" csv ohlc "$tmp/imp.src.parquet" "$tmp/ohlc17.csv" 17   # full precision: 40123.449999999997
    "$B" gen trades "$TRADES_ROWS" 7 $T2024 "$tmp/imp.src.parquet"
    "$B" csv trades "$tmp/imp.src.parquet" "$tmp/trades.csv"
    rm -f "$tmp/imp.src.parquet"
    # dccd and the seed port each at its default thread count (dccd: the
    # online CPUs; polars: POLARS_MAX_THREADS = the CPUs, its default) and
    # at one thread, the four interleaved run by run (the machine may be
    # noisy); every line is tagged "threads":"default"|"1"
    ncpu=$(getconf _NPROCESSORS_ONLN)
    for type in ohlc ohlc17 trades; do
      if [ $type = trades ]; then dsargs=(--type trades); st=trades; else dsargs=(--type ohlc --span 1m); st=ohlc; fi
      for r in $(seq "$STORE_REPS"); do
        for mode in default 1; do
          if [ $mode = default ]; then bt=0; pt=$ncpu; else bt=1; pt=1; fi
          say "import: $type CSV: dccd import --threads $bt run $r"
          rm -rf "$tmp/s"
          t0=$(date +%s%N)
          "$DCCD" --threads $bt import --checkpoint --root "$tmp/s" --exchange binance --pair BTC/USDT "${dsargs[@]}" "$tmp/$type.csv" >/dev/null
          t1=$(date +%s%N)
          note "{\"bench\":\"import_$type\",\"engine\":\"dccd\",\"threads\":\"$mode\",\"ms\":[$(( (t1 - t0) / 1000 )).0e-3]}"
          if [ $have_node = 1 ]; then
            say "import: $type CSV: seed port POLARS_MAX_THREADS=$pt run $r"
            rm -rf "$tmp/s"
            n0=$(wc -l < "$results")
            POLARS_MAX_THREADS=$pt rec_node "$here/seed_bench.mjs" import "$tmp/s" "$tmp/$type.csv" $st
            sed -i "$((n0 + 1)),\$ { s/}\$/,\"threads\":\"$mode\"}/; s/\"import_$st\"/\"import_$type\"/; }" "$results"
          fi
        done
      done
    done
    rm -rf "$tmp/s" "$tmp"/*.csv
  fi
fi

[ -n "${BENCH_RESULTS:-}" ] && cp "$results" "$BENCH_RESULTS"
if [ $have_node = 1 ]; then
  node "$here/report.mjs" "$results"
else
  cat "$results"
fi

if part py; then
  venv=${DCCD_VENV:-$repo/.venv}
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import dccd_store' 2>/dev/null; then
    say "py: the Python package against the seed's algorithm (bench/py_bench.py)"
    (unset POLARS_MAX_THREADS; "$venv/bin/python" "$here/py_bench.py" --out "$tmp/py.jsonl")
    [ -n "${BENCH_RESULTS:-}" ] && cat "$tmp/py.jsonl" >> "$BENCH_RESULTS"
  else
    echo "bench: $venv has no dccd_store (run scripts/python-tests.sh): py SKIPPED" >&2
  fi
fi
