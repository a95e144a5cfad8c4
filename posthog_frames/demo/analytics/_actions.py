"""Actions as series: which events of the log an action matches.

PostHog turns an action into one HogQL condition (``action_to_expr`` in
``posthog/hogql/property.py``): the OR of its steps, each step the AND of ``event = step.event``
(a null event is any event), a URL test on ``properties.$current_url`` (``exact`` is ``=``,
``regex`` is ``=~``, anything else, the default ``contains``, is ``LIKE '%url%'``), the step's
``properties`` as property filters, and, for ``$autocapture`` steps only, the element fields
(``selector``, ``tag_name``, ``href``, ``text``). The demo's events record no elements, so a
step that would test them is refused with a 400 naming the field, never matched silently.
``Action.objects.get(pk=...)`` there does not filter deleted actions: a deleted action still
counts, as here. An unknown id has no clean answer in PostHog: the trends query builder
(``trends_query_builder.py``) catches ``Action.DoesNotExist`` and counts no events, but the
series label (``series_event``) and the funnel step builder look the action up unguarded, so the
request fails as an unexpected server error. The demo answers a 400 "Action N does not exist."
instead: a 500 would be retried by clients and would hide the cause.

Example:
    >>> log = pd.DataFrame({"event": ["$pageview", "$pageview", "purchased"],
    ...                     "$current_url": ["/pricing", "/docs", None]})
    >>> steps_mask(find_action(1), log, lambda frame, props: np.ones(len(frame), bool)).tolist()
    [True, False, False]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from posthog_frames.demo.data.actions import SavedAction, build_actions
from posthog_frames.demo.errors import DemoValidationError

__all__ = ["ELEMENT_FIELDS", "find_action", "is_action", "steps_mask"]

ELEMENT_FIELDS = ("selector", "tag_name", "href", "text")
_AUTOCAPTURE = "$autocapture"

PropsMask = Callable[[pd.DataFrame, Any], np.ndarray]


def is_action(node: dict) -> bool:
    """Whether a series node (``ActionsNode``) or legacy entity (``type: actions``) is an action."""
    return node.get("kind") == "ActionsNode" or node.get("type") == "actions"


def find_action(action_id: Any) -> SavedAction:
    """The demo action *action_id*, deleted ones included; a 400 for an unknown id, and for a
    step on element fields the demo's events cannot be tested against."""
    for action in build_actions():
        if str(action.id) == str(action_id):
            _check_steps(action)
            return action
    raise DemoValidationError(f"Action {action_id} does not exist.", attr="id")


def _check_steps(action: SavedAction) -> None:
    for step in action.steps:
        if step.get("event") != _AUTOCAPTURE:
            continue  # PostHog reads element fields on $autocapture steps only
        for name in ELEMENT_FIELDS:
            if step.get(name) is not None:
                raise DemoValidationError(
                    f"Action {action.id} has a step on the element field {name!r}, which the "
                    "demo's events do not record; use an action whose steps test event, url or "
                    "properties, or try it on PostHog itself.",
                    attr=name,
                )


def _url_mask(frame: pd.DataFrame, url: str, matching: str | None) -> np.ndarray:
    if "$current_url" not in frame.columns:
        return np.zeros(len(frame), bool)
    urls = frame["$current_url"].astype(object)
    if matching == "exact":
        hit = urls == url
    elif matching == "regex":
        try:
            hit = urls.str.contains(url, regex=True, na=False)
        except re.error as err:
            raise DemoValidationError(f"Invalid url regex {url!r}: {err}", attr="url") from None
    else:
        hit = urls.str.contains(url, regex=False, na=False)
    return hit.fillna(False).to_numpy(dtype=bool)


def steps_mask(action: SavedAction, frame: pd.DataFrame, props_mask: PropsMask) -> np.ndarray:
    """Which rows of *frame* match *action*: any of its steps; *props_mask* evaluates a step's
    property filters (the demo's one evaluator, handed in by the caller)."""
    if not action.steps:
        return np.ones(len(frame), bool)
    out = np.zeros(len(frame), bool)
    for step in action.steps:
        hit = np.ones(len(frame), bool)
        if step.get("event"):
            hit &= (frame["event"] == step["event"]).fillna(False).to_numpy(dtype=bool)
        if step.get("url"):
            hit &= _url_mask(frame, step["url"], step.get("url_matching"))
        if step.get("properties") and hit.any():
            hit &= props_mask(frame, step["properties"])
        out |= hit
    return out
