"""The demo's fixed clock and the date helpers its data, filters and analytics share.

Everything in the demo is computed against ``DEMO_NOW`` (or the ``now`` a server is given), never
the wall clock, so the same seed always gives the same answers. The synthetic history starts
at ``DEMO_START``; ``LAUNCH_DAY`` is the launch whose spike shows in signups and traffic.

Example:
    >>> iso(DEMO_NOW), iso_z(DEMO_NOW)
    ('2025-03-31T12:00:00Z', '2025-03-31T12:00:00.000000Z')
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from posthog_frames._reference import RELATIVE_DATE

__all__ = ["DEMO_NOW", "DEMO_START", "LAUNCH_DAY", "iso", "iso_z", "parse_when"]

DEMO_NOW = datetime(2025, 3, 31, 12, 0, 0, tzinfo=UTC)
DEMO_START = datetime(2025, 1, 1, tzinfo=UTC)
LAUNCH_DAY = datetime(2025, 2, 10, tzinfo=UTC)


def iso_z(moment: datetime) -> str:
    """Format an aware datetime the way PostHog's serializers do: ``2025-02-03T09:14:07.123000Z``.

    Example:
        >>> iso_z(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
        '2025-01-02T03:04:05.000000Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(moment: datetime) -> str:
    """ISO text with ``Z`` for UTC and no fraction when there is none, as PostHog's insight
    serializers print (``pandas.Timestamp`` works too: it is a datetime).

    Example:
        >>> iso(datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
        '2025-03-01T09:30:00+09:00'
    """
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_when(
    value: Any, *, now: datetime, tz: ZoneInfo | None = None, relative: bool = True
) -> datetime | None:
    """Parse an absolute ISO date/datetime or a relative ``-7d`` into an aware datetime.

    Naive values are read in *tz* (the project time zone); unparseable text gives None.
    Relative dates follow PostHog's grammar (:data:`posthog_frames._reference.RELATIVE_DATE`)
    and are counted back from *now* in *tz*, as :func:`_relative` explains.

    Example:
        >>> parse_when("-7d", now=DEMO_NOW).isoformat()
        '2025-03-24T12:00:00+00:00'
        >>> parse_when("-1dStart", now=DEMO_NOW).isoformat()
        '2025-03-30T00:00:00+00:00'
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    zone = tz or UTC
    found = RELATIVE_DATE.fullmatch(text) if relative else None
    if found:
        return _relative(now.astimezone(zone), found)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


_HOUR_START = {"minute": 0, "second": 0, "microsecond": 0}
_HOUR_END = {"minute": 59, "second": 59, "microsecond": 999999}
_SNAPS: dict[tuple[str, str | None], dict[str, Any]] = {
    ("h", "Start"): _HOUR_START,
    ("h", "End"): _HOUR_END,
    ("d", "Start"): {"hour": 0, **_HOUR_START},
    ("d", "End"): {"hour": 23, **_HOUR_END},
}
_STEPS = {"h": "hours", "d": "days", "w": "weeks", "M": "minutes", "s": "seconds"}


def _relative(local: datetime, found: re.Match[str]) -> datetime:
    """*local* minus a relative date, as PostHog's ``get_delta_mapping_for`` + relativedelta.

    Read in PostHog's ``posthog/utils.py``: h/d/w/M/s step back by hours, days, weeks, minutes,
    seconds; q by 13 weeks; m and y by calendar months and years (day clamped to the month's
    end). ``Start``/``End`` first snap h to the hour, d to the day, m to day 1 / 31 and y to
    1 January / day 31 of the month. Letters without a branch there (H, D, W, Q, Y, S) change
    nothing: PostHog reads them as now.
    """
    number = int(found["number"] or 0)
    kind, position = found["kind"], found["position"]
    if kind in _STEPS:
        snap = _SNAPS.get((kind, position), {})
        return local.replace(**snap) - timedelta(**{_STEPS[kind]: number})
    if kind == "q":
        return local - timedelta(weeks=13 * number)
    day = 1 if position == "Start" else 31 if position == "End" else None
    if kind == "m":
        return _shift_months(local, number, day=day)
    if kind == "y":
        month = 1 if position == "Start" else None
        return _shift_months(local, 12 * number, month=month, day=day)
    return local


def _shift_months(
    moment: datetime, months: int, *, month: int | None = None, day: int | None = None
) -> datetime:
    """relativedelta(months=-n, month=.., day=..): the day is clamped to the month's length."""
    index = moment.year * 12 + (month or moment.month) - 1 - months
    year, zero_based = divmod(index, 12)
    last = calendar.monthrange(year, zero_based + 1)[1]
    return moment.replace(year=year, month=zero_based + 1, day=min(day or moment.day, last))
