"""Driving a FilterBuilder headless: fill a row's controls, add rows, read the preview."""

from __future__ import annotations

import html
import re

import pandas as pd

from posthog_frames.widgets import FilterBuilder


def set_controls(**controls):
    """A row-editing step: assign each named control's value, in order."""

    def apply(row):
        for name, value in controls.items():
            getattr(row, name).value = value

    return apply


def new_row(builder: FilterBuilder, key: str = "k", operator: str | None = None):
    builder.add_button.click()
    row = builder.rows[-1]
    row.key.value = key
    if operator is not None:
        row.operator.value = operator
    return row


def preview_text(builder: FilterBuilder, css_class: str) -> str:
    found = re.search(rf'<pre class="{css_class}">(.*?)</pre>', builder.preview.value, re.S)
    assert found, builder.preview.value
    return html.unescape(found.group(1))


class FakeClient:
    """Just enough of a Client for the property-type menus: two small canned frames."""

    def __init__(self):
        self.definition_calls = 0
        self.value_calls = []

    def property_definitions(self, type="person", search=None):
        self.definition_calls += 1
        return pd.DataFrame(
            {
                "name": ["$initial_os", "seats", "signup_date", "is_paid", "mystery"],
                "property_type": ["String", "Numeric", "DateTime", "Boolean", None],
            }
        )

    def property_values(self, key, search=None):
        self.value_calls.append(key)
        return pd.DataFrame({"value": ["Linux", "Mac OS X", True], "count": [5, 3, 1]})
