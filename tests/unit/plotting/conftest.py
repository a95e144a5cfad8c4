"""Plot tests draw on the Agg backend and must leave matplotlib's global state as they found it."""

from __future__ import annotations

import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _rc_unchanged_and_closed():
    """Every test: global rcParams are the same afterwards, and its figures are closed."""
    before = copy.deepcopy(dict(matplotlib.rcParams))
    yield
    after = dict(matplotlib.rcParams)
    changed = [k for k in before if str(before[k]) != str(after[k])]
    plt.close("all")
    assert not changed, f"rcParams changed: {changed}"
