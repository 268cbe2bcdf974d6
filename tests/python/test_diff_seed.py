"""Differential test: random save sequences given to the seed's algorithm on
real polars (seedport.py) and to dccd_store.ParquetStore give the same load()
frames, last_timestamp, missing_intervals, period files, and, after a
checkpoint, the same Parquet files as polars reads them (schema and values).

Rows with equal TS have no order in the seed (polars' sort is not stable), so
frames are compared after a total sort on every column."""
from __future__ import annotations

import random

import polars as pl
import pytest

import dccd_store as d
from seedport import SeedStore

NS = d.NS
Y2025 = 1_735_689_600 * NS   # a year boundary (OHLC periods)
DAY = 86_400 * NS


def total_sort(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True) if df.columns else df


def same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.schema == b.schema
    assert total_sort(a).equals(total_sort(b)), (total_sort(a), total_sort(b))


def ohlc_batch(rng: random.Random) -> list:
    n = rng.randint(1, 40)
    base = Y2025 + rng.randint(-60, 60) * 60 * NS
    return [d.OHLCBar(ts=base + rng.randint(0, 50) * 60 * NS, open=rng.choice([1.0, 2.5, 3.25]),
                      high=float(rng.randint(1, 9)), low=0.5, close=float(rng.randint(1, 9)),
                      volume=float(rng.randint(0, 5)), quote_volume=rng.choice([None, 1.5]),
                      trades=rng.choice([None, 3, 7])) for _ in range(n)]


def trade_batch(rng: random.Random, mode: str) -> list:
    n = rng.randint(1, 30)
    base = Y2025 + DAY + rng.randint(-3, 3) * 3_600 * NS   # around a day boundary
    out = []
    for _ in range(n):
        tid = str(rng.randint(0, 60))
        if mode == "none" or (mode == "mixed" and rng.random() < 0.15):
            tid = None
        out.append(d.Trade(ts=base + rng.randint(0, 20) * NS, price=float(rng.randint(1, 4)),
                           amount=float(rng.randint(1, 3)), side=rng.choice(["buy", "sell", None]), tid=tid))
    return out


def book_batch(rng: random.Random) -> list:
    snaps = []
    for _ in range(rng.randint(1, 4)):
        ts = Y2025 + DAY + rng.randint(-2, 2) * 3_600 * NS
        lv = lambda: d.OrderBookLevel(float(rng.randint(90, 95)), float(rng.randint(1, 5)),  # noqa: E731
                                      rng.choice([None, 1, 2]))
        snaps.append(d.OrderBookSnapshot(ts=ts, bids=[lv() for _ in range(rng.randint(0, 4))],
                                         asks=[lv() for _ in range(rng.randint(0, 4))],
                                         is_snapshot=rng.random() < 0.8))
    return snaps


CASES = [("ohlc", None), ("trades", "all"), ("trades", "none"), ("trades", "mixed"), ("orderbook", None)]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("dtype,mode", CASES)
@pytest.mark.parametrize("seed", range(6))
def test_same_as_seed(tmp_path, dtype, mode, sync, seed):
    rng = random.Random(f"{dtype}-{mode}-{seed}")
    ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), dtype, 60 if dtype == "ohlc" else None)
    seed_store = SeedStore(tmp_path / "seed")
    store = d.ParquetStore(tmp_path / "dccd", durable=False, sync_checkpoint=sync)
    for step in range(rng.randint(3, 10)):
        batch = (ohlc_batch(rng) if dtype == "ohlc" else trade_batch(rng, mode) if dtype == "trades"
                 else book_batch(rng))
        as_frame = dtype != "orderbook" and rng.random() < 0.3
        if as_frame:
            from seedport import records_frame
            frame = records_frame(dtype, batch)
            assert store.save(ds, frame) == seed_store.save(ds, frame)
        else:
            assert store.save(ds, batch) == seed_store.save(ds, batch)
        if rng.random() < 0.3:
            same(store.load(ds), seed_store.load(ds))
    same(store.load(ds), seed_store.load(ds))
    a, b = Y2025 - 30 * 60 * NS, Y2025 + 20 * 60 * NS
    same(store.load(ds, a, b), seed_store.load(ds, a, b))
    assert store.last_timestamp(ds) == seed_store.last_timestamp(ds)
    for lo, hi in ((Y2025 - DAY, Y2025 + DAY), (Y2025 - 400 * DAY, Y2025 + 400 * DAY)):
        assert store.missing_intervals(ds, lo, hi) == seed_store.missing_intervals(ds, lo, hi)
    store.checkpoint()
    mine = sorted(p.name for p in store.directory(ds).glob("*.parquet"))
    theirs = sorted(p.name for p in seed_store.directory(ds).glob("*.parquet"))
    assert mine == theirs
    for name in mine:
        same(pl.read_parquet(store.directory(ds) / name), pl.read_parquet(seed_store.directory(ds) / name))
