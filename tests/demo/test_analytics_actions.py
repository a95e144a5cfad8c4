"""The demo's action matcher: any step matches; a step ANDs its event, URL and properties."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from posthog_frames.demo.analytics._actions import find_action, is_action, steps_mask
from posthog_frames.demo.data.actions import step
from posthog_frames.demo.errors import DemoValidationError

LOG = pd.DataFrame(
    {
        "event": ["$pageview", "$pageview", "$pageview", "purchased", "signed up"],
        "$current_url": ["/pricing", "/pricing/teams", "/Pricing", None, "/signup"],
    }
)


def _no_props(frame: pd.DataFrame, props: object) -> np.ndarray:
    return np.ones(len(frame), bool)


def _with(*steps: dict) -> object:
    return dataclasses.replace(find_action(1), steps=steps)


@pytest.mark.parametrize(
    ("matching", "want"),
    [
        (None, [True, True, False, False, False]),  # contains is the default, case-sensitive
        ("contains", [True, True, False, False, False]),
        ("exact", [True, False, False, False, False]),
        ("regex", [True, True, True, False, False]),
    ],
)
def test_url_matching(matching, want):
    pattern = "/[Pp]ricing" if matching == "regex" else "/pricing"
    action = _with(step("$pageview", url=pattern, url_matching=matching))
    assert steps_mask(action, LOG, _no_props).tolist() == want


def test_a_null_event_is_any_event_and_steps_are_ored():
    action = _with(step(None, url="/signup"), step("purchased"))
    assert steps_mask(action, LOG, _no_props).tolist() == [False, False, False, True, True]


def test_a_steps_properties_go_to_the_evaluator_only_with_its_other_conditions():
    seen = []

    def props(frame: pd.DataFrame, filters: object) -> np.ndarray:
        seen.append(filters)
        return np.array([False] * len(frame))

    action = _with(step("purchased", properties=[{"key": "revenue", "value": "40"}]))
    assert not steps_mask(action, LOG, props).any()
    assert seen == [[{"key": "revenue", "value": "40"}]]


def test_unknown_ids_and_element_steps_are_refused():
    with pytest.raises(DemoValidationError, match="Action 99 does not exist"):
        find_action(99)
    with pytest.raises(DemoValidationError, match="'selector'"):
        find_action(4)
    assert is_action({"kind": "ActionsNode", "id": 1}) and is_action({"type": "actions"})
    assert not is_action({"kind": "EventsNode", "event": "$pageview"})
