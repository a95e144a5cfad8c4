"""PostHog's check of HogQL sent with a personal API key: no OFFSET anywhere.

``posthog/hogql/user_query_validator.py`` (called by ``HogQLQueryRunner._calculate`` when the
request came with a personal API key) walks the whole query and refuses any ``OFFSET``: at the
top, in subqueries, ``OFFSET 0`` included. PostHog answers 400 ``validation_error`` with code
``hogql_query_error`` and this message, which asks for keyset pagination instead.

Example:
    >>> from posthog_frames.demo.hogql.parser import parse
    >>> offsets(parse("select 1 from (select 2 limit 5 offset 0)"))
    1
"""

from __future__ import annotations

import dataclasses
from typing import Any

from posthog_frames.demo.hogql.ast import Select
from posthog_frames.demo.hogql.tables import HogQLError

__all__ = ["OFFSET_NOT_ALLOWED_MESSAGE", "OffsetNotAllowed", "offsets", "validate_user_query"]

# posthog/hogql/user_query_validator.py, verbatim.
OFFSET_NOT_ALLOWED_MESSAGE = (
    "OFFSET is not supported on queries made with a personal API key. "
    "For pagination, use keyset pagination on the `timestamp` column, e.g. "
    "`WHERE timestamp > :last_seen_timestamp ORDER BY timestamp LIMIT N`. "
    "For bulk data extraction, use batch exports: https://posthog.com/docs/cdp/batch-exports"
)


class OffsetNotAllowed(HogQLError):
    """PostHog's ``QueryError`` for an OFFSET (its ``code_name`` is ``hogql_query_error``)."""

    code = "hogql_query_error"


def offsets(node: Any) -> int:
    """How many OFFSET clauses the tree holds, at any depth."""
    found = 0
    if isinstance(node, Select) and node.offset is not None:
        found += 1
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            found += offsets(getattr(node, field.name))
    elif isinstance(node, list | tuple):
        found += sum(offsets(item) for item in node)
    return found


def validate_user_query(tree: Any) -> None:
    """Raise :class:`OffsetNotAllowed` when *tree* has an OFFSET anywhere."""
    if offsets(tree):
        raise OffsetNotAllowed(OFFSET_NOT_ALLOWED_MESSAGE)
