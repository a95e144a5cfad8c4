"""Checks shared by the query builders: each refusal names the valid choices, before any request.

Example:
    >>> one_of("fortnight", ("day", "week"), "interval")
    Traceback (most recent call last):
    ...
    posthog_frames.ValidationError: interval='fortnight' is not one PostHog has; use one of: ...
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from typing import Any

from posthog_frames._reference import RELATIVE_DATE, RELATIVE_DATE_KINDS
from posthog_frames.exceptions import InvalidArgument, ValidationError

__all__ = ["date_text", "one_of", "positive_int", "text", "text_or_none"]


def one_of(value: Any, choices: Sequence[str], name: str) -> str:
    """*value* when it is one of *choices*, else a ValidationError naming them (and the closest).

    Example:
        >>> one_of("week", ("day", "week"), "interval")
        'week'
    """
    if isinstance(value, str) and value in choices:
        return value
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValidationError(
        f"{name}={value!r} is not one PostHog has; use one of: {', '.join(choices)}.{hint}",
        attr=name,
    )


def text(value: Any, name: str) -> str:
    """A non-empty string, else InvalidArgument (a TypeError too).

    Example:
        >>> text("$pageview", "event")
        '$pageview'
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{name} must be a non-empty string, got {value!r}.", attr=name)
    return value


def text_or_none(value: Any, name: str) -> str | None:
    """None, or a non-empty string.

    Example:
        >>> text_or_none(None, "custom_name") is None
        True
    """
    return None if value is None else text(value, name)


def positive_int(value: Any, name: str) -> int:
    """A whole number of at least 1 (not a bool).

    Example:
        >>> positive_int(14, "window")
        14
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{name} must be a whole number of at least 1, got {value!r}.", attr=name
        )
    return value


def date_text(value: Any, name: str) -> str | None:
    """A date as PostHog reads it: relative (``-7d``, ``-3m``, ``mStart``), ISO text, ``"all"``
    (date_from only), or a ``date``/``datetime``/``Timestamp`` (sent as ISO text).

    Example:
        >>> date_text(dt.date(2025, 3, 1), "date_from"), date_text("-30d", "date_from")
        ('2025-03-01', '-30d')
    """
    if value is None:
        return None
    if isinstance(value, dt.date):  # datetime and pandas' Timestamp are dates too
        return value.isoformat()
    if isinstance(value, str):
        relative = RELATIVE_DATE.fullmatch(value)
        if relative and relative["kind"] in RELATIVE_DATE_KINDS:
            return value
        if value == "all" and name in ("date_from", "after"):
            return value
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value
        except ValueError:
            pass
    raise ValidationError(
        f"{name}={value!r} is not a date PostHog reads: use a relative date ('-7d', '-2w', "
        "'-3m' months, '-1y', '-24h', 'mStart'), an ISO date or time ('2025-03-01'), a "
        "datetime.date/datetime or a pandas Timestamp"
        + (", or 'all'." if name in ("date_from", "after") else "."),
        attr=name,
    )
