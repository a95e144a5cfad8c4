"""Dates in converters: PostHog's bucket strings as wall-clock buckets or as instants in a zone.

Nothing here does I/O. See the date rule in :mod:`posthog_frames.frames`: by default a bucket
keeps PostHog's clock reading (naive); with ``tz=True`` every bucket becomes the instant it
stands for, so the hour that repeats when clocks go back stays two distinct hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames._compat import TIME_ERRORS, parse_iso
from posthog_frames.exceptions import InvalidResponse
from posthog_frames.frames._common import invalid

DATE_UNIT = "datetime64[us]"  # pandas 3 parses ISO strings to microseconds; match it everywhere
_OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


_LOCALIZE_ERRORS: tuple[type[Exception], ...] = (*TIME_ERRORS, TypeError, KeyError)


def strip_offset(text: str) -> str:
    """``"2022-03-01T00:00:00Z"`` → ``"2022-03-01T00:00:00"``: keep PostHog's wall-clock bucket."""
    return _OFFSET_RE.sub("", text)


def has_offsets(texts: Sequence[Any]) -> bool:
    """Whether every non-null string carries a UTC offset (``Z``, ``+01:00``): an instant."""
    present = [t for t in texts if t is not None]
    return bool(present) and all(isinstance(t, str) and _OFFSET_RE.search(t) for t in present)


def parse_dates(days: Sequence[Any], what: str = "days") -> np.ndarray:
    """Parse PostHog's bucket strings into tz-naive ``datetime64[us]`` (see the module rule).

    Example:
        >>> parse_dates(["2022-03-04", "2022-03-04 13:00:00"]).tolist()[1].hour
        13
    """
    if not all(isinstance(day, str) for day in days):
        raise invalid(f"date strings in {what}", list(days)[:3])
    try:
        parsed = parse_iso([strip_offset(day) for day in days])
    except (ValueError, TypeError, OverflowError):
        raise invalid(f"ISO dates in {what}", list(days)[:3]) from None
    return parsed.to_numpy(dtype=DATE_UNIT)


def parse_instants(days: Sequence[Any], zone: str, what: str = "days") -> np.ndarray:
    """Each bucket's instant, as naive UTC ``datetime64[us]`` (for ``tz=True``).

    Strings with an offset are instants already, so the hour repeated when clocks go back
    stays two hours. Naive buckets are read in *zone* (:func:`localize_wall`).

    Example:
        >>> days = ["2024-11-03T01:00:00-04:00", "2024-11-03T01:00:00-05:00"]
        >>> [str(d) for d in parse_instants(days, "America/New_York")]
        ['2024-11-03T05:00:00.000000', '2024-11-03T06:00:00.000000']
    """
    if has_offsets(days):
        try:
            parsed = parse_iso(days, utc=True)
        except (ValueError, TypeError, OverflowError):
            raise invalid(f"ISO dates in {what}", list(days)[:3]) from None
        return parsed.tz_localize(None).to_numpy(dtype=DATE_UNIT)
    wall = localize_wall(pd.DatetimeIndex(parse_dates(days, what)), zone)
    return wall.tz_convert("UTC").tz_localize(None).to_numpy(dtype=DATE_UNIT)


def in_zone(instants: np.ndarray, zone: str) -> pd.DatetimeIndex:
    """Naive UTC instants (from :func:`parse_instants`) as tz-aware dates in *zone*."""
    try:
        return pd.DatetimeIndex(instants).tz_localize("UTC").tz_convert(zone)
    except (ValueError, TypeError, KeyError) as err:
        raise InvalidResponse(f"cannot convert dates to timezone {zone!r}: {err}") from None


def localize_wall(naive: pd.DatetimeIndex, zone: str) -> pd.DatetimeIndex:
    """Read wall-clock times in *zone*, keeping every clock reading.

    The hour repeated when clocks go back is told apart by order (``ambiguous="infer"``);
    when there is nothing to infer from (a lone repeated hour), its first occurrence is
    daylight time. Hours skipped when clocks go forward move forward to the first real time.

    Example:
        >>> wall = pd.DatetimeIndex(["2024-11-03 01:00", "2024-11-03 01:00"])
        >>> [str(t.utcoffset()) for t in localize_wall(wall, "America/New_York")]
        ['-1 day, 20:00:00', '-1 day, 19:00:00']
    """
    try:
        try:
            return naive.tz_localize(zone, ambiguous="infer", nonexistent="shift_forward")
        except TIME_ERRORS:
            first = ~naive.duplicated()
            return naive.tz_localize(zone, ambiguous=first, nonexistent="shift_forward")
    except _LOCALIZE_ERRORS as err:
        raise InvalidResponse(f"cannot localize dates to timezone {zone!r}: {err}") from None


class DateCache:
    """Parses each distinct ``days`` list once: series of one insight share their buckets.

    With *zone* it gives instants (:func:`parse_instants`), else wall-clock buckets.
    """

    def __init__(self, zone: str | None = None) -> None:
        self._zone = zone
        self._parsed: dict[tuple, np.ndarray] = {}

    def __call__(self, days: Any, what: str) -> np.ndarray:
        if not isinstance(days, list):
            raise invalid("a list of dates in 'days'", days, where=what)
        key = tuple(days)
        try:
            return self._parsed[key]
        except KeyError:
            parsed = self._parsed[key] = self._parse(days, what)
            return parsed
        except TypeError:  # unhashable entries (nested lists) are not dates
            raise invalid("date strings in 'days'", days[:3], where=what) from None

    def _parse(self, days: list, what: str) -> np.ndarray:
        if self._zone is None:
            return parse_dates(days, what)
        return parse_instants(days, self._zone, what)


def bucket_dates(days: Sequence[Any], zone: str | None, what: str = "days") -> pd.DatetimeIndex:
    """Buckets as naive wall-clock dates (*zone* None), or tz-aware in *zone* (``tz=True``).

    Example:
        >>> bucket_dates(["2024-01-01"], "Europe/Paris")[0].isoformat()
        '2024-01-01T00:00:00+01:00'
    """
    if zone is None:
        return pd.DatetimeIndex(parse_dates(days, what))
    return in_zone(parse_instants(days, zone, what), zone)
