"""Helpers shared by the per-kind converters: unwrapping, metadata, numbers, names and columns.

Nothing here does I/O. Every helper raises :class:`~posthog_frames.exceptions.InvalidResponse`
for input of the wrong shape, so converters never leak a KeyError or a pandas traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames._compat import text_array
from posthog_frames.exceptions import InsightNotComputed, InvalidResponse

_META_KEYS = ("id", "short_id", "last_refresh", "is_cached")
# Where a definition lives: an insight's `query`; an experiment response's metric query
# (`count_query` for trends, `funnels_query`; `trends_query` in older answers).
_EXPERIMENT_QUERY_KEYS = ("query", "count_query", "funnels_query", "trends_query")


def describe(value: Any) -> str:
    """A short description of *value* for error messages (type and a clipped repr)."""
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'…' if len(text) > 80 else ''}"


def invalid(expected: str, got: Any = None, *, where: str = "result") -> InvalidResponse:
    """Build the error for a result of the wrong shape, naming what was expected."""
    found = "" if got is None else f", got {describe(got)}"
    return InvalidResponse(
        f"{where}: expected {expected}{found}. Is this the insight kind you think it is? "
        "Pass the whole insight (or /query/ response) so its kind can be detected."
    )


def insight_json(obj: Any) -> Any:
    """*obj*'s JSON: an :class:`~posthog_frames.insight.Insight`'s ``.raw``, else *obj* itself.

    Example:
        >>> insight_json(client.insight("U6hMkMoa"))["short_id"]
        'U6hMkMoa'
    """
    raw = getattr(obj, "raw", None)
    return raw if isinstance(raw, Mapping) and not isinstance(obj, Mapping) else obj


def unwrap(obj: Any) -> tuple[Any, Mapping[str, Any]]:
    """Split *obj* into ``(result, insight)``: an insight, a /query/ response or a bare result.

    ``insight`` is ``{}`` for a bare result. An ``Insight`` object stands for its ``.raw``.
    ``result: null`` raises :class:`InsightNotComputed`.

    Example:
        >>> unwrap({"result": [1], "name": "x"})[0]
        [1]
    """
    obj = insight_json(obj)
    if isinstance(obj, Mapping):
        for key in ("result", "results"):
            if key in obj:
                return _computed(obj[key], obj), obj
        if str(obj.get("kind", "")).startswith("Experiment") and "insight" in obj:
            return _computed(obj["insight"], obj), obj
        if "query_status" in obj and obj.get("query_status"):
            raise InsightNotComputed(
                "The query is still running (asynchronous). Fetch it again with "
                'refresh="blocking" to wait for the result.'
            )
    return obj, {}


def _computed(result: Any, insight: Mapping[str, Any]) -> Any:
    if result is None:
        name = insight.get("name") or insight.get("derived_name") or insight.get("short_id")
        which = f"Insight {name!r}" if name else "The insight"
        raise InsightNotComputed(
            f"{which} has no result (result: null): PostHog has not computed it, or its cache "
            'expired. Fetch it again with refresh="blocking" to compute it.'
        )
    return result


def query_source(insight: Mapping[str, Any]) -> Mapping[str, Any]:
    """The insight's query definition (``query.source`` for an InsightVizNode), or ``{}``."""
    query: Any = None
    for key in _EXPERIMENT_QUERY_KEYS:
        if isinstance(insight.get(key), Mapping):
            query = insight[key]
            break
    if query is None:
        return {}
    source = query.get("source")
    return source if isinstance(source, Mapping) else query


def legacy_filters(insight: Mapping[str, Any]) -> Mapping[str, Any]:
    """The legacy ``filters`` dict, or ``{}``."""
    filters = insight.get("filters")
    return filters if isinstance(filters, Mapping) else {}


def metadata(insight: Mapping[str, Any], kind: str, view: str) -> dict[str, Any]:
    """The ``df.attrs`` every converter sets: kind, view, timezone and what the insight knows.

    Example:
        >>> metadata({"short_id": "abc12345"}, "trends", "line")["timezone"]
        'UTC'
    """
    attrs: dict[str, Any] = {"kind": kind, "view": view}
    name = insight.get("name") or insight.get("derived_name")
    if name:
        attrs["name"] = name
    for key in _META_KEYS:
        if insight.get(key) is not None:
            attrs[key] = insight[key]
    attrs["timezone"] = insight.get("timezone") or "UTC"
    interval = query_source(insight).get("interval") or legacy_filters(insight).get("interval")
    if interval:
        attrs["interval"] = interval
    if insight.get("filters"):
        attrs["filters"] = insight["filters"]
    query = next((insight[k] for k in _EXPERIMENT_QUERY_KEYS if insight.get(k)), None)
    if query:
        attrs["query"] = query
    if insight.get("exposure_query"):  # an experiment's exposure definition, beside its metric
        attrs["exposure_query"] = insight["exposure_query"]
    return attrs


def require_list(result: Any, expected: str) -> list:
    """*result* as a list of dicts, else :class:`InvalidResponse`."""
    if not isinstance(result, list) or not all(isinstance(item, Mapping) for item in result):
        raise invalid(expected, result)
    return result


def field(item: Mapping[str, Any], key: str, expected: str, index: int) -> Any:
    """``item[key]`` or an :class:`InvalidResponse` naming the missing key."""
    try:
        return item[key]
    except (KeyError, TypeError):
        raise invalid(f"{expected} with a {key!r} key", item, where=f"result[{index}]") from None


def numbers(values: list, what: str) -> np.ndarray:
    """A numeric array: int64 when every value is an integer, float64 otherwise (null → NaN).

    Example:
        >>> numbers([1, None, 3], "value").tolist()
        [1.0, nan, 3.0]
    """
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):
        raise invalid(f"numbers in {what}", values[:5]) from None
    if array.ndim != 1 or array.dtype.kind == "b":
        raise invalid(f"numbers in {what}", values[:5])
    if array.size == 0:
        return np.array([], dtype=np.int64)
    if array.dtype.kind in "iuf":
        return array if array.dtype.kind == "f" or array.dtype == np.int64 else _int64(array)
    bad = [v for v in values if v is not None and not _is_number(v)]
    if bad:
        raise invalid(f"numbers in {what}", bad[0])
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _int64(array: np.ndarray) -> np.ndarray:
    # uint64 beyond int64 (ClickHouse UInt64 counts) would wrap around: keep those as float.
    if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
        return array.astype(np.float64)
    return array.astype(np.int64)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def optional_floats(values: Iterable[Any], what: str) -> np.ndarray:
    """Floats with null → NaN (conversion times, rates)."""
    values = list(values)
    bad = [v for v in values if v is not None and not _is_number(v)]
    if bad:
        raise invalid(f"numbers or null in {what}", bad[0])
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def strings(values: Sequence[Any]) -> Any:
    """Values as pandas' ``str`` dtype when they are all strings, else an object array."""
    if all(isinstance(v, str) for v in values):
        return text_array(values)
    return np.array(list(values) + [None], dtype=object)[:-1]  # keep tuples as scalars


def repeat(per_item: Sequence[Any], index: np.ndarray) -> Any:
    """Expand one value per item to one per row (*index* = item position of each row)."""
    array = strings(per_item)
    return array.take(index)


def unwrap_breakdown(value: Any) -> Any:
    """``["Chrome"]`` → ``"Chrome"``; a multi-property breakdown becomes a tuple.

    Nested lists become tuples too, so every breakdown value is hashable (a dict key, an index).

    Example:
        >>> unwrap_breakdown(["Chrome"]), unwrap_breakdown(["Chrome", "Mac"])
        ('Chrome', ('Chrome', 'Mac'))
        >>> unwrap_breakdown([["a"]])
        ('a',)
    """
    if isinstance(value, list):
        return _hashable(value[0]) if len(value) == 1 else _hashable(value)
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


def series_definitions(insight: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The insight's series in order: ``query.source.series`` or legacy events+actions by order."""
    series = query_source(insight).get("series")
    if isinstance(series, list) and series:
        return [s if isinstance(s, Mapping) else {} for s in series]
    filters = legacy_filters(insight)
    entities = [
        e
        for key in ("events", "actions", "data_warehouse")
        for e in filters.get(key) or []
        if isinstance(e, Mapping)
    ]
    return sorted(entities, key=lambda e: e["order"] if isinstance(e.get("order"), int) else 0)


def display_name(
    entity: Mapping[str, Any] | None,
    position: int | None,
    definitions: list[Mapping[str, Any]],
    fallback: Any = None,
) -> Any:
    """The series' display name: custom_name (result, then definition by position), else name."""
    entity = entity if isinstance(entity, Mapping) else {}
    definition: Mapping[str, Any] = {}
    if isinstance(position, int) and 0 <= position < len(definitions):
        definition = definitions[position]
    for candidate in (
        entity.get("custom_name"),
        definition.get("custom_name"),
        entity.get("name"),
        definition.get("name"),
        definition.get("event"),
        entity.get("id"),
        fallback,
    ):
        if candidate not in (None, ""):
            return candidate if isinstance(candidate, str) else str(candidate)
    return None


def compare_enabled(insight: Mapping[str, Any]) -> bool:
    """Whether the insight compares against the previous period."""
    compare = query_source(insight).get("compareFilter")
    if isinstance(compare, Mapping) and compare.get("compare"):
        return True
    return bool(legacy_filters(insight).get("compare"))


def compare_labels(items: Sequence[Mapping[str, Any]], insight: Mapping[str, Any]) -> list | None:
    """Per-item compare labels: the result's own, else derived by position (current first).

    PostHog appends every previous-period item after all current ones, so the first half is
    ``current``. Returns None when the result does not compare.
    """
    own = [item.get("compare_label") for item in items]
    if any(label is not None for label in own):
        return own
    if not compare_enabled(insight) or not items:
        return None
    half = (len(items) + 1) // 2
    return ["current" if i < half else "previous" for i in range(len(items))]


def frame(columns: dict[str, Any], attrs: dict[str, Any]) -> pd.DataFrame:
    """One DataFrame construction, with *attrs* attached."""
    df = pd.DataFrame(columns, copy=False)
    df.attrs.update(attrs)
    return df


def flatten(lists: Iterable[list]) -> list:
    """Concatenate lists (faster than repeated ``+``)."""
    return list(chain.from_iterable(lists))
