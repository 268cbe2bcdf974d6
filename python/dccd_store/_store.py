"""``ParquetStore``: the seed's store API over libdccd.

Every method keeps the seed's contract (see ``../shared/seed``): the same
directory layout, file names, schemas, keep-last de-duplication on the
natural key, and return values.  What differs is underneath: a save appends
a pending segment (durable, visible to every dccd reader at once) instead of
rewriting the period file; questions about the data come from footers;
period files reach polars/DuckDB/Spark at the next checkpoint (or at once
with ``sync_checkpoint=True``).  See docs/STORE.md.
"""
from __future__ import annotations

import logging
import pathlib
from typing import Any, Optional

import polars as pl

from . import _core
from ._domain import NS, DataType, Provenance

__all__ = ["ParquetStore", "Scan", "canonicalize", "CorruptFileError"]

logger = logging.getLogger("dccd_store")

CorruptFileError = _core.CorruptFileError

_OHLC_SCHEMA = {"TS": pl.Int64, "open": pl.Float64, "high": pl.Float64, "low": pl.Float64,
                "close": pl.Float64, "volume": pl.Float64, "quote_volume": pl.Float64,
                "trades": pl.Int64}
_TRADES_SCHEMA = {"TS": pl.Int64, "price": pl.Float64, "amount": pl.Float64, "side": pl.String,
                  "tid": pl.String}
_BOOK_SCHEMA = {"TS": pl.Int64, "side": pl.String, "price": pl.Float64, "amount": pl.Float64,
                "count": pl.Int64, "is_snapshot": pl.Boolean}
_SCHEMAS = {"ohlc": _OHLC_SCHEMA, "trades": _TRADES_SCHEMA, "orderbook": _BOOK_SCHEMA}


def _type_name(data_type: Any) -> str:
    v = getattr(data_type, "value", data_type)
    return str(v).lower()


def canonicalize(df: pl.DataFrame, data_type: Any) -> pl.DataFrame:
    """Coerce a (possibly legacy v2) frame to the canonical v3 schema of *data_type*.

    ``quoteVolume`` becomes ``quote_volume`` (unless that exists), ``weightedAverage``
    is dropped, missing canonical columns are added as nulls, and the canonical
    columns are selected in canonical order.  A frame with no columns is returned as
    it is.  Idempotent on canonical frames.
    """
    schema = _SCHEMAS[_type_name(data_type)]
    if df.is_empty() and not df.columns:
        return df
    if "quoteVolume" in df.columns and "quote_volume" not in df.columns:
        df = df.rename({"quoteVolume": "quote_volume"})
    if "weightedAverage" in df.columns:
        df = df.drop("weightedAverage")
    absent = [pl.lit(None, dtype=t).alias(c) for c, t in schema.items() if c not in df.columns]
    if absent:
        df = df.with_columns(absent)
    return df.select(list(schema))


def _ds(ds: Any) -> tuple:
    """Any DatasetId-like object as the tuple _core takes."""
    sym = ds.symbol
    market = getattr(sym, "market", "spot")
    market = str(getattr(market, "value", market) or "spot").lower()
    span = getattr(ds, "span", None)
    return (str(ds.exchange), str(sym.base), str(sym.quote), market, _type_name(ds.data_type),
            None if span is None else int(span))


def _prov(p: Any) -> Optional[tuple]:
    if p is None:
        return None
    der = getattr(p, "derived_from", None)
    return (str(p.source), None if der is None else str(der))


def _is_arrow(obj: Any) -> bool:
    return hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "__arrow_c_array__")


class Scan:
    """The rows ``load`` would return, as an Arrow C stream read as it is consumed.

    Hand it to ``pyarrow.RecordBatchReader.from_stream``, ``polars.DataFrame`` /
    ``polars.from_arrow``, or DuckDB (``duckdb.sql("select ... from scan")``).  Each
    ``__arrow_c_stream__`` call starts a fresh scan of the same range: a reader
    thread keeps a couple of row groups decoded ahead of the consumer, so memory
    stays bounded by a few row groups whatever the range.  Releasing the stream
    (the consumer does) stops the reader.
    """

    def __init__(self, store: "ParquetStore", ds: tuple, start_ns: Optional[int], end_ns: Optional[int]) -> None:
        self._store = store
        self._ds = ds
        self._range = (start_ns, end_ns)

    def __arrow_c_schema__(self) -> Any:
        """The canonical schema (PyCapsule ``arrow_schema``)."""
        return _core.arrow_schema(self._ds[4])

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The PyCapsule stream interface (``arrow_array_stream``): a new scan each call."""
        try:
            stream = self._store._core.scan(self._ds, *self._range)
        finally:
            self._store._drain()
        return stream.__arrow_c_stream__(requested_schema)

    def to_polars(self) -> pl.DataFrame:
        """The whole scan as one polars DataFrame (the canonical columns, even when empty)."""
        return pl.DataFrame(self)


class ParquetStore:
    """Read/write interface for market data stored as Parquet under *data_path*.

    All timestamps (``TS``) are nanoseconds UTC (int64).  One store object is safe to
    share between threads, and several processes may use one root at once (saves of a
    period are serialised by file locks).

    Keyword-only options:

    ``durable``
        fsync files and directories before a save returns (default ``True``).
    ``sync_checkpoint``
        fold every save into the period file before returning, so that polars,
        DuckDB and Spark see it at once, as with the seed (default ``False``: rows
        land in a pending segment, visible to this store at once and to other
        engines after the next checkpoint).
    ``codec``
        Parquet compression of period files: ``snappy`` (the seed's), ``zstd``,
        ``gzip``, ``lz4_raw``, ``brotli``, ``none``.
    ``threads``
        threads libdccd decodes and encodes the columns of a row group with (0, the
        default: every online CPU; 1: the calling thread only).
    ``bad_rows``
        ``"refuse"`` (default): a bad row (null/negative TS, NaN or infinite price,
        negative amount, unknown side, a field of the wrong type) raises
        ``ValueError`` naming the row and field, and nothing is saved.
        ``"drop"``: bad rows are left out and one warning gives their count.
    """

    def __init__(self, data_path: str | pathlib.Path, *, durable: bool = True,
                 sync_checkpoint: bool = False, codec: str = "snappy", bad_rows: str = "refuse",
                 threads: int = 0, row_group_rows: int = 0, checkpoint_rows: int = 0) -> None:
        if bad_rows not in ("refuse", "drop"):
            raise ValueError(f"bad_rows must be 'refuse' or 'drop', not {bad_rows!r}")
        self._root = pathlib.Path(data_path)
        self._drop = bad_rows == "drop"
        self._core = _core.Store(str(self._root), durable=durable, sync_checkpoint=sync_checkpoint,
                                 codec=codec, row_group_rows=row_group_rows,
                                 checkpoint_rows=checkpoint_rows, threads=threads)

    @property
    def root(self) -> pathlib.Path:
        """The store's root directory."""
        return self._root

    def _drain(self) -> None:
        for msg in self._core.take_warnings():
            logger.warning("%s", msg)

    def close(self) -> None:
        """Release the store handle (open scans keep working until closed)."""
        self._drain()
        self._core.close()

    def __enter__(self) -> "ParquetStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def directory(self, ds: Any) -> pathlib.Path:
        """Return the directory for *ds*, creating it if needed."""
        return pathlib.Path(self._core.directory(_ds(ds), True))

    def save(self, ds: Any, records: Any, provenance: Any = None) -> int:
        """Save *records* into *ds*, merged with what is stored (keep-last on the natural key).

        *records* may be a list of records (``OHLCBar``/``Trade``/``OrderBookSnapshot`` or
        anything with the same attribute names, or dicts), a polars DataFrame, a pyarrow
        Table or RecordBatch, or any object with ``__arrow_c_stream__`` /
        ``__arrow_c_array__`` in the canonical schema (missing nullable columns are
        filled with nulls).  Returns the number of incoming rows, as the seed does
        (order-book snapshots count their levels); with ``bad_rows="drop"``, the rows
        saved.
        """
        try:
            if _is_arrow(records):
                n, dropped, why = self._core.save_arrow(_ds(ds), records, _prov(provenance), self._drop)
            else:
                if records is None or len(records) == 0:
                    return 0
                n, dropped, why = self._core.save_records(_ds(ds), records, _prov(provenance), self._drop)
        finally:
            self._drain()
        if dropped:
            logger.warning("save into %s: dropped %d bad row(s); first: %s", _ds_text(ds), dropped, why)
        return n

    def load(self, ds: Any, start_ns: Optional[int] = None, end_ns: Optional[int] = None) -> pl.DataFrame:
        """Rows of *ds* with ``start_ns <= TS <= end_ns``, sorted by TS, as a polars DataFrame.

        ``pl.DataFrame()`` (no columns) when nothing matches, as the seed.  A corrupt
        period file is skipped with a warning through ``logging``.
        """
        try:
            stream = self._core.load(_ds(ds), start_ns, end_ns)
        finally:
            self._drain()
        df = pl.DataFrame(stream)
        return df if df.height else pl.DataFrame()

    def scan(self, ds: Any, start_ns: Optional[int] = None, end_ns: Optional[int] = None) -> Scan:
        """The rows ``load`` would return, streamed in bounded memory: a :class:`Scan`
        (``__arrow_c_stream__``) for pyarrow, polars or DuckDB."""
        return Scan(self, _ds(ds), start_ns, end_ns)

    def last_timestamp(self, ds: Any) -> Optional[int]:
        """Last TS in ns, or ``None`` if no data (from footers, no column read)."""
        try:
            return self._core.last_timestamp(_ds(ds))
        finally:
            self._drain()

    def missing_intervals(self, ds: Any, start_ns: int, end_ns: int) -> list[tuple[int, int]]:
        """Gaps as ``(start_ns, end_ns)`` pairs within ``[start_ns, end_ns]`` (the seed's rule)."""
        try:
            return self._core.missing_intervals(_ds(ds), int(start_ns), int(end_ns))
        finally:
            self._drain()

    def holes(self, ds: Any, start_ns: Optional[int] = None, end_ns: Optional[int] = None,
              min_gap_ns: Optional[int] = None) -> list[tuple[int, int]]:
        """Internal gaps: consecutive TS in range further apart than *min_gap_ns*.

        Each pair is ``(previous_ts, next_ts)``.  For OHLC the default gap is one span
        (a missing bar is a hole); other data types need *min_gap_ns*.
        """
        t = _ds(ds)
        if min_gap_ns is None:
            if t[4] != "ohlc":
                raise ValueError("holes() of trades or order books needs min_gap_ns")
            min_gap_ns = t[5] * NS
        try:
            return self._core.holes(t, start_ns, end_ns, int(min_gap_ns))
        finally:
            self._drain()

    def inventory(self) -> list[dict[str, Any]]:
        """One dict per dataset, from footers: the seed's keys (``exchange``, ``pair``,
        ``data_type``, ``span`` for OHLC only, ``files``, ``rows``, ``min_ts``, ``max_ts``)
        plus ``bytes`` (of period files), ``pending_rows``, and for OHLC
        ``expected_rows`` (bars from the first to the last) and ``missing_rows``.

        ``rows`` counts period-file rows plus pending rows (before de-duplication of
        pending rows, so an upper bound until the next checkpoint).
        """
        try:
            raw = self._core.inventory()
        finally:
            self._drain()
        out = []
        for (exchange, pair, dtype, span, files, rows, min_ts, max_ts, _pseg, prow, nbytes) in raw:
            e: dict[str, Any] = {"exchange": exchange, "pair": pair, "data_type": dtype}
            if dtype == "ohlc":
                e["span"] = span
            e.update(files=files, rows=rows, min_ts=min_ts, max_ts=max_ts, bytes=nbytes,
                     pending_rows=prow)
            if dtype == "ohlc":
                if span and min_ts is not None:
                    expected = (max_ts - min_ts) // (span * NS) + 1
                    e["expected_rows"] = expected
                    e["missing_rows"] = max(0, expected - rows)
                else:
                    e["expected_rows"] = None
                    e["missing_rows"] = None
            out.append(e)
        return out

    def checkpoint(self, ds: Any = None) -> dict[str, int]:
        """Fold pending segments into the period files (one dataset, or every one)."""
        try:
            return self._core.checkpoint(None if ds is None else _ds(ds))
        finally:
            self._drain()

    def verify(self, ds: Any = None) -> dict[str, Any]:
        """Decode and check every period file and pending segment (one dataset, or all).

        Returns ``files``, ``segments``, ``rows`` and ``problems``: a list of
        ``(path relative to the root, what is wrong)``; empty when all is well.
        """
        try:
            return self._core.verify(None if ds is None else _ds(ds))
        finally:
            self._drain()

    @staticmethod
    def read_provenance(file_path: str | pathlib.Path) -> Optional[Provenance]:
        """Return the :class:`Provenance` stored in a Parquet file, if any."""
        p = _core.read_provenance(str(file_path))
        return None if p is None else Provenance(source=p[0], derived_from=p[1])


def _ds_text(ds: Any) -> str:
    try:
        return str(ds)
    except Exception:  # an object without a readable str
        return repr(ds)
