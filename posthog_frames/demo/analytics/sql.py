"""A tiny stand-in for HogQL: one ``select ... from events`` shape, evaluated with pandas.

Supported (a real HogQL engine is planned separately)::

    select <col> [as alias], ..., count() | count(distinct person_id) | sum(<col>) [as alias]
    from events
    [where <col> = 'text' [and ...] [and timestamp > now() - interval N day]]
    [group by ...] [order by <alias or expression> [asc|desc]] [limit N]

where ``<col>`` is ``event``, ``distinct_id``, ``person_id``, ``properties.<key>`` or
``person.properties.<key>``. The answer carries ``columns`` and ``types`` like HogQL's.

Example:
    >>> out = compute({"kind": "HogQLQuery", "query": "select event, count() as n from events "
    ...                "group by event order by n desc"}, ctx)
    >>> out["columns"], out["types"][1]
    (['event', 'n'], ['n', 'UInt64'])
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from posthog_frames.exceptions import ValidationError

from ._common import Context, property_values

__all__ = ["compute"]

_SHAPE = re.compile(
    r"^\s*select\s+(?P<select>.+?)\s+from\s+events"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+group\s+by\s+(?P<group>.+?))?"
    r"(?:\s+order\s+by\s+(?P<order>.+?))?"
    r"(?:\s+limit\s+(?P<limit>\d+))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_AGG = re.compile(r"^(count|sum|avg|min|max)\((.*)\)$", re.IGNORECASE)
_ALIAS = re.compile(r"^(?P<expr>.+?)\s+as\s+(?P<alias>[\w$]+)$", re.IGNORECASE)
_EQ = re.compile(r"^(?P<col>[\w.$]+)\s*=\s*'(?P<value>[^']*)'$")
_RECENT = re.compile(
    r"^timestamp\s*>=?\s*now\s*\(\s*\)\s*-\s*interval\s+(\d+)\s+(day|hour)s?$", re.I
)
_HELP = (
    "The demo only evaluates `select <columns/count()> from events [where col = '...'] "
    "[group by ...] [order by ...] [limit N]`; run other HogQL against a real PostHog project."
)


def _column(ctx: Context, frame: pd.DataFrame, expr: str) -> pd.Series:
    expr = expr.strip()
    if expr in ("event", "distinct_id", "person_id", "uuid", "timestamp"):
        return frame[expr]
    if expr.startswith("person.properties."):
        return property_values(ctx, frame, expr.removeprefix("person.properties."), "person")
    if expr.startswith("properties."):
        return property_values(ctx, frame, expr.removeprefix("properties."), "event")
    raise ValidationError(f"Unknown column {expr!r}. {_HELP}", attr="query")


def _where(ctx: Context, frame: pd.DataFrame, clause: str | None) -> pd.DataFrame:
    if not clause:
        return frame
    for part in re.split(r"\s+and\s+", clause.strip(), flags=re.IGNORECASE):
        eq, recent = _EQ.match(part.strip()), _RECENT.match(part.strip())
        if eq:
            frame = frame[(_column(ctx, frame, eq["col"]).astype(str) == eq["value"]).to_numpy()]
        elif recent:
            unit = pd.Timedelta(**{f"{recent[2].lower()}s": int(recent[1])})
            frame = frame[frame["timestamp"] > pd.Timestamp(ctx.now) - unit]
        else:
            raise ValidationError(f"Unsupported condition {part!r}. {_HELP}", attr="query")
    return frame


def _split(select: str) -> list[tuple[str, str]]:
    out = []
    for raw in re.split(r",(?![^(]*\))", select):
        raw = " ".join(raw.split())
        named = _ALIAS.match(raw)
        out.append((named["expr"], named["alias"]) if named else (raw, raw))
    return out


def compute(source: dict, ctx: Context) -> dict[str, Any]:
    """Evaluate a ``HogQLQuery`` source; returns ``{results, columns, types, hogql}``."""
    text = str(source.get("query") or "")
    shape = _SHAPE.match(text)
    if not shape:
        raise ValidationError(f"Cannot evaluate this query. {_HELP}", attr="query")
    frame = _where(ctx, ctx.events, shape["where"])
    fields = _split(shape["select"])
    keys = [(e, a) for e, a in fields if not _AGG.match(e)]
    table = pd.DataFrame({a: _column(ctx, frame, e).to_numpy() for e, a in keys}, index=frame.index)
    types = {a: "DateTime64(6, 'UTC')" if e == "timestamp" else "String" for e, a in keys}
    aggs = {}
    for expr, alias in fields:
        agg = _AGG.match(expr)
        if not agg:
            continue
        fn, arg = agg[1].lower(), agg[2].strip()
        if fn == "count" and arg.lower().startswith("distinct "):
            table[alias] = _column(ctx, frame, arg[9:]).to_numpy()
            aggs[alias], types[alias] = "nunique", "UInt64"
        elif fn == "count":
            table[alias] = 1
            aggs[alias], types[alias] = "size", "UInt64"
        else:
            table[alias] = pd.to_numeric(_column(ctx, frame, arg), errors="coerce").to_numpy()
            aggs[alias], types[alias] = fn if fn != "avg" else "mean", "Float64"
    names = [a for _, a in fields]
    if aggs and keys:
        group = [a for _, a in keys]
        grouped = table.groupby(group, dropna=False, sort=False)
        result = pd.DataFrame({a: grouped[a].agg(fn) for a, fn in aggs.items()}).reset_index()
    elif aggs:
        result = pd.DataFrame({a: [table[a].agg(fn)] for a, fn in aggs.items()})
    else:
        result = table
    result = _order(result[names], shape["order"], fields)
    limit = int(shape["limit"] or 100)
    has_more = len(result) > limit
    rows = result.head(limit).astype(object).where(result.head(limit).notna(), None)
    return {
        "results": [[_plain(v) for v in row] for row in rows.itertuples(index=False)],
        "columns": names,
        "types": [[a, types[a]] for a in names],
        "hogql": " ".join(text.split()),
        "hasMore": has_more,
    }


def _order(result: pd.DataFrame, clause: str | None, fields: list) -> pd.DataFrame:
    if not clause:
        return result
    by, asc = [], []
    by_expr = dict(fields)
    for part in clause.split(","):
        words = part.strip().rsplit(None, 1)
        desc = len(words) == 2 and words[1].lower() == "desc"
        name = words[0] if len(words) == 2 and words[1].lower() in ("asc", "desc") else part.strip()
        name = by_expr.get(name, name)
        if name not in result.columns:
            raise ValidationError(f"Cannot order by {name!r}. {_HELP}", attr="query")
        by.append(name)
        asc.append(not desc)
    return result.sort_values(by, ascending=asc, kind="stable")


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value
