"""dccd_store: crypto market data in Parquet, the seed's ``ParquetStore`` over libdccd.

Swap it into an application with one import line::

    from dccd_store import ParquetStore

Files are laid out, named, typed and merged exactly as the seed's store writes
them, so polars, pyarrow, pandas, DuckDB and Spark read them directly.
"""
from ._domain import (NS, DataType, DatasetId, Market, OHLCBar, OrderBookLevel,
                      OrderBookSnapshot, Provenance, Symbol, Trade, ns_to_dt, span_label,
                      str_to_span)
from ._store import CorruptFileError, ParquetStore, Scan, canonicalize

__all__ = [
    "ParquetStore", "Scan", "canonicalize", "CorruptFileError",
    "NS", "DataType", "DatasetId", "Market", "OHLCBar", "OrderBookLevel", "OrderBookSnapshot",
    "Provenance", "Symbol", "Trade", "ns_to_dt", "span_label", "str_to_span",
]
__version__ = "0.1.0"
