"""bench/py_bench.py - the Python package against the seed, as a Python user sees it.

    python bench/py_bench.py [--quick] [--only save,trades,trades-ab,load,inventory,convert] [--out FILE.jsonl]

Peers, measured in the same run: the seed's ParquetStore algorithm on real
polars (tests/python/seedport.py, at polars' default thread count), and for
loads also ``pl.scan_parquet(files).filter(...)`` on the same files.  Figures
are medians; ratios are peer time / dccd time.  Progress goes to stderr, a
table to stdout, raw JSON lines to --out.

  save      365 daily saves of 1,440 OHLCBar objects (one year of 1m bars);
            dccd with fsync (durable=True) and without
  trades    a 2M-trade day in 1,440 saves of polars DataFrames; dccd in full,
            the seed port's cost sampled at six file sizes (a save made on a
            file of k earlier batches, written once by polars) and integrated
            (piecewise linear); dccd's first and last 60 saves compared
  trades-ab the last hour's 60 batches saved alternately into a day file of the
            first 23 hours and into an empty day (median of each, end/start):
            the last-vs-first claim without the machine's drift
  load      5 years of 1m bars (5 period files): one week and one whole year
            (the year also vs pl.read_parquet of its file, and `dccd export
            --format parquet` of it vs read_parquet + write_parquet; the
            command is DCCD_BIN or build/dccd)
  inventory 1,000 period files (10 trades datasets x 100 days)
  convert   the records-to-columns step of save (OHLCBar dataclasses, pydantic
            models, dicts; trades), per record
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import polars as pl

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "python"))

import dccd_store as d  # noqa: E402
from dccd_store import _core  # noqa: E402
import seedport  # noqa: E402

NS = d.NS
MIN = 60 * NS
DAY = 86_400 * NS
T2020 = 1_577_836_800 * NS
T2024 = 1_704_067_200 * NS

RESULTS: list[dict] = []
# the dccd command, for the export benchmark (DCCD_BIN, or build/dccd of this checkout)
EXPORT_BIN = os.environ.get("DCCD_BIN") or (str(HERE.parent / "build" / "dccd")
                                            if (HERE.parent / "build" / "dccd").exists() else "")


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def record(bench: str, **kw) -> None:
    kw["bench"] = bench
    RESULTS.append(kw)
    log(json.dumps(kw))


def median_time(fn, reps: int) -> float:
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def interleaved_medians(fns: dict, reps: int) -> dict:
    """Median seconds of each function, run in rounds (one call of each per round,
    the order rotating) after one untimed warm-up call each: the machine's drift
    falls on all of them alike."""
    for fn in fns.values():
        fn()
    names = list(fns)
    ts = {n: [] for n in names}
    for r in range(reps):
        for n in names[r % len(names):] + names[:r % len(names)]:
            t = time.perf_counter()
            fns[n]()
            ts[n].append(time.perf_counter() - t)
    return {n: statistics.median(v) for n, v in ts.items()}


def ohlc_ds() -> d.DatasetId:
    return d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)


def day_bars(day: int, t0: int = T2024) -> list[d.OHLCBar]:
    base = t0 + day * DAY
    return [d.OHLCBar(ts=base + i * MIN, open=100.0 + i, high=101.0 + i, low=99.0 + i, close=100.5 + i,
                      volume=1.0 + i, quote_volume=2.0 + i, trades=i) for i in range(1440)]


# ---- (a) 365 daily saves ------------------------------------------------------

def bench_save(tmp: pathlib.Path, days: int) -> None:
    batches = [day_bars(i) for i in range(days)]
    for durable in (True, False):
        root = tmp / f"save-dccd-{durable}"
        s = d.ParquetStore(root, durable=durable)
        t = time.perf_counter()
        for b in batches:
            s.save(ohlc_ds(), b)
        took = time.perf_counter() - t
        assert s.load(ohlc_ds()).height == days * 1440
        record("save", side="dccd", durable=durable, saves=days, seconds=took)
        shutil.rmtree(root)
    root = tmp / "save-seed"
    s = seedport.SeedStore(root)
    t = time.perf_counter()
    for b in batches:
        s.save(ohlc_ds(), b)
    took = time.perf_counter() - t
    assert s.load(ohlc_ds()).height == days * 1440
    record("save", side="seed", saves=days, seconds=took)
    shutil.rmtree(root)


# ---- (b) a 2M-trade day in 1,440 saves --------------------------------------------

def trade_frames(total: int, saves: int) -> list[pl.DataFrame]:
    per = total // saves
    out = []
    for m in range(saves):
        i = pl.int_range(m * per, (m + 1) * per, eager=True)
        out.append(pl.DataFrame({
            "TS": T2024 + m * MIN + (i - m * per) * (MIN // per),
            "price": 40_000.0 + (i % 1000) * 0.5,
            "amount": 0.001 * (1 + i % 97),
            "side": pl.Series(["buy", "sell"] * (per // 2) + ["buy"] * (per % 2)),
            "tid": i.cast(pl.String),
        }))
    return out


def trades_ds() -> d.DatasetId:
    return d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.TRADES)


def bench_trades(tmp: pathlib.Path, total: int, saves: int) -> None:
    frames = trade_frames(total, saves)
    for durable in (True, False):
        root = tmp / f"trades-dccd-{durable}"
        s = d.ParquetStore(root, durable=durable)
        lat = []
        for f in frames:
            t = time.perf_counter()
            s.save(trades_ds(), f)
            lat.append(time.perf_counter() - t)
        s.checkpoint()
        assert pl.read_parquet(root / "binance/trades/BTC-USDT/2024-01-01.parquet").height == (total // saves) * saves
        k = min(60, saves // 4)
        first, last = statistics.median(lat[:k]), statistics.median(lat[-k:])
        record("trades", side="dccd", durable=durable, saves=saves, rows=(total // saves) * saves, seconds=sum(lat),
               first_median=first, last_median=last, last_over_first=last / first)
        shutil.rmtree(root)
    # the seed port: one save on a file of k earlier batches, at six sizes
    ks = sorted({0, saves // 5, 2 * saves // 5, 3 * saves // 5, 4 * saves // 5, saves - 1})
    cost = {}
    for k in ks:
        root = tmp / f"trades-seed-{k}"
        s = seedport.SeedStore(root)
        if k:
            path = s.directory(trades_ds()) / "2024-01-01.parquet"
            pl.concat(frames[:k]).write_parquet(path, compression="snappy")
        t = time.perf_counter()
        s.save(trades_ds(), frames[k])
        cost[k] = time.perf_counter() - t
        shutil.rmtree(root)
        log(f"seed save on a file of {k} batches: {cost[k]:.3f} s")
    total_s = 0.0
    for i in range(saves):  # piecewise linear between the sampled sizes
        lo = max(k for k in ks if k <= i)
        hi = min((k for k in ks if k >= i), default=lo)
        total_s += cost[lo] if hi == lo else cost[lo] + (cost[hi] - cost[lo]) * (i - lo) / (hi - lo)
    record("trades", side="seed", saves=saves, rows=(total // saves) * saves, seconds=total_s, sampled=cost, extrapolated=True)


def bench_trades_ab(tmp: pathlib.Path, total: int, saves: int, hour: int = 60) -> None:
    """The last hour's batches saved alternately into a day that already holds the
    rest of the day (checkpointed, as at the end of a live day) and into an empty
    day: "the last save costs no more than the first" without the machine's drift
    between the first and the last hour (the C side's store-ab)."""
    frames = trade_frames(total, saves)
    hour = min(hour, saves // 4)
    for durable in (True, False):
        full = d.ParquetStore(tmp / f"ab-full-{durable}", durable=durable)
        empty = d.ParquetStore(tmp / f"ab-empty-{durable}", durable=durable)
        for f in frames[:-hour]:
            full.save(trades_ds(), f)
        full.checkpoint()
        lat = {"end": [], "start": []}
        for j, f in enumerate(frames[-hour:]):
            order = [("end", full), ("start", empty)] if j % 2 == 0 else [("start", empty), ("end", full)]
            for side, st in order:
                t = time.perf_counter()
                st.save(trades_ds(), f)
                lat[side].append(time.perf_counter() - t)
        rows_before = (total // saves) * (saves - hour)
        end, start = statistics.median(lat["end"]), statistics.median(lat["start"])
        record("trades_ab", durable=durable, saves=hour, rows_before=rows_before, start_median=start, end_median=end,
               end_over_start=end / start)
        shutil.rmtree(tmp / f"ab-full-{durable}")
        shutil.rmtree(tmp / f"ab-empty-{durable}")


# ---- (c) loads -------------------------------------------------------------------

def bench_load(tmp: pathlib.Path, years: int, reps: int) -> None:
    root = tmp / "load"
    s = d.ParquetStore(root, durable=False)
    n = years * 525_600
    i = pl.int_range(0, n, eager=True)
    x = i.cast(pl.Float64)
    s.save(ohlc_ds(), pl.DataFrame({"TS": T2020 + i * MIN, "open": x, "high": x + 1, "low": x - 1, "close": x,
                                    "volume": x, "quote_volume": x, "trades": i}))
    s.checkpoint()
    os.sync()  # the files just written are flushed before anything is timed
    files = sorted(s.directory(ohlc_ds()).glob("*.parquet"))
    seed = seedport.SeedStore(root)
    week_a = T2020 + (years // 2) * 365 * DAY + 100 * DAY
    ranges = {"week": (week_a, week_a + 7 * DAY - 1)}
    y = 2020 + years // 2
    from datetime import datetime, timezone
    ya = int(datetime(y, 1, 1, tzinfo=timezone.utc).timestamp()) * NS
    yb = int(datetime(y + 1, 1, 1, tzinfo=timezone.utc).timestamp()) * NS - 1
    ranges["year"] = (ya, yb)
    for name, (a, b) in ranges.items():
        want = s.load(ohlc_ds(), a, b).height
        assert want == seed.load(ohlc_ds(), a, b).height
        lazy = lambda: pl.scan_parquet(files).filter((pl.col("TS") >= a) & (pl.col("TS") <= b)).collect()  # noqa: E731
        assert lazy().height == want
        yfile = [f for f in files if f.name.startswith(str(y))]
        contenders = {"dccd": lambda: s.load(ohlc_ds(), a, b), "scan_parquet": lazy}
        if name == "year":  # the year's file read whole (issue 12: load >= read_parquet)
            assert pl.read_parquet(yfile).height == want
            contenders["read_parquet"] = lambda: pl.read_parquet(yfile)
        times = interleaved_medians(contenders, reps)
        td, tl = times["dccd"], times["scan_parquet"]
        ts = median_time(lambda: seed.load(ohlc_ds(), a, b), max(3, reps // 2))
        extra = {}
        if name == "year":
            extra["read_parquet"] = times["read_parquet"]
            if EXPORT_BIN:
                # export --format parquet of the year vs polars reading the file and writing it
                out_d, out_p = tmp / "export-dccd.parquet", tmp / "export-polars.parquet"
                cmd = [EXPORT_BIN, "export", "--root", str(root), "--exchange", "binance", "--pair", "BTC/USDT",
                       "--type", "ohlc", "--span", "1m", "--start", str(a), "--end", str(b), "--format", "parquet",
                       "-o", str(out_d)]
                subprocess.run(cmd, check=True)
                assert pl.read_parquet(out_d).equals(pl.read_parquet(yfile))
                et = interleaved_medians({"dccd": lambda: subprocess.run(cmd, check=True),
                                          "polars": lambda: pl.read_parquet(yfile).write_parquet(out_p)}, reps)
                extra["export_dccd"], extra["export_polars"] = et["dccd"], et["polars"]
        record("load", range=name, rows=want, dccd=td, seed=ts, scan_parquet=tl, **extra)
    shutil.rmtree(root)


# ---- (d) inventory ----------------------------------------------------------------

def bench_inventory(tmp: pathlib.Path, reps: int) -> None:
    root = tmp / "inv"
    s = d.ParquetStore(root, durable=False)
    for k in range(10):
        ds = d.DatasetId("binance", d.Symbol(f"C{k}", "USDT"), d.DataType.TRADES)
        for day in range(100):
            i = pl.int_range(0, 200, eager=True)
            s.save(ds, pl.DataFrame({"TS": T2024 + day * DAY + i * NS, "price": 1.0 + i, "amount": 1.0,
                                     "side": "buy", "tid": (day * 1000 + i).cast(pl.String)}))
    s.checkpoint()
    nfiles = len(list(root.glob("binance/trades/*/*.parquet")))
    assert nfiles == 1000
    seed = seedport.SeedStore(root)
    a, b = s.inventory(), seed.inventory()
    assert [(e["pair"], e["rows"], e["min_ts"], e["max_ts"]) for e in a] == \
        [(e["pair"], e["rows"], e["min_ts"], e["max_ts"]) for e in b]
    td = median_time(s.inventory, reps)
    ts = median_time(seed.inventory, max(3, reps // 2))
    record("inventory", files=nfiles, dccd=td, seed=ts)
    shutil.rmtree(root)


# ---- (e) records to columns -----------------------------------------------------------

def bench_convert(reps: int) -> None:
    n = 200_000
    bars = [d.OHLCBar(T2024 + i * MIN, 1.0 + i, 2.0, 0.5, 1.5, 10.0, 3.0, i) for i in range(n)]
    cases = {"OHLCBar dataclass": ("ohlc", bars),
             "dict": ("ohlc", [{"ts": b.ts, "open": b.open, "high": b.high, "low": b.low, "close": b.close,
                                "volume": b.volume, "quote_volume": b.quote_volume, "trades": b.trades}
                               for b in bars]),
             "Trade dataclass": ("trades", [d.Trade(T2024 + i, 1.0, 2.0, "buy", str(i)) for i in range(n)])}
    try:
        import pydantic

        class Bar(pydantic.BaseModel):
            ts: int
            open: float
            high: float
            low: float
            close: float
            volume: float
            quote_volume: float | None = None
            trades: int | None = None
        cases["pydantic model"] = ("ohlc", [Bar(ts=b.ts, open=b.open, high=b.high, low=b.low, close=b.close,
                                                volume=b.volume, quote_volume=b.quote_volume, trades=b.trades)
                                            for b in bars])
    except ImportError:
        log("pydantic not installed: its case is skipped")
    for name, (dtype, recs) in cases.items():
        t = median_time(lambda: _core.convert_records(dtype, recs), reps)
        record("convert", records=name, n=len(recs), us_per_record=t * 1e6 / len(recs))


def table() -> str:
    rows = ["| benchmark | dccd | peer | ratio (peer / dccd) |", "|---|---|---|---|"]
    by = {}
    for r in RESULTS:
        by.setdefault(r["bench"], []).append(r)
    if "save" in by:
        seed = next(r for r in by["save"] if r["side"] == "seed")
        for r in by["save"]:
            if r["side"] == "dccd":
                rows.append(f"| {r['saves']} daily saves of 1,440 OHLCBar ({'fsync' if r['durable'] else 'no fsync'})"
                            f" | {r['seconds']:.2f} s | seed port {seed['seconds']:.2f} s | x{seed['seconds'] / r['seconds']:.1f} |")
    if "trades" in by:
        seed = next(r for r in by["trades"] if r["side"] == "seed")
        for r in by["trades"]:
            if r["side"] == "dccd":
                rows.append(f"| {r['rows']:,} trades in {r['saves']} DataFrame saves ({'fsync' if r['durable'] else 'no fsync'})"
                            f" | {r['seconds']:.2f} s (last/first save {r['last_over_first']:.2f})"
                            f" | seed port {seed['seconds']:.1f} s (extrapolated) | x{seed['seconds'] / r['seconds']:.1f} |")
    for r in by.get("trades_ab", []):
        rows.append(f"| trades: the last hour's {r['saves']} saves into a day of {r['rows_before']:,} rows vs into an"
                    f" empty day, interleaved ({'fsync' if r['durable'] else 'no fsync'})"
                    f" | {r['end_median'] * 1e3:.2f} ms vs {r['start_median'] * 1e3:.2f} ms (medians)"
                    f" | | end/start {r['end_over_start']:.3f} |")
    for r in by.get("load", []):
        rows.append(f"| load one {r['range']} of 5 years ({r['rows']:,} rows) | {r['dccd'] * 1e3:.1f} ms"
                    f" | seed port {r['seed'] * 1e3:.1f} ms; scan_parquet {r['scan_parquet'] * 1e3:.1f} ms"
                    + (f"; read_parquet of the file {r['read_parquet'] * 1e3:.1f} ms" if "read_parquet" in r else "")
                    + f" | x{r['seed'] / r['dccd']:.1f}; x{r['scan_parquet'] / r['dccd']:.2f}"
                    + (f"; x{r['read_parquet'] / r['dccd']:.2f}" if "read_parquet" in r else "") + " |")
        if "export_dccd" in r:
            rows.append(f"| `dccd export --format parquet` of that year (a process) | {r['export_dccd'] * 1e3:.1f} ms"
                        f" | polars read_parquet + write_parquet {r['export_polars'] * 1e3:.1f} ms"
                        f" | x{r['export_polars'] / r['export_dccd']:.2f} |")
    for r in by.get("inventory", []):
        rows.append(f"| inventory of {r['files']:,} files | {r['dccd'] * 1e3:.1f} ms | seed port {r['seed'] * 1e3:.0f} ms"
                    f" | x{r['seed'] / r['dccd']:.1f} |")
    for r in by.get("convert", []):
        rows.append(f"| records to columns, {r['records']} | {r['us_per_record']:.3f} us/record | goal <= 2 us | |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run, not figures)")
    ap.add_argument("--only", default="save,trades,trades-ab,load,inventory,convert")
    ap.add_argument("--out", help="append the raw JSON lines to this file")
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    only = set(args.only.split(","))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="dccd-pybench-"))
    log(f"py_bench: polars {pl.__version__} at {pl.thread_pool_size()} threads; work dir {tmp}")
    try:
        if "save" in only:
            bench_save(tmp, 20 if args.quick else 365)
        if "trades" in only:
            bench_trades(tmp, 40_000 if args.quick else 2_000_000, 80 if args.quick else 1440)
        if "trades-ab" in only:
            bench_trades_ab(tmp, 40_000 if args.quick else 2_000_000, 80 if args.quick else 1440)
        if "load" in only:
            bench_load(tmp, 5, 3 if args.quick else args.reps)
        if "inventory" in only:
            bench_inventory(tmp, 3 if args.quick else args.reps)
        if "convert" in only:
            bench_convert(3 if args.quick else args.reps)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.out:
        with open(args.out, "a") as f:
            for r in RESULTS:
                f.write(json.dumps(r) + "\n")
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
