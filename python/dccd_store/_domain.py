"""The seed's domain vocabulary, for users without the application.

These are light, dependency-free counterparts of the application's
``dccd.domain`` modules as the seed's README describes them: ``DataType``,
``Market``, ``Symbol``, ``DatasetId``, ``Provenance``, the record types
``OHLCBar``, ``Trade``, ``OrderBookLevel``, ``OrderBookSnapshot``, and the
time helpers ``NS``, ``span_label``, ``str_to_span``, ``ns_to_dt``.

The store never requires these classes: every ``ParquetStore`` method takes
any object with the same attribute names (the application's pydantic
models, dataclasses, named tuples, or dicts for records).
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional, Sequence

__all__ = [
    "NS", "DataType", "Market", "Symbol", "DatasetId", "Provenance", "OHLCBar", "Trade",
    "OrderBookLevel", "OrderBookSnapshot", "span_label", "str_to_span", "ns_to_dt",
]

#: Nanoseconds per second; every ``TS`` is int64 nanoseconds since the Unix epoch, UTC.
NS = 1_000_000_000

_LABELS = {60: "1m", 180: "3m", 300: "5m", 900: "15m", 1800: "30m", 3600: "1h", 7200: "2h",
           14400: "4h", 21600: "6h", 28800: "8h", 43200: "12h", 86400: "1d", 259200: "3d",
           604800: "1w"}
_WORDS = {"minute": 60, "minutely": 60, "min": 60, "1min": 60, "60s": 60,
          "hour": 3600, "hourly": 3600, "h": 3600,
          "day": 86400, "daily": 86400, "d": 86400, "24h": 86400,
          "week": 604800, "weekly": 604800, "w": 604800, "7d": 604800,
          "15d": 1296000, "month": 2592000, "monthly": 2592000}


def span_label(seconds: int) -> str:
    """Directory label of a span: ``60`` -> ``"1m"``, ``3600`` -> ``"1h"``; other spans ``"{n}s"``."""
    return _LABELS.get(int(seconds), f"{int(seconds)}s")


def str_to_span(text: str) -> Optional[int]:
    """Seconds of a span name (``"1h"``, ``"hourly"``, ``"daily"``...), or ``None`` for unknown text."""
    t = str(text).lower()
    for secs, label in _LABELS.items():
        if label == t:
            return secs
    return _WORDS.get(t)


def ns_to_dt(ns: int) -> datetime:
    """The UTC ``datetime`` of a nanosecond timestamp (microsecond precision, as Python's datetime)."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=int(ns) // 1000)


class DataType(str, enum.Enum):
    """Kind of dataset; the value is its directory name."""

    OHLC = "ohlc"
    TRADES = "trades"
    ORDERBOOK = "orderbook"

    def __str__(self) -> str:  # "ohlc", as in directory names and dataset ids
        return self.value


class Market(str, enum.Enum):
    """The market of a symbol: spot, perpetual swap, or quarterly futures."""

    SPOT = "spot"
    PERP = "perp"
    QUARTER = "quarter"
    NEXT_QUARTER = "next_quarter"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Symbol:
    """A trading pair.  ``base``/``quote`` are upper-cased and ``XBT`` becomes ``BTC``."""

    base: str
    quote: str
    market: Market = Market.SPOT

    def __post_init__(self) -> None:
        def norm(x: str) -> str:
            x = str(x).upper()
            return "BTC" if x == "XBT" else x
        object.__setattr__(self, "base", norm(self.base))
        object.__setattr__(self, "quote", norm(self.quote))
        object.__setattr__(self, "market", Market(getattr(self.market, "value", self.market)))

    @classmethod
    def parse(cls, text: str) -> "Symbol":
        """Parse ``BTC/USDT``, ``btc-usdt``, ``BTC_USDT``, optionally with ``:perp``,
        ``:quarter`` or ``:next_quarter``."""
        body, _, suffix = str(text).partition(":")
        market = Market(suffix.lower()) if suffix else Market.SPOT
        cut = min((i for i in (body.find("/"), body.find("-"), body.find("_")) if i >= 0), default=-1)
        if cut <= 0 or cut == len(body) - 1:
            raise ValueError(f"invalid symbol {text!r}: expected BASE/QUOTE")
        return cls(body[:cut], body[cut + 1:], market)

    def pair_slug(self) -> str:
        """Directory name: ``BTC-USDT``, or ``BTC-USDT_PERP`` for a non-spot market."""
        slug = f"{self.base}-{self.quote}"
        return slug if self.market == Market.SPOT else f"{slug}_{self.market.value.upper()}"

    def __str__(self) -> str:
        s = f"{self.base}/{self.quote}"
        return s if self.market == Market.SPOT else f"{s}:{self.market.value}"


@dataclass(frozen=True)
class DatasetId:
    """One dataset: exchange, symbol, data type and, for OHLC only, a span in seconds."""

    exchange: str
    symbol: Symbol
    data_type: DataType
    span: Optional[int] = None

    def __post_init__(self) -> None:
        sym = self.symbol if isinstance(self.symbol, Symbol) else Symbol.parse(str(self.symbol))
        object.__setattr__(self, "symbol", sym)
        object.__setattr__(self, "data_type", DataType(getattr(self.data_type, "value", self.data_type)))

    def pair_slug(self) -> str:
        """The symbol's directory name (``BTC-USDT``, ``BTC-USDT_PERP``)."""
        return self.symbol.pair_slug()

    def __str__(self) -> str:
        if self.data_type == DataType.OHLC:
            span = "None" if self.span is None else f"{self.span}s"
            return f"{self.exchange}:{self.symbol}:ohlc:{span}"
        return f"{self.exchange}:{self.symbol}:{self.data_type.value}"


@dataclass(frozen=True)
class Provenance:
    """Where a file's data came from: stored as JSON in the footer key ``dccd.provenance``."""

    source: str
    derived_from: Optional[str] = None

    def model_dump_json(self) -> str:
        """The JSON the seed writes (pydantic's compact form)."""
        return json.dumps({"source": self.source, "derived_from": self.derived_from},
                          separators=(",", ":"), ensure_ascii=False)


@dataclass(slots=True)
class OHLCBar:
    """One bar; ``quote_volume`` and ``trades`` may be ``None``."""

    ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: Optional[float] = None
    trades: Optional[int] = None


@dataclass(slots=True)
class Trade:
    """One trade; ``side`` is ``"buy"``, ``"sell"`` or ``None``; ``tid`` may be ``None``."""

    ts: int
    price: float
    amount: float
    side: Optional[str] = None
    tid: Optional[str] = None


@dataclass(slots=True)
class OrderBookLevel:
    """One price level of a book side."""

    price: float
    amount: float
    count: Optional[int] = None


@dataclass(slots=True)
class OrderBookSnapshot:
    """A book at one instant: stored as one row per level (bids first, then asks)."""

    ts: int
    bids: Sequence[Any] = field(default_factory=list)
    asks: Sequence[Any] = field(default_factory=list)
    is_snapshot: bool = True
