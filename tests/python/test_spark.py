"""Spark (pyspark in local mode) reads the store tree with globs, values
exactly as saved.  scripts/python-tests.sh runs it (DCCD_SPARK=1, its
default; about 20 s, plus 35 s for the pip install of pyspark once);
DCCD_SPARK=0 skips it."""
from __future__ import annotations

import os
import shutil

import polars as pl
import pytest

import dccd_store as d

if os.environ.get("DCCD_SPARK") != "1":
    pytest.skip("Spark test SKIPPED: DCCD_SPARK is not 1 (scripts/python-tests.sh sets it)", allow_module_level=True)
if not shutil.which("java"):
    pytest.skip("Spark test SKIPPED: no java on PATH (scripts/setup.sh installs a JRE)",
                allow_module_level=True)
pyspark = pytest.importorskip("pyspark")

NS = d.NS
T = 1_704_067_200 * NS


def test_spark_reads_store_tree(tmp_path):
    from pyspark.sql import SparkSession
    s = d.ParquetStore(tmp_path, durable=False)
    trades = pl.DataFrame({"TS": [T + i for i in range(20)], "price": [100.0 + i / 8 for i in range(20)],
                           "amount": [0.5] * 20, "side": [None if i % 4 == 0 else "buy" for i in range(20)],
                           "tid": [str(i) for i in range(20)]})
    bars = pl.DataFrame({"TS": [T + i * 60 * NS for i in range(10)], "open": [1.0 / 3] * 10, "high": 2.0,
                         "low": 0.5, "close": -0.0, "volume": 5e-324,
                         "quote_volume": [None] * 5 + [1.5] * 5, "trades": [None, 1] * 5})
    for ex in ("binance", "kraken"):
        s.save(d.DatasetId(ex, d.Symbol("BTC", "USDT"), d.DataType.TRADES), trades)
    s.save(d.DatasetId("binance", d.Symbol("BTC", "USDT"), d.DataType.OHLC, 60), bars)
    s.checkpoint()
    spark = (SparkSession.builder.master("local[2]").appName("dccd-interop")
             .config("spark.ui.enabled", "false").getOrCreate())
    try:
        df = spark.read.parquet(str(tmp_path / "*" / "trades" / "*" / "*.parquet"))
        assert df.count() == 40
        rows = sorted(df.filter("tid = '3'").collect(), key=lambda r: r.TS)
        assert [r.price for r in rows] == [100.375, 100.375] and rows[0].side == "buy"
        assert df.filter("side is null").count() == 10
        b = spark.read.parquet(str(tmp_path / "binance" / "ohlc" / "BTC-USDT" / "1m" / "*.parquet"))
        got = sorted(b.collect(), key=lambda r: r.TS)
        assert [r.TS for r in got] == bars["TS"].to_list()
        assert got[0].open == 1.0 / 3 and str(got[0].close) == "-0.0" and got[0].volume == 5e-324
        assert [r.trades for r in got] == bars["trades"].to_list()
        assert [r.quote_volume for r in got] == bars["quote_volume"].to_list()
    finally:
        spark.stop()
