"""Date ranges and interval buckets of the demo's insight computations.

Buckets are computed in the project's timezone (PostHog truncates in ``team.timezone``); weeks
start on Sunday, PostHog's default ``week_start_day``. Labels follow the legacy result format:
``labels`` like ``"4-Mar-2022"`` and ``days`` like ``"2022-03-04"``.

Example:
    >>> from datetime import datetime, UTC
    >>> r = resolve_range({"date_from": "-7d"}, datetime(2025, 3, 31, 12, tzinfo=UTC), "UTC")
    >>> r.start.isoformat(), len(r.buckets("day"))
    ('2025-03-24T00:00:00+00:00', 8)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from posthog_frames._reference import RELATIVE_DATE
from posthog_frames.demo.clock import DEMO_START, parse_when
from posthog_frames.demo.errors import DemoValidationError

__all__ = [
    "DateRange",
    "bucket_of",
    "check_interval",
    "floor_to",
    "format_day",
    "format_label",
    "next_bucket",
    "resolve_range",
    "shift_buckets",
]

INTERVALS = ("hour", "day", "week", "month")
_FREQ = {"hour": "h", "day": "D"}
# Relative kinds finer than a day keep their exact moment; coarser ones count whole days.
_SUB_DAY = frozenset("hMs")


@dataclass(frozen=True)
class DateRange:
    """An inclusive range ``[start, end]`` in the project's zone (end = last microsecond)."""

    start: pd.Timestamp
    end: pd.Timestamp

    def buckets(self, interval: str) -> list[pd.Timestamp]:
        """Bucket starts covering the range, the first one aligned down (Sunday weeks)."""
        first = floor_to(self.start, interval)
        out = []
        cur = first
        while cur <= self.end:
            out.append(cur)
            cur = next_bucket(cur, interval)
        return out

    def previous(self) -> DateRange:
        """The period of the same length right before this one (for ``compare``)."""
        length = self.end - self.start
        end = self.start - pd.Timedelta(microseconds=1)
        return DateRange(end - length, end)


def check_interval(interval: Any) -> str:
    """Validate an interval name; PostHog's default is ``day``."""
    interval = interval or "day"
    if interval not in INTERVALS:
        raise DemoValidationError(
            f"interval={interval!r} is not computed by the demo; use one of "
            f"{', '.join(INTERVALS)}.",
            attr="interval",
        )
    return interval


def floor_to(ts: pd.Timestamp, interval: str) -> pd.Timestamp:
    """Start of the bucket holding *ts* (tz-aware, in *ts*'s zone)."""
    if interval in _FREQ:
        return _localize(ts.tz_localize(None).floor(_FREQ[interval]), ts.tz)
    day = ts.tz_localize(None).normalize()
    if interval == "week":
        day = day - pd.Timedelta(days=(day.day_of_week + 1) % 7)
    elif interval == "month":
        day = day.replace(day=1)
    return _localize(day, ts.tz)


def next_bucket(ts: pd.Timestamp, interval: str) -> pd.Timestamp:
    naive = ts.tz_localize(None)
    step = {
        "hour": pd.Timedelta(hours=1),
        "day": pd.Timedelta(days=1),
        "week": pd.Timedelta(days=7),
        "month": pd.DateOffset(months=1),
    }[interval]
    return _localize(naive + step, ts.tz)


def _localize(naive: pd.Timestamp, tz: Any) -> pd.Timestamp:
    # Wall-clock arithmetic then re-localise: a day stays a calendar day across DST changes.
    return naive.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")


def bucket_of(timestamps: pd.Series, interval: str, tz: str) -> pd.Series:
    """Bucket start for each timestamp, in zone *tz* (vectorised ``floor_to``)."""
    local = timestamps.dt.tz_convert(tz).dt.tz_localize(None)
    if interval in _FREQ:
        naive = local.dt.floor(_FREQ[interval])
    else:
        naive = local.dt.normalize()
        if interval == "week":
            naive = naive - pd.to_timedelta((naive.dt.day_of_week + 1) % 7, unit="D")
        elif interval == "month":
            naive = naive - pd.to_timedelta(naive.dt.day - 1, unit="D")
    return naive.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")


def _parse_point(value: Any, now: pd.Timestamp, *, is_end: bool, attr: str) -> pd.Timestamp:
    text = str(value).strip()
    found = RELATIVE_DATE.fullmatch(text)
    if found:
        # PostHog's relative_date_parse (shared with the person filters), on wall-clock time.
        moment = pd.Timestamp(parse_when(text, now=now.to_pydatetime(), tz=now.tzinfo))
        if found["kind"] in _SUB_DAY:
            return moment.tz_convert(now.tz)
        naive = moment.tz_localize(None).normalize()
    else:
        try:
            stamp = pd.Timestamp(text)
        except ValueError as err:
            raise DemoValidationError(
                f"{attr}={text!r} is not a date; use an ISO date like 2025-03-01 or a relative "
                "one like -7d, -4w, -3m, mStart.",
                attr=attr,
            ) from err
        if stamp.tzinfo is not None:
            return stamp.tz_convert(now.tz)
        if len(text) > 10:  # an explicit time of day is kept as given
            return _localize(stamp, now.tz)
        naive = stamp.normalize()
    start = _localize(naive, now.tz)
    if is_end:
        return _localize(naive + pd.Timedelta(days=1), now.tz) - pd.Timedelta(microseconds=1)
    return start


def resolve_range(
    date_range: dict | None, now: datetime, tz: str, *, default_from: str = "-7d"
) -> DateRange:
    """Turn PostHog's ``dateRange`` ({date_from, date_to}) into absolute bounds in zone *tz*.

    Relative dates follow PostHog's grammar (:data:`posthog_frames._reference.RELATIVE_DATE`:
    ``-7d``, ``-2w``, ``-1m`` months, ``-1q``, ``-1y``, ``-24h``, ``-30M`` minutes, ``-10s``,
    with ``Start``/``End`` as in ``-1dStart``, ``mStart``) and count back from now as PostHog's
    ``relative_date_parse`` does. Day and coarser kinds then cover whole days: date_from starts
    at that day's 00:00 (``-7d`` → 7 days ago, 00:00) and date_to ends at its last microsecond;
    hours, minutes and seconds keep the exact moment. date_to defaults to now. ``all`` starts
    at the beginning of the demo log.

    Example:
        >>> from datetime import datetime, UTC
        >>> resolve_range({"date_from": "2025-03-01", "date_to": "2025-03-02"},
        ...               datetime(2025, 3, 31, tzinfo=UTC), "UTC").end.day
        2
    """
    date_range = date_range or {}
    if not isinstance(date_range, dict):
        raise DemoValidationError(
            "dateRange must be an object with date_from/date_to.", attr="dateRange"
        )
    local_now = pd.Timestamp(now).tz_convert(tz)
    raw_from = date_range.get("date_from") or default_from
    if raw_from == "all":
        start = _localize(pd.Timestamp(DEMO_START.date()), local_now.tz)
    else:
        start = _parse_point(raw_from, local_now, is_end=False, attr="date_from")
    raw_to = date_range.get("date_to")
    end = local_now if not raw_to else _parse_point(raw_to, local_now, is_end=True, attr="date_to")
    end = min(end, local_now)
    if start > end:
        raise DemoValidationError(
            f"date_from ({raw_from}) is after date_to ({raw_to or 'now'}); swap them.",
            attr="date_from",
        )
    return DateRange(start, end)


def format_label(ts: pd.Timestamp, interval: str) -> str:
    """Legacy result label: ``4-Mar-2022`` (hourly: ``4-Mar-2022 13:00``)."""
    label = f"{ts.day}-{ts.strftime('%b-%Y')}"
    return f"{label} {ts.strftime('%H:%M')}" if interval == "hour" else label


def format_day(ts: pd.Timestamp, interval: str) -> str:
    """Legacy ``days`` entry: ``2022-03-04`` (hourly: ``2022-03-04 13:00:00``)."""
    return ts.strftime("%Y-%m-%d %H:%M:%S" if interval == "hour" else "%Y-%m-%d")


def shift_buckets(buckets: pd.Series, interval: str, n: int) -> pd.Series:
    """Move bucket starts by *n* intervals in wall-clock time (so DST days stay days)."""
    tz = buckets.dt.tz
    step = {
        "hour": pd.Timedelta(hours=n),
        "day": pd.Timedelta(days=n),
        "week": pd.Timedelta(days=7 * n),
        "month": pd.DateOffset(months=n),
    }[interval]
    naive = buckets.dt.tz_localize(None) + step
    return naive.dt.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
