"""Colours and text formatting shared by the plots in :mod:`posthog_frames.plotting`.

Colours follow PostHog's frontend (``frontend/src/styles/vars.scss``): the series palette is its
``--data-color-1..15`` and the lifecycle colours are ``$_lifecycle_*`` (new = primary blue,
returning = success green, resurrecting = ``--data-lilac``, dormant = danger red).

Example:
    >>> from posthog_frames.plotting._style import human_duration, percent_text
    >>> human_duration(5400), percent_text(0.421)
    ('1h 30min', '42.1%')
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

__all__ = [
    "DATA_COLORS",
    "LIFECYCLE_COLORS",
    "LIFECYCLE_ORDER",
    "PREVIOUS_ALPHA",
    "color_for",
    "display_text",
    "human_duration",
    "nice_duration_step",
    "number_text",
    "percent_text",
    "truncate",
]

DATA_COLORS: tuple[str, ...] = (
    "#1d4aff",
    "#621da6",
    "#42827e",
    "#ce0e74",
    "#f14f58",
    "#7c440e",
    "#529a0a",
    "#0476fb",
    "#fe729e",
    "#35416b",
    "#41cbc4",
    "#b64b02",
    "#e4a604",
    "#a56eff",
    "#30d5c8",
)

LIFECYCLE_ORDER: tuple[str, ...] = ("new", "returning", "resurrecting", "dormant")
LIFECYCLE_COLORS: dict[str, str] = {
    "new": "#1d4aff",
    "returning": "#388600",
    "resurrecting": "#a56eff",
    "dormant": "#db3707",
}

# Previous-period bars are drawn in their current period's colour, faded, so pairs read together.
PREVIOUS_ALPHA = 0.45

_DURATION_UNITS = (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0))


def color_for(index: int) -> str:
    """The PostHog series colour for the *index*-th series (the palette repeats)."""
    return DATA_COLORS[index % len(DATA_COLORS)]


def _trim(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_text(fraction: float) -> str:
    """Format a 0..1 fraction the way PostHog labels conversions: ``'100%'``, ``'42.1%'``.

    Example:
        >>> percent_text(1.0), percent_text(0.05)
        ('100%', '5%')
    """
    if fraction is None or pd.isna(fraction):
        return "–"
    return f"{_trim(float(fraction) * 100)}%"


def number_text(value: float) -> str:
    """A total with thousands separators and at most two decimals (``'12,345'``, ``'3.25'``).

    Example:
        >>> number_text(12345.0), number_text(2.5)
        ('12,345', '2.5')
    """
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".")


def human_duration(seconds: float) -> str:
    """Seconds as a short human duration: whole largest unit plus the next (``'1h 30min'``).

    Example:
        >>> human_duration(90), human_duration(1.38), human_duration(108000)
        ('1min 30s', '1.4s', '1d 6h')
    """
    if seconds is None or pd.isna(seconds):
        return "–"
    seconds = float(seconds)
    sign = "-" if seconds < 0 else ""
    magnitude = abs(seconds)
    if magnitude < 60:
        return f"{sign}{_trim(magnitude)}s"
    magnitude = float(round(magnitude))  # sub-second detail is noise beyond a minute
    for (unit, size), (rest_unit, rest_size) in itertools.pairwise(_DURATION_UNITS):
        if magnitude >= size:
            whole = int(magnitude // size)
            rest = round((magnitude - whole * size) / rest_size)
            if rest * rest_size >= size:  # 59.7min rounds up to a whole hour
                whole, rest = whole + 1, 0
            return f"{sign}{whole}{unit}" + (f" {rest}{rest_unit}" if rest else "")
    raise AssertionError("unreachable: magnitude >= 60 matches a unit")


def nice_duration_step(span: float, target_ticks: int = 8) -> float:
    """A tick step in seconds that lands on round human units (30s, 5min, 6h, 1d, ...)."""
    steps = [1, 2, 5, 10, 15, 30]
    steps += [60 * m for m in (1, 2, 5, 10, 15, 30)]
    steps += [3600 * h for h in (1, 2, 3, 6, 12)]
    steps += [86400 * d for d in (1, 2, 7, 14, 30, 60, 90, 180, 365)]
    for step in steps:
        if span / step <= target_ticks:
            return float(step)
    return float(86400 * 365 * math.ceil(span / (86400 * 365 * target_ticks)))


def display_text(value: Any) -> str:
    """Text for a breakdown value: lists (funnel breakdowns) joined, missing values named."""
    if isinstance(value, (list, tuple)):
        return ", ".join(display_text(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(none)"
    return str(value)


def truncate(text: str, width: int = 60) -> str:
    """Shorten long tick labels (URLs in paths) with an ellipsis in the middle."""
    if len(text) <= width:
        return text
    half = (width - 1) // 2
    return f"{text[:half]}…{text[-(width - 1 - half) :]}"
