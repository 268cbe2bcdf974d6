"""Threads and processes: one store object shared by many threads, several
processes on one root; every acknowledged row present exactly once; the GIL
released while libdccd works."""
from __future__ import annotations

import multiprocessing as mp
import sys
import threading
import time

import polars as pl
import pytest

import dccd_store as d

T2024 = 1_704_067_200 * d.NS
DAY = 86_400 * d.NS


def trades_ds(pair: str = "BTC/USDT") -> d.DatasetId:
    return d.DatasetId("binance", d.Symbol.parse(pair), d.DataType.TRADES)


def batch(worker: int, k: int, n: int, t0: int = T2024) -> list[d.Trade]:
    # tids unique per (worker, k, i); TS spread over two days so saves cross periods
    return [d.Trade(ts=t0 + ((worker * 7919 + k * 131 + i) % 2000) * (DAY // 1000), price=1.0 + i,
                    amount=1.0, side="buy", tid=f"{worker}-{k}-{i}") for i in range(n)]


def test_many_threads_one_store(tmp_path):
    s = d.ParquetStore(tmp_path, durable=False, checkpoint_rows=500, threads=2)
    errors: list[BaseException] = []
    W, K, N = 8, 12, 40

    def work(w: int) -> None:
        try:
            for k in range(K):
                ds = trades_ds() if w % 2 == 0 else trades_ds("ETH/USDT")
                assert s.save(ds, batch(w, k, N)) == N
                if k % 5 == 0:
                    s.load(ds)      # readers interleaved with writers
                    s.inventory()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=work, args=(w,)) for w in range(W)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for pair, ws in (("BTC/USDT", range(0, W, 2)), ("ETH/USDT", range(1, W, 2))):
        df = s.load(trades_ds(pair))
        want = {f"{w}-{k}-{i}" for w in ws for k in range(K) for i in range(N)}
        assert df.height == len(want)
        assert set(df["tid"].to_list()) == want
        assert df["TS"].is_sorted()
    s.checkpoint()
    files = sorted(tmp_path.glob("binance/trades/BTC-USDT/*.parquet"))
    assert pl.read_parquet(files)["tid"].n_unique() == (W // 2) * K * N


def _proc_worker(root: str, w: int, K: int, N: int, q) -> None:
    try:
        s = d.ParquetStore(root, durable=False, checkpoint_rows=300)
        for k in range(K):
            s.save(trades_ds(), batch(w, k, N))
        q.put(None)
    except BaseException as e:  # noqa: BLE001
        q.put(repr(e))


def test_processes_share_a_root(tmp_path):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    P, K, N = 4, 10, 30
    procs = [ctx.Process(target=_proc_worker, args=(str(tmp_path), w, K, N, q)) for w in range(P)]
    for p in procs:
        p.start()
    results = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == [None] * P
    s = d.ParquetStore(tmp_path)
    df = s.load(trades_ds())
    assert df.height == P * K * N and df["tid"].n_unique() == P * K * N
    s.checkpoint()
    assert s.verify()["problems"] == []


def test_gil_released_during_load(tmp_path):
    s = d.ParquetStore(tmp_path, durable=False)
    ds = d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)
    n = 1_500_000
    ts = pl.int_range(0, n, eager=True) * (60 * d.NS) + T2024
    df = pl.DataFrame({"TS": ts, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0, "volume": 1.0})
    s.save(ds, df)
    s.checkpoint()
    core = s._core
    key = ("binance", "BTC", "USDT", "spot", "ohlc", 60)
    old_interval = sys.getswitchinterval()
    interval = 0.001                          # a short switch interval: the
    sys.setswitchinterval(interval)           # held-GIL bound is tight

    def attempt() -> tuple:
        done = threading.Event()
        spins = [0]

        def spin() -> None:
            while not done.is_set():
                spins[0] += 1
        t = threading.Thread(target=spin)
        t.start()
        time.sleep(0.05)
        a, t0 = spins[0], time.perf_counter()
        time.sleep(0.2)                       # the spinner alone: its free rate
        rate = (spins[0] - a) / (time.perf_counter() - t0)
        before = spins[0]
        start = time.perf_counter()
        core.load(key, None, None).close()    # one C call: decode with the GIL released
        took = time.perf_counter() - start
        during = spins[0] - before
        done.set()
        t.join()
        return during, rate, took

    # held for the whole call, the spinner would get at most one switch
    # interval (1 ms here) of it; released, it runs alongside (on a busy machine
    # at least several intervals' worth).  A busy machine can starve the
    # spinner once: three tries, the GIL held would fail all of them.
    try:
        tries = [attempt() for _ in range(3)]
    finally:
        sys.setswitchinterval(old_interval)
    assert all(took > 10 * interval for _, _, took in tries), tries
    assert any(during > 4 * rate * interval for during, rate, _ in tries), tries
