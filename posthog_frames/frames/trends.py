"""Trends results (and the trends-shaped series other kinds share) as tidy frames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.exceptions import InvalidResponse, ValidationError
from posthog_frames.frames import _common as c
from posthog_frames.frames import _dates as d
from posthog_frames.frames._math import series_maths
from posthog_frames.frames.boxplot import boxplot_frame, is_boxplot
from posthog_frames.frames.calendar import calendar_frame, is_calendar
from posthog_frames.frames.experiments import exposures_frame, is_exposures

# ChartDisplayType → the view word used in df.attrs["view"] and client.insights()["view"].
DISPLAY_VIEWS = {
    "ActionsLineGraph": "line",
    "ActionsLineGraphCumulative": "cumulative",
    "ActionsBar": "bar",
    "ActionsUnstackedBar": "bar",
    "ActionsStackedBar": "stacked_bar",
    "ActionsAreaGraph": "area",
    "CalendarHeatmap": "calendar_heatmap",
    "BoldNumber": "number",
    "ActionsPie": "pie",
    "ActionsBarValue": "bar_value",
    "ActionsTable": "table",
    "WorldMap": "world_map",
    "BoxPlot": "box_plot",
}
AGGREGATED_VIEWS = frozenset({"number", "pie", "bar_value", "table", "world_map"})


def display_of(insight: Mapping[str, Any]) -> str | None:
    """The insight's ChartDisplayType (``trendsFilter.display`` or legacy ``filters.display``)."""
    source = c.query_source(insight)
    for block in (source.get("trendsFilter"), source.get("stickinessFilter")):
        if isinstance(block, Mapping) and block.get("display"):
            return str(block["display"])
    display = c.legacy_filters(insight).get("display")
    return str(display) if display else None


def trends_view(insight: Mapping[str, Any], result: Any = None) -> str:
    """The trends view word (``line``, ``number``, ``pie`` …) from the display, else the shape.

    Example:
        >>> trends_view({"filters": {"insight": "TRENDS", "display": "ActionsPie"}})
        'pie'
    """
    if is_exposures(insight):
        return "cumulative"
    display = display_of(insight)
    if display in DISPLAY_VIEWS:
        return DISPLAY_VIEWS[display]
    if display:
        return display.lower()
    if is_boxplot(insight, result, display):
        return "box_plot"
    return "number" if _is_aggregated(result) else "line"


def _is_aggregated(result: Any) -> bool:
    return (
        isinstance(result, list)
        and bool(result)
        and all(isinstance(item, Mapping) and "aggregated_value" in item for item in result)
    )


def trends_frame(result: Any, wide: bool = False, tz: bool = False) -> pd.DataFrame:
    """A trends result as a long frame: one row per series x date.

    Columns ``series``, ``label``, ``math`` (what the series counts, in words: ``count``,
    ``unique users``, ``sum of revenue``, ``formula A/B`` …), ``date``, ``value`` (+
    ``breakdown_value``, ``compare_label`` when present). Aggregated displays (BoldNumber, pie,
    bar value, table, world map) give one row per series, ``value`` = the aggregated value, no
    ``date``.
    ``wide=True`` pivots a time series to a DatetimeIndex with one column per item, named like
    ``series`` (the display name, custom name first), then `` - <breakdown value>`` and
    `` (current)``/`` (previous)``; names still equal get the series' ``math`` (``"$pageview
    (dau)"``), then `` #2`` …. With a comparison the "previous" columns are aligned by position
    onto the current period's dates, as PostHog's chart overlays them (the long frame keeps
    their true dates); ``attrs["math"]`` maps each column to its math. Box plots
    (display ``BoxPlot``) and experiment exposures convert too (see
    :mod:`~posthog_frames.frames.boxplot`, :mod:`~posthog_frames.frames.experiments`).
    Dates follow the rule in :mod:`posthog_frames.frames` (naive buckets;
    ``tz=True`` gives tz-aware instants).
    ``value`` is int64 when every number is an integer, else float64 with null as NaN.

    Example:
        >>> insight = client.insight("U6hMkMoa").raw    # the insight's JSON, as PostHog sent it
        >>> trends_frame(insight).groupby("series")["value"].sum()
        series
        Daily visitors    1044
        Pageviews         3738
        signed up          203
        Name: value, dtype: int64
    """
    if is_exposures(c.insight_json(result)):
        return exposures_frame(c.insight_json(result), tz=tz)  # per-variant running totals
    items, insight = c.unwrap(result)
    if is_boxplot(insight, items, display_of(insight)):
        # The numbers are statistics per bucket, possibly beside an empty `result`.
        if wide:
            raise ValidationError(
                "wide=True needs one value per series and date; a box plot has six statistics "
                "per date (min, p25, median, p75, max, mean). Leave wide= out and pivot the "
                "statistic you need: df.pivot(index='date', columns='series', values='median').",
                attr="wide",
            )
        attrs = c.metadata(insight, "trends", "box_plot")
        return boxplot_frame(items, insight, attrs, attrs["timezone"] if tz else None)
    items = c.require_list(items, "a list of trends series (dicts with 'data' and 'days')")
    view = trends_view(insight, items)
    attrs = c.metadata(insight, "trends", view)
    if is_calendar(items):  # the numbers are per weekday and hour, beside an empty `data`
        _refuse_wide(wide, view, "one number per weekday and hour")
        identity = _identity_columns(items, insight, np.arange(len(items)), math=True)
        return calendar_frame(items, identity, attrs)
    if view in AGGREGATED_VIEWS or (_is_aggregated(items) and not _has_data(items)):
        _refuse_wide(wide, view, "one number per series")
        return aggregated_frame(items, insight, attrs)
    zone = attrs["timezone"] if tz else None
    columns, rows = series_columns(items, insight, x="date", zone=zone, math=True)
    df = c.frame(columns, attrs)
    return widen(df, rows, maths=[_math_of(item) for item in items]) if wide else df


def _refuse_wide(wide: bool, view: str, shape: str) -> None:
    if wide:
        raise ValidationError(
            f"wide=True needs a time series; this {view!r} insight has {shape}. Leave wide= "
            "out: the long frame is the natural shape already.",
            attr="wide",
        )


def _math_of(item: Mapping[str, Any]) -> str | None:
    action = item.get("action")
    math = action.get("math") if isinstance(action, Mapping) else None
    return math if isinstance(math, str) else None  # "" names nothing either (see _distinct)


def _has_data(items: list) -> bool:
    return any(item.get("data") for item in items)


def aggregated_frame(
    items: list[Mapping[str, Any]], insight: Mapping[str, Any], attrs: dict[str, Any]
) -> pd.DataFrame:
    """One row per series for non-time-series displays; a null aggregate stays NaN."""
    values = [c.field(item, "aggregated_value", "a trends item", i) for i, item in enumerate(items)]
    columns = _identity_columns(items, insight, np.arange(len(items)), math=True)
    columns["value"] = c.numbers(values, "aggregated_value")
    _move_to_end(columns, ("breakdown_value", "compare_label"))
    return c.frame(columns, attrs)


def series_columns(
    items: list[Mapping[str, Any]],
    insight: Mapping[str, Any],
    x: str,
    zone: str | None = None,
    math: bool = False,
) -> tuple[dict[str, Any], np.ndarray]:
    """Columns for trends-shaped items (identity columns, *x*, value) and each row's item.

    ``x="days"`` keeps integer days (stickiness); ``x="date"`` parses date buckets once per
    distinct ``days`` list: naive wall-clock buckets, or tz-aware instants in *zone* when given.
    ``math=True`` adds the ``math`` column (what each series counts, in words).
    """
    datas, days_lists = [], []
    for i, item in enumerate(items):
        data = c.field(item, "data", "a series", i)
        days = c.field(item, "days", "a series", i)
        if not isinstance(data, list) or not isinstance(days, list) or len(data) != len(days):
            raise c.invalid(
                "'data' and 'days' lists of equal length",
                {"data": data, "days": days},
                where=f"result[{i}]",
            )
        datas.append(data)
        days_lists.append(days)
    lengths = np.fromiter((len(d) for d in datas), dtype=np.int64, count=len(datas))
    rows = np.repeat(np.arange(len(items)), lengths)
    columns = _identity_columns(items, insight, rows, math=math)
    if x == "date":
        parse = d.DateCache(zone)
        parsed = [parse(days, f"result[{i}].days") for i, days in enumerate(days_lists)]
        dates = np.concatenate(parsed) if parsed else np.array([], dtype=d.DATE_UNIT)
        columns["date"] = dates if zone is None else d.in_zone(dates, zone).array
    else:
        days = c.numbers(c.flatten(days_lists), "days")
        if days.dtype.kind != "i":
            raise c.invalid("integer day counts in 'days'", days[:5].tolist())
        columns[x] = days
    columns["value"] = c.numbers(c.flatten(datas), "data")
    _move_to_end(columns, ("breakdown_value", "compare_label"))
    return columns, rows


def _identity_columns(
    items: list[Mapping[str, Any]], insight: Mapping[str, Any], rows: np.ndarray, math: bool
) -> dict[str, Any]:
    definitions = c.series_definitions(insight)
    names, labels = [], []
    for item in items:
        action = item.get("action")
        order = action.get("order") if isinstance(action, Mapping) else None
        name = c.display_name(action, order, definitions, fallback=item.get("label"))
        names.append(name)
        labels.append(item.get("label") if item.get("label") is not None else name)
    columns: dict[str, Any] = {"series": c.repeat(names, rows), "label": c.repeat(labels, rows)}
    if math:
        columns["math"] = c.repeat(series_maths(items, insight, definitions), rows)
    if any("breakdown_value" in item for item in items):
        values = [c.unwrap_breakdown(item.get("breakdown_value")) for item in items]
        columns["breakdown_value"] = c.repeat(values, rows)
    compare = c.compare_labels(items, insight)
    if compare is not None:
        columns["compare_label"] = c.repeat(compare, rows)
    return columns


def _move_to_end(columns: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in columns:
            columns[key] = columns.pop(key)


def widen(df: pd.DataFrame, rows: np.ndarray, maths: list | None = None) -> pd.DataFrame:
    """Long trends frame → DatetimeIndex x one column per item, named as in :func:`trends_frame`.

    *rows* gives each row's item position, so two items with one name stay apart; *maths* (one
    per item) tells equal names apart. Previous-period items are put on the current period's
    dates by position (see :func:`trends_frame`).
    """
    items, first = np.unique(rows, return_index=True)
    names = [str(name) for name in df["series"].astype(object).to_numpy()[first]]
    dates = df["date"]
    if "breakdown_value" in df:
        values = df["breakdown_value"].astype(object).to_numpy()[first]
        names = [_with_breakdown(name, value) for name, value in zip(names, values, strict=True)]
    if "compare_label" in df:
        compare = df["compare_label"].astype(object).to_numpy()[first]
        names = [
            f"{name} ({cmp})" if isinstance(cmp, str) else name
            for name, cmp in zip(names, compare, strict=True)
        ]
        dates = _align_previous(dates, rows, first, list(compare))
    keys = _distinct(names, [maths[i] if maths else None for i in items])
    long = pd.DataFrame(
        {
            "date": dates,
            "column": np.array(keys, dtype=object)[np.searchsorted(items, rows)],
            "value": df["value"],
        }
    )
    try:
        wide = long.pivot(index="date", columns="column", values="value")
    except ValueError:
        raise _repeated_date(long, df.attrs.get("timezone")) from None
    wide = wide.reindex(columns=keys)
    wide.columns.name = None
    wide.attrs.update(df.attrs)
    if "math" in df:  # the long frame's math column, one entry per wide column
        texts = df["math"].astype(object).to_numpy()[first]
        wide.attrs["math"] = dict(zip(keys, texts.tolist(), strict=True))
    return wide


def _with_breakdown(name: str, value: Any) -> str:
    # PostHog's own label for a breakdown item: "$pageview - Chrome" ("- Chrome - Mac" for two).
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return name
    parts = value if isinstance(value, tuple) else (value,)
    return " - ".join([name, *map(str, parts)])


def _distinct(names: list[str], maths: list[str | None]) -> list[str]:
    """*names* made unique: equal ones get their math (``"$pageview (dau)"``), then ``#2`` …."""
    counts = {name: names.count(name) for name in names}
    named = [
        f"{name} ({math})" if counts[name] > 1 and math else name
        for name, math in zip(names, maths, strict=True)
    ]
    keys: list[str] = []
    seen: dict[str, int] = {}
    for name in named:
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return keys


def _align_previous(
    dates: pd.Series, rows: np.ndarray, first: np.ndarray, compare: list
) -> pd.Series:
    """Dates with each previous-period item moved onto its current item's dates, by position.

    PostHog lists the previous items after the current ones, in the same order, so the n-th
    previous item pairs with the n-th current one. Points beyond the current item's length
    keep their spacing, shifted like the last paired point.
    """
    current = [i for i, label in enumerate(compare) if label == "current"]
    previous = [i for i, label in enumerate(compare) if label == "previous"]
    out = dates.reset_index(drop=True).copy()
    if not current:
        return out
    lengths = np.diff(np.append(first, len(rows)))  # an item's rows are contiguous
    for n, item in enumerate(previous):
        pair = current[min(n, len(current) - 1)]
        start, size = int(first[item]), int(lengths[item])
        cur_start, cur_size = int(first[pair]), int(lengths[pair])
        shared = min(size, cur_size)
        own = out.iloc[start : start + size].to_numpy(copy=True)
        target = out.iloc[cur_start : cur_start + shared].to_numpy()
        out.iloc[start : start + shared] = target
        # Both items have rows (an empty item has no `first`), so `shared` is at least one; the
        # slice is empty when the previous item is not the longer one.
        shift = target[shared - 1] - own[shared - 1]
        out.iloc[start + shared : start + size] = own[shared:] + shift
    return out


def _repeated_date(long: pd.DataFrame, zone: str | None) -> InvalidResponse:
    """The error for a pivot that found one series twice on one date, saying why it happens."""
    repeated = long[long.duplicated(["column", "date"])].iloc[0]
    when, column = repeated["date"], repeated["column"]
    message = f"wide=True needs one value per series and date, but {column!r} has {when} twice"
    if _is_repeated_hour(when, zone):
        message += (
            f": a repeated wall-clock hour, when clocks went back in {zone} (a clock change). "
            "Pass tz=True to keep both hours as distinct instants, or use the long frame."
        )
    else:
        message += ". Use the long frame (wide=False) and aggregate it as you need."
    return InvalidResponse(message)


def _is_repeated_hour(when: pd.Timestamp, zone: str | None) -> bool:
    # An instant (tz=True) is never ambiguous: localizing it raises TypeError; a name that is no
    # time zone raises too (ValueError, KeyError). Without a zone nothing is localized.
    try:
        localized = pd.DatetimeIndex([when]).tz_localize(zone, ambiguous="NaT")
    except (ValueError, TypeError, KeyError):
        return False
    return bool(localized.isna()[0])
