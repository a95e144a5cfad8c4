"""Keyset paging of HogQL: every row once, with no OFFSET. Pure text; no I/O.

PostHog refuses any ``OFFSET`` in HogQL sent with a personal API key
(``posthog/hogql/user_query_validator.py``) and asks for keyset pagination instead: order by a
key that is unique per row and ask for the rows after the last one seen. A page of a query is

    SELECT * FROM (<the query without its ORDER BY / LIMIT>)
    WHERE <key after the last row> ORDER BY <key> LIMIT <page size>

where "after" is the lexicographic comparison of the key's columns, written out
(``a > {a0} OR (a = {a0} AND b > {b0})``) so that it works for any column types. The key comes
from ``keyset=`` or from the query's own trailing ``ORDER BY`` when it names selected columns.

Example:
    >>> plan = plan_keyset("select uuid, timestamp, event from events order by timestamp, uuid")
    >>> plan.keys
    (Key(name='timestamp', descending=False), Key(name='uuid', descending=False))
    >>> page_sql(plan, 100, None)[0]
    'SELECT * FROM (select uuid, timestamp, event from events) ORDER BY timestamp, uuid LIMIT 100'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from posthog_frames.exceptions import ValidationError

__all__ = [
    "Key",
    "KeysetPlan",
    "check_unique",
    "key_positions",
    "page_sql",
    "plan_keyset",
    "split_tail",
]

_NAME = re.compile(r"^(?:[A-Za-z_$][\w$]*|`(?:[^`\\]|\\.)+`)$")
_KEY = re.compile(r"^(?P<name>\S+?)(?:\s+(?P<dir>asc|desc))?$", re.IGNORECASE)
_PLACEHOLDER = "_keyset"
_HOW = (
    "End the query with ORDER BY on selected columns that order rows uniquely (e.g. "
    "'... ORDER BY timestamp, uuid'), or pass keyset=('timestamp', 'uuid')."
)


class Key(NamedTuple):
    """One column of a keyset and its direction."""

    name: str
    descending: bool = False


class KeysetPlan(NamedTuple):
    """How a query is paged: its body (no trailing ORDER BY/LIMIT), key, and LIMIT if any."""

    body: str
    keys: tuple[Key, ...]
    limit: int | None


class Tail(NamedTuple):
    """A query split at its top-level trailing clauses."""

    body: str
    order_by: str | None
    limit: int | None
    offset: str | None


def split_tail(sql: str) -> Tail:
    """*sql* split into its body and its top-level ``ORDER BY``, ``LIMIT`` and ``OFFSET``.

    Only clauses outside parentheses and quotes count, so a subquery's ORDER BY stays in the
    body.

    Example:
        >>> tail = split_tail("select a from (select a from t order by a) order by a desc limit 5")
        >>> tail.body, tail.order_by, tail.limit
        ('select a from (select a from t order by a)', 'a desc', 5)
    """
    marks = _top_level_words(sql)
    cut = len(sql)
    parts: dict[str, str] = {}
    for word in ("offset", "limit", "order"):
        positions = [p for w, p in marks if w == word and p < cut]
        if not positions:
            continue
        start = positions[-1]
        text = sql[start:cut]
        if word == "order":
            found = re.match(r"order\s+by\s+(.+)$", text, re.IGNORECASE | re.DOTALL)
            if not found:
                continue
            parts["order"] = found.group(1).strip()
        else:
            parts[word] = text[len(word) :].strip()
        cut = start
    limit = parts.get("limit")
    offset = parts.get("offset")
    if limit is not None and "," in limit:  # LIMIT m, n is ClickHouse's LIMIT n OFFSET m
        offset, limit = (s.strip() for s in limit.split(",", 1))
    if limit is not None and not limit.isdigit():
        raise ValidationError(
            f"The query's LIMIT {limit!r} is not a number; write the number itself, or pass "
            "limit= to query()."
        )
    return Tail(sql[:cut].rstrip(), parts.get("order"), int(limit) if limit else None, offset)


def plan_keyset(sql: str, keyset: Sequence[str] | None = None) -> KeysetPlan:
    """How to page *sql*: by *keyset* (selected column names), else by its trailing ORDER BY.

    Example:
        >>> plan_keyset("select id, created_at from persons", keyset=("created_at", "id")).keys
        (Key(name='created_at', descending=False), Key(name='id', descending=False))
    """
    tail = split_tail(sql)
    if tail.offset is not None:
        raise ValidationError(
            "PostHog refuses OFFSET in HogQL sent with a personal API key, and paginate=True "
            "pages without it (by keyset): remove the OFFSET from the query."
        )
    ordered = _order_keys(tail.order_by) if tail.order_by else None
    if keyset is not None:
        names = _keyset_names(keyset)
        directions = {key.name: key.descending for key in ordered or ()}
        keys = tuple(Key(name, directions.get(name, False)) for name in names)
    elif ordered is None:
        raise ValidationError(f"paginate=True needs to know how rows are ordered. {_HOW}")
    else:
        keys = ordered
    return KeysetPlan(tail.body, keys, tail.limit)


def page_sql(
    plan: KeysetPlan, size: int, after: Sequence[Any] | None, types: Sequence[str] = ()
) -> tuple[str, dict[str, Any]]:
    """One page of *plan*: the SQL and its placeholder values. *after* is the last row's key
    (None for the first page); *types* are the key columns' ClickHouse types, so datetimes are
    compared as datetimes.

    Example:
        >>> plan = plan_keyset("select a, b from t order by a, b desc")
        >>> sql, values = page_sql(plan, 10, (1, "x"))
        >>> print(sql.replace(" WHERE ", "\\n  WHERE ").replace(" ORDER ", "\\n  ORDER "))
        SELECT * FROM (select a, b from t)
          WHERE (a > {_keyset0} OR (a = {_keyset0} AND b < {_keyset1}))
          ORDER BY a, b DESC LIMIT 10
        >>> values
        {'_keyset0': 1, '_keyset1': 'x'}
    """
    order = ", ".join(key.name + (" DESC" if key.descending else "") for key in plan.keys)
    where, values = "", {}
    if after is not None:
        if any(value is None for value in after):
            raise ValidationError(
                f"A row's keyset ({', '.join(k.name for k in plan.keys)}) is null, so the next "
                f"page cannot start after it: order by columns without nulls. {_HOW}"
            )
        names = [f"{_PLACEHOLDER}{i}" for i in range(len(plan.keys))]
        values = dict(zip(names, after, strict=True))
        kinds = [*types, *[""] * (len(names) - len(types))]
        typed = [_typed(name, kind) for name, kind in zip(names, kinds, strict=True)]
        ors = []
        for i, key in enumerate(plan.keys):
            equal = [f"{k.name} = {typed[j]}" for j, k in enumerate(plan.keys[:i])]
            step = f"{key.name} {'<' if key.descending else '>'} {typed[i]}"
            ors.append(step if not equal else "(" + " AND ".join([*equal, step]) + ")")
        where = " WHERE (" + " OR ".join(ors) + ")" if len(ors) > 1 else f" WHERE {ors[0]}"
    return f"SELECT * FROM ({plan.body}){where} ORDER BY {order} LIMIT {size}", values


def key_positions(plan: KeysetPlan, columns: Sequence[str]) -> list[int]:
    """Where each key column is in an answer's *columns*; a key not selected is refused.

    Example:
        >>> key_positions(plan_keyset("select b, a from t order by a"), ["b", "a"])
        [1]
    """
    plain = [str(c) for c in columns]
    positions = []
    for key in plan.keys:
        name = key.name.strip("`")
        if name not in plain:
            raise ValidationError(
                f"The keyset column {name!r} is not among the query's columns {plain}: select it "
                f"(with that name) so each page can start after the last row. {_HOW}"
            )
        positions.append(plain.index(name))
    return positions


def check_unique(rows: Sequence[Sequence[Any]], positions: Sequence[int], plan: KeysetPlan) -> None:
    """Refuse a page in which two rows share a key: rows could be lost between pages.

    Example:
        >>> check_unique([[1, "a"], [1, "b"]], [0], plan_keyset("select a, b from t order by a"))
        Traceback (most recent call last):
        ...
        posthog_frames.ValidationError: The keyset (a) does not order rows uniquely: ...
    """
    last = None
    for row in rows:
        key = tuple(row[i] for i in positions)
        if key == last:
            names = ", ".join(k.name for k in plan.keys)
            raise ValidationError(
                f"The keyset ({names}) does not order rows uniquely: two rows share {key!r}, so "
                "rows with that key could be lost between pages. Add a unique column such as "
                "uuid to the ORDER BY (or to keyset=)."
            )
        last = key


def _typed(placeholder: str, ch_type: str) -> str:
    # HogQL's toDateTime parses ISO text with its offset (parseDateTime64BestEffortOrNull), so a
    # datetime key compares as a datetime, not as text.
    if "DateTime" in ch_type:
        return f"toDateTime({{{placeholder}}})"
    return f"{{{placeholder}}}"


def _order_keys(order_by: str) -> tuple[Key, ...] | None:
    keys = []
    for part in _split_commas(order_by):
        found = _KEY.match(part.strip())
        if not found or not _NAME.match(found["name"]):
            return None  # an expression: not a column a page can start after
        keys.append(Key(found["name"], (found["dir"] or "").lower() == "desc"))
    return tuple(keys)


def _keyset_names(keyset: Sequence[str]) -> list[str]:
    names = [keyset] if isinstance(keyset, str) else list(keyset)
    if not names or not all(isinstance(n, str) and _NAME.match(n) for n in names):
        raise ValidationError(
            f"keyset must be selected column names, e.g. ('timestamp', 'uuid'); got {keyset!r}."
        )
    return names


def _split_commas(text: str) -> list[str]:
    parts, depth, start, quote = [], 0, 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'`\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _top_level_words(sql: str) -> list[tuple[str, int]]:
    """Positions of ORDER/LIMIT/OFFSET outside parentheses, quotes and comments."""
    found, depth, quote, i = [], 0, "", 0
    lower = sql.lower()
    while i < len(sql):
        ch = sql[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            quote = "" if ch == quote else quote
        elif ch in "'`\"":
            quote = ch
        elif lower.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] in "_$")):
            for word in ("order", "limit", "offset"):
                end = i + len(word)
                if lower.startswith(word, i) and (end == len(sql) or not sql[end].isalnum()):
                    found.append((word, i))
        i += 1
    return found
