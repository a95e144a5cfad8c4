"""What a :class:`~posthog_frames.widgets.FilterBuilder` suggests, read from the project.

Property names and their types come from the project's property definitions, the operators a
row offers follow the type, and value suggestions are the most common values of a person
property. Everything is fetched on first need and kept; without a client nothing is suggested
and every operator is offered, so filters can still be typed by hand.

Example:
    >>> catalog = PropertyCatalog(client)
    >>> catalog.definition_type("mrr")
    'Numeric'
    >>> catalog.operator_codes("mrr")
    ['exact', 'is_not', 'gt', 'gte', 'lt', 'lte', 'between', 'not_between', 'is_set', 'is_not_set']
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from posthog_frames.exceptions import PostHogError
from posthog_frames.filters import operators_for

if TYPE_CHECKING:
    from posthog_frames.client.client import Client

__all__ = ["SET_OPERATORS", "PropertyCatalog", "display_value", "operator_menu"]

log = logging.getLogger("posthog_frames")

SET_OPERATORS = ("is_set", "is_not_set")
_MAX_SUGGESTIONS = 200  # a datalist longer than this is no help to scroll


def operator_menu(property_type: str | None, *, known: bool = True) -> list[str]:
    """Operator codes offered for a property of *property_type*; every type can be (un)set.

    ``known=False`` (no property definitions to go by) offers the string, number and date
    operators together, so filters can still be built without a client.

    Example:
        >>> operator_menu("DateTime")
        ['is_date_exact', 'is_date_before', 'is_date_after', 'is_set', 'is_not_set']
    """
    types = (property_type,) if known else ("String", "Numeric", "DateTime")
    codes = [op for t in types for op in operators_for(t) if op not in SET_OPERATORS]
    return list(dict.fromkeys(codes)) + list(SET_OPERATORS)


def display_value(value: Any) -> str:
    """A value as a tag or suggestion: booleans the way PostHog writes them.

    Example:
        >>> display_value(True)
        'true'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class PropertyCatalog:
    """The property names, types and common values of one project, fetched lazily and kept.

    Args:
        client: a :class:`~posthog_frames.Client`, or None to suggest nothing.
        type: ``"person"``, ``"event"`` or ``"session"``: whose property definitions to read.
        notify: called with a short message when PostHog refuses a look-up (the FilterBuilder
            shows it in the widget); by default it is logged.
    """

    def __init__(
        self,
        client: Client | None,
        type: str = "person",
        notify: Callable[[str], None] = log.warning,
    ) -> None:
        self._client = client
        self._type = type
        self._notify = notify
        self._definitions: dict[str, str | None] | None = None  # fetched on first need
        self._values: dict[str, list[str]] = {}
        self._cohorts: list[tuple[str, int]] | None = None

    def property_types(self) -> dict[str, str | None] | None:
        """Property name -> type from the project's definitions; None when there are none."""
        if self._client is None:
            return None
        if self._definitions is None:
            self._definitions = {}
            try:
                frame = self._client.property_definitions(type=self._type)
            except PostHogError as err:
                self._notify(f"⚠ property names unavailable, type keys by hand: {err}")
                return self._definitions or None
            types = [t if isinstance(t, str) else None for t in frame["property_type"]]
            self._definitions = dict(zip(frame["name"], types, strict=True))
        return self._definitions or None

    def definition_type(self, key: str) -> str | None:
        """The definition's ``property_type`` of *key* (None when unknown)."""
        return (self.property_types() or {}).get(key)

    def operator_codes(self, key: str) -> list[str]:
        """Operators offered for *key*: by its type, or every kind when types are unknown."""
        types = self.property_types()
        return operator_menu(types.get(key) if types else None, known=types is not None)

    def key_options(self) -> Sequence[str]:
        """Property names to suggest for keys.

        Example:
            >>> PropertyCatalog(None).key_options()
            []
        """
        return sorted(self.property_types() or {})

    def value_options(self, key: str, type: str) -> Sequence[str]:
        """The most common values of person property *key*, fetched once per key.

        Example:
            >>> PropertyCatalog(client).value_options("plan", "person")
            ['free', 'pro', 'enterprise']
        """
        types = self.property_types()
        if self._client is None or type != "person" or (types and key not in types):
            return ()  # values exist only for person properties; an unknown key is a typo
        if key not in self._values:
            self._values[key] = []
            try:
                frame = self._client.property_values(key)
            except PostHogError as err:
                self._notify(f"⚠ no value suggestions for {key!r}: {err}")
                return ()
            values = frame["value"].dropna().head(_MAX_SUGGESTIONS)
            self._values[key] = list(dict.fromkeys(display_value(v) for v in values))
        return self._values[key]

    def cohort_options(self) -> list[tuple[str, int]]:
        """The project's cohorts as ``(label, id)``: name, id and size, newest first; ``[]``
        without a client or when PostHog refuses the list (the id is then typed by hand).

        Example:
            >>> PropertyCatalog(client).cohort_options()[2]
            ('Paying customers (#1, 93 persons)', 1)
        """
        if self._client is None:
            return []
        if self._cohorts is None:
            self._cohorts = []
            try:
                frame = self._client.cohorts()
            except PostHogError as err:
                self._notify(f"⚠ cohorts unavailable, type a cohort's id: {err}")
                return []
            for cid, name, count in zip(frame["id"], frame["name"], frame["count"], strict=True):
                size = "" if pd.isna(count) else f", {int(count):,} persons"
                self._cohorts.append((f"{name} (#{int(cid)}{size})", int(cid)))
        return self._cohorts
