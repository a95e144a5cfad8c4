"""The demo project's actions: named definitions over its event log.

An action matches an event when any of its steps does; a step names an event and may narrow it
by URL (``url`` with ``url_matching`` contains/exact/regex), element text, or event properties
(``products/actions/backend/api/action.py``, step fields as ``ActionStepJSON``). The events and
URLs below are the demo log's own (:mod:`.events`): ``$pageview`` of ``/pricing`` or
``/checkout``, ``added to cart``, ``purchased`` with ``revenue``.

Example:
    >>> [a.name for a in build_actions() if not a.deleted]
    ['Viewed pricing', 'Showed buying intent', 'Big purchase']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from posthog_frames.demo.clock import DEMO_NOW

__all__ = ["SavedAction", "build_actions", "step"]

_STEP_FIELDS = (
    "event properties selector selector_regex tag_name text text_matching href href_matching "
    "url url_matching"
).split()


def step(event: str | None, **fields: object) -> dict[str, object]:
    """One step as ``ActionStepJSON`` shows it: every field, unset ones null.

    Example:
        >>> step("$pageview", url="/pricing", url_matching="contains")["url_matching"]
        'contains'
    """
    unknown = set(fields) - set(_STEP_FIELDS)
    if unknown:
        raise ValueError(f"unknown action step fields {sorted(unknown)}")
    return {name: fields.get(name) for name in _STEP_FIELDS} | {"event": event}


@dataclass(frozen=True)
class SavedAction:
    """One action as stored."""

    id: int
    name: str
    description: str
    steps: tuple[dict, ...]
    created_at: datetime
    last_calculated_at: datetime
    tags: tuple[str, ...] = ()
    deleted: bool = False
    pinned: bool = False


def build_actions(now: datetime = DEMO_NOW) -> list[SavedAction]:
    """The demo's actions, ids 1..4 (the fourth deleted).

    Example:
        >>> build_actions()[1].steps[0]["event"]
        'added to cart'
    """
    day = timedelta(days=1)
    big = [{"key": "revenue", "value": "40", "operator": "gt", "type": "event"}]
    return [
        SavedAction(
            1,
            "Viewed pricing",
            "A pageview of the pricing page.",
            (step("$pageview", url="/pricing", url_matching="contains"),),
            now - 30 * day,
            now - 2 * day,
            tags=("marketing",),
        ),
        SavedAction(
            2,
            "Showed buying intent",
            "Added something to the cart, or opened the checkout page.",
            (
                step("added to cart"),
                step("$pageview", url="/checkout", url_matching="exact"),
            ),
            now - 25 * day,
            now - 1 * day,
            tags=("conversion",),
            pinned=True,
        ),
        SavedAction(
            3,
            "Big purchase",
            "A purchase worth more than 40.",
            (step("purchased", properties=big),),
            now - 10 * day,
            now - 1 * day,
            tags=("revenue",),
        ),
        SavedAction(
            4,
            "Clicked the old signup button",
            "Autocaptured before the redesign.",
            (
                step(
                    "$autocapture", selector="button.signup", text="Sign up", text_matching="exact"
                ),
            ),
            now - 80 * day,
            now - 60 * day,
            deleted=True,
        ),
    ]
