"""What an insight counts: :class:`Event` and :class:`Action`, validated when made.

A series is an event name, an ``Event(name, math=...)`` or an ``Action(id, ...)``; each becomes
one of PostHog's ``EventsNode``/``ActionsNode`` (reference §10, ``EntityNode``). ``math`` is one of
PostHog's math types (:data:`posthog_frames._reference.MATH_TYPES`); the property maths (``sum``,
``avg``, ``median``, ``p90`` …) also need ``math_property``.

Example:
    >>> Event("purchased", math="sum", math_property="revenue").to_node()
    {'kind': 'EventsNode', 'event': 'purchased', 'name': 'purchased', 'math': 'sum',
     'math_property': 'revenue'}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from posthog_frames._reference import MATH_TYPES, PROPERTY_MATHS
from posthog_frames.exceptions import InvalidArgument, ValidationError
from posthog_frames.filters import PropertyFilter, normalize_filters
from posthog_frames.queries._checks import one_of, text_or_none

__all__ = ["Action", "Event", "series_nodes"]


def _check_math(math: Any, math_property: Any) -> None:
    one_of(math, MATH_TYPES, "math")
    if math in PROPERTY_MATHS and not (isinstance(math_property, str) and math_property):
        raise ValidationError(
            f"math={math!r} aggregates a property: name it with math_property= (e.g. "
            f"math_property='revenue').",
            attr="math_property",
        )
    if math_property is not None and math not in PROPERTY_MATHS:
        raise ValidationError(
            f"math_property={math_property!r} only applies to the property maths "
            f"({', '.join(PROPERTY_MATHS)}), not math={math!r}.",
            attr="math_property",
        )


def _filters(properties: Any) -> tuple[PropertyFilter, ...]:
    return tuple(normalize_filters(properties))


def _node_extras(series: Event | Action) -> dict[str, Any]:
    node: dict[str, Any] = {"math": series.math}
    if series.math_property is not None:
        node["math_property"] = series.math_property
    if series.properties:
        node["properties"] = [f.to_dict() for f in series.properties]
    if series.custom_name is not None:
        node["custom_name"] = series.custom_name
    return node


@dataclass(frozen=True)
class Event:
    """One event series: *name* (None for all events), counted by *math*.

    ``properties`` are filters on the events (``PropertyFilter``s or dicts; a filter on an event
    property needs ``type="event"``); ``custom_name`` names the series in results and frames.

    Example:
        >>> Event("$pageview", math="dau", custom_name="Visitors")
        Event(name='$pageview', math='dau', math_property=None, properties=(),
              custom_name='Visitors')
        >>> Event("$pageview", math="unique")
        Traceback (most recent call last):
        ...
        posthog_frames.ValidationError: math='unique' is not one PostHog has; use one of: ...
    """

    name: str | None
    math: str = "total"
    math_property: str | None = None
    properties: Any = ()
    custom_name: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and (not isinstance(self.name, str) or not self.name):
            raise InvalidArgument(
                f"Event needs an event name (or None for all events), got {self.name!r}.",
                attr="name",
            )
        _check_math(self.math, self.math_property)
        text_or_none(self.custom_name, "custom_name")
        object.__setattr__(self, "properties", _filters(self.properties))

    def to_node(self) -> dict[str, Any]:
        """PostHog's ``EventsNode`` for this series.

        Example:
            >>> Event(None).to_node()["event"] is None
            True
        """
        return {
            "kind": "EventsNode",
            "event": self.name,
            "name": self.name or "All events",
            **_node_extras(self),
        }


@dataclass(frozen=True)
class Action:
    """One action series: the project's action *id* (``client.actions()`` lists them), counted
    by *math*; the other arguments are those of :class:`Event`.

    Example:
        >>> Action(7, math="dau").to_node()
        {'kind': 'ActionsNode', 'id': 7, 'math': 'dau'}
    """

    id: int
    math: str = "total"
    math_property: str | None = None
    properties: Any = ()
    custom_name: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.id, bool) or not isinstance(self.id, int) or self.id < 1:
            raise InvalidArgument(
                f"Action needs the action's numeric id (as in its PostHog URL), got {self.id!r}.",
                attr="id",
            )
        _check_math(self.math, self.math_property)
        text_or_none(self.custom_name, "custom_name")
        text_or_none(self.name, "name")
        object.__setattr__(self, "properties", _filters(self.properties))

    def to_node(self) -> dict[str, Any]:
        """PostHog's ``ActionsNode`` for this series.

        Example:
            >>> Action(3, custom_name="Signups").to_node()["custom_name"]
            'Signups'
        """
        node: dict[str, Any] = {"kind": "ActionsNode", "id": self.id}
        if self.name is not None:
            node["name"] = self.name
        return {**node, **_node_extras(self)}


SeriesLike = str | Event | Action


def series_nodes(series: Any, what: str = "series", *, minimum: int = 1) -> list[dict[str, Any]]:
    """Event names, :class:`Event`\\s and :class:`Action`\\s (one, or a list) as PostHog nodes.

    Example:
        >>> [node["event"] for node in series_nodes(["$pageview", Event("signed up")])]
        ['$pageview', 'signed up']
    """
    items = [series] if isinstance(series, str | Event | Action) else series
    if not isinstance(items, Sequence) or isinstance(items, bytes):
        raise InvalidArgument(
            f"{what} takes event names, phf.Event(...) or phf.Action(...) values (one, or a "
            f"list), got {type(series).__name__}.",
            attr=what,
        )
    nodes = []
    for item in items:
        if isinstance(item, str) and item:
            nodes.append(Event(item).to_node())
        elif isinstance(item, Event | Action):
            nodes.append(item.to_node())
        else:
            raise InvalidArgument(
                f"{what} holds {item!r}; use an event name, phf.Event(...) or phf.Action(...).",
                attr=what,
            )
    if len(nodes) < minimum:
        need = "at least one series" if minimum == 1 else f"at least {minimum} steps"
        raise ValidationError(
            f"{what} is empty: PostHog needs {need}, e.g. '$pageview' or "
            "[phf.Event('signed up'), phf.Event('purchased')].",
            attr=what,
        )
    return nodes
