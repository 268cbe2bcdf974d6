"""The seed's ParquetStore algorithm on real polars: the peer of the
differential test (test_diff_seed.py) and of the benchmarks (bench/py_bench.py).

Written from the specification in ../shared/seed (this project's own code):
a save splits the batch by UTC period, reads the whole period file,
canonicalises it, concatenates, keeps the last row of each natural key, sorts
by TS and rewrites the file through a temporary name; load reads every file,
filters the inclusive range and concatenates.  Two choices the seed leaves to
polars are pinned so that runs compare deterministically with dccd:
``unique(..., maintain_order=True)`` and a stable sort (``maintain_order``)
— the seed's unstable sort orders rows of equal TS arbitrarily, dccd keeps
merge order (file rows first, then each save's rows).
"""
from __future__ import annotations

import os
import pathlib
import threading
from datetime import datetime, timezone
from typing import Any

import polars as pl

import dccd_store as d
from dccd_store._store import _SCHEMAS, canonicalize

NS = d.NS


def _type(ds: Any) -> str:
    return str(getattr(ds.data_type, "value", ds.data_type))


def _key(dtype: str, df: pl.DataFrame) -> list[str]:
    if dtype == "ohlc":
        return ["TS"]
    if dtype == "trades":
        return ["tid"] if df["tid"].null_count() == 0 else ["TS", "price", "amount", "side"]
    return ["TS", "side", "price"]


def records_frame(dtype: str, records: Any) -> pl.DataFrame:
    """The seed's _to_dataframe (record objects; frames pass through canonicalised)."""
    schema = _SCHEMAS[dtype]
    if isinstance(records, pl.DataFrame):
        return canonicalize(records, dtype).cast(schema)
    if dtype == "ohlc":
        rows = [{"TS": r.ts, "open": r.open, "high": r.high, "low": r.low, "close": r.close, "volume": r.volume,
                 "quote_volume": r.quote_volume, "trades": r.trades} for r in records]
    elif dtype == "trades":
        rows = [{"TS": r.ts, "price": r.price, "amount": r.amount, "side": r.side, "tid": r.tid} for r in records]
    else:
        rows = []
        for snap in records:
            for side, levels in (("bid", snap.bids), ("ask", snap.asks)):
                for lv in levels:
                    rows.append({"TS": snap.ts, "side": side, "price": lv.price, "amount": lv.amount,
                                 "count": lv.count, "is_snapshot": snap.is_snapshot})
    return pl.DataFrame(rows, schema=schema)


class SeedStore:
    """The seed's ParquetStore (save, load, last_timestamp, missing_intervals, inventory)."""

    def __init__(self, root: str | pathlib.Path) -> None:
        self._root = pathlib.Path(root)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def directory(self, ds: Any) -> pathlib.Path:
        slug = ds.symbol.pair_slug() if hasattr(ds.symbol, "pair_slug") else ds.pair_slug()
        if _type(ds) == "ohlc":
            p = self._root / ds.exchange / "ohlc" / slug / d.span_label(ds.span)
        else:
            p = self._root / ds.exchange / _type(ds) / slug
        p.mkdir(parents=True, exist_ok=True)
        return p

    def save(self, ds: Any, records: Any) -> int:
        dtype = _type(ds)
        if records is None or (not isinstance(records, pl.DataFrame) and len(records) == 0):
            return 0
        df = records_frame(dtype, records)
        if df.height == 0:
            return 0
        fmt = "%Y" if dtype == "ohlc" else "%Y-%m-%d"
        df = df.with_columns(pl.from_epoch("TS", time_unit="ns").dt.strftime(fmt).alias("_period"))
        total = 0
        for period in df["_period"].unique().sort().to_list():
            part = df.filter(pl.col("_period") == period).drop("_period")
            total += part.height
            path = self.directory(ds) / f"{period}.parquet"
            with self._guard:
                lock = self._locks.setdefault(str(path), threading.Lock())
            with lock:
                if path.exists():
                    part = pl.concat([canonicalize(pl.read_parquet(path), dtype), part])
                merged = part.unique(subset=_key(dtype, part), keep="last", maintain_order=True)
                merged = merged.sort("TS", maintain_order=True)
                tmp = path.with_suffix(f".parquet.tmp.{os.getpid()}.{threading.get_ident()}")
                merged.write_parquet(tmp, compression="snappy")
                os.replace(tmp, path)
        return total

    def load(self, ds: Any, start_ns: int | None = None, end_ns: int | None = None) -> pl.DataFrame:
        pieces = []
        for f in sorted(self.directory(ds).glob("*.parquet")):
            df = canonicalize(pl.read_parquet(f), _type(ds))
            if start_ns is not None:
                df = df.filter(pl.col("TS") >= start_ns)
            if end_ns is not None:
                df = df.filter(pl.col("TS") <= end_ns)
            if df.height:
                pieces.append(df)
        if not pieces:
            return pl.DataFrame()
        return pl.concat(pieces).sort("TS", maintain_order=True)

    def last_timestamp(self, ds: Any) -> int | None:
        for f in sorted(self.directory(ds).glob("*.parquet"), reverse=True):
            df = pl.read_parquet(f, columns=["TS"])
            if df.height:
                return int(df["TS"].max())
        return None

    def missing_intervals(self, ds: Any, start_ns: int, end_ns: int) -> list[tuple[int, int]]:
        if _type(ds) != "ohlc":
            last = self.last_timestamp(ds)
            eff = max(start_ns, last + 1) if last is not None else start_ns
            return [(eff, end_ns)] if eff < end_ns else []
        span_ns = ds.span * NS
        this_year = datetime.now(tz=timezone.utc).year
        out = []
        for year in range(d.ns_to_dt(start_ns).year, d.ns_to_dt(end_ns).year + 1):
            ys = int(datetime(year, 1, 1, tzinfo=timezone.utc).timestamp()) * NS
            ye = int(datetime(year + 1, 1, 1, tzinfo=timezone.utc).timestamp()) * NS
            a, b = max(start_ns, ys), min(end_ns, ye)
            if a >= b:
                continue
            f = self.directory(ds) / f"{year}.parquet"
            if f.exists():
                ts = pl.read_parquet(f, columns=["TS"])["TS"]
                if year < this_year and len(ts) >= (ye - ys) // NS // ds.span:
                    continue
                if len(ts):
                    lo, hi = int(ts.min()), int(ts.max())
                    if a < lo:
                        out.append((a, lo))
                    if hi + span_ns < b:
                        out.append((hi + span_ns, b))
                    continue
            out.append((a, b))
        return out

    def inventory(self) -> list[dict]:
        out = []
        for ex in sorted(p for p in self._root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for dt in sorted(p for p in ex.iterdir() if p.is_dir() and p.name in ("ohlc", "trades", "orderbook")):
                for pair in sorted(p for p in dt.iterdir() if p.is_dir()):
                    dirs = sorted(p for p in pair.iterdir() if p.is_dir()) if dt.name == "ohlc" else [pair]
                    for dd in dirs:
                        files = sorted(dd.glob("*.parquet"))
                        if not files:
                            continue
                        mins, maxs, rows = [], [], 0
                        for f in files:
                            ts = pl.read_parquet(f, columns=["TS"])["TS"]
                            if len(ts):
                                rows += len(ts)
                                mins.append(int(ts.min()))
                                maxs.append(int(ts.max()))
                        e = {"exchange": ex.name, "pair": pair.name, "data_type": dt.name}
                        if dt.name == "ohlc":
                            e["span"] = d.str_to_span(dd.name)
                        e.update(files=len(files), rows=rows, min_ts=min(mins, default=None),
                                 max_ts=max(maxs, default=None))
                        out.append(e)
        return out
