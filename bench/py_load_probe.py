"""bench/py_load_probe.py - why a whole-year load is fast in some processes and slow in others.

    python bench/py_load_probe.py DIR dccd|dccd-raised|polars|build [LOADS]

DIR is a store of five years of one-minute bars (2020-2024, built there by the
first call if missing, as bench/py_bench.py's load part builds it); each call is
one fresh process that loads the year 2022 LOADS times (30) after one warm-up
and prints the median in ms:

  dccd         ParquetStore.load in a process that has made no large allocation
  dccd-raised  the same after one 30 MiB malloc + free (through ctypes): that free
               raises glibc's dynamic mmap threshold, as any large free does (the
               save that built a store, a polars query).  While the reader's output
               arrays came from malloc, they then came from the heap in 4 KiB pages
               and a load took 24.5-25.1 ms instead of 17.4; since they are mappings
               of dccd's own (dccd_big_alloc, src/common/mem.c) the two modes agree
  polars       pl.scan_parquet(files).filter(year) and pl.read_parquet(year file)

Run the modes alternately, a few processes each (the machine drifts).
"""
from __future__ import annotations

import ctypes
import pathlib
import statistics
import sys
import time

NS = 1_000_000_000
T2020 = 1_577_836_800 * NS
YA, YB = 1_640_995_200 * NS, 1_672_531_200 * NS - 1  # 2022


def build(root: pathlib.Path) -> None:
    import polars as pl
    import dccd_store as d
    s = d.ParquetStore(root, durable=False)
    n = 5 * 525_600
    i = pl.int_range(0, n, eager=True)
    x = i.cast(pl.Float64)
    s.save(ds(), pl.DataFrame({"TS": T2020 + i * 60 * NS, "open": x, "high": x + 1, "low": x - 1, "close": x,
                               "volume": x, "quote_volume": x, "trades": i}))
    s.checkpoint()


def ds():
    import dccd_store as d
    return d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60)


def median_ms(fn, loads: int) -> float:
    fn()
    ts = []
    for _ in range(loads):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[2] not in ("dccd", "dccd-raised", "polars", "build"):
        print(__doc__, file=sys.stderr)
        return 2
    root, mode = pathlib.Path(sys.argv[1]), sys.argv[2]
    loads = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    if mode == "build":
        build(root)
        return 0
    if not (root / "binance").exists():  # built by another process: this one stays clean
        import subprocess
        subprocess.run([sys.executable, __file__, str(root), "build"], check=True)
    if mode == "polars":
        import polars as pl
        files = sorted((root / "binance/ohlc/BTC-USDT/1m").glob("*.parquet"))
        year = [f for f in files if f.name.startswith("2022")]
        scan = median_ms(lambda: pl.scan_parquet(files).filter((pl.col("TS") >= YA) & (pl.col("TS") <= YB)).collect(),
                         loads)
        read = median_ms(lambda: pl.read_parquet(year), loads)
        print(f"polars scan_parquet {scan:.1f} ms, read_parquet {read:.1f} ms")
        return 0
    import dccd_store as d
    if mode == "dccd-raised":
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc.restype = ctypes.c_void_p
        libc.free.argtypes = [ctypes.c_void_p]
        libc.free(libc.malloc(30 << 20))
    s = d.ParquetStore(root, durable=False)
    print(f"{mode} {median_ms(lambda: s.load(ds(), YA, YB), loads):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
