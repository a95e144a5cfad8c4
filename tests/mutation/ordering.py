"""A pytest plugin for ``make mutation`` only: the fastest tests run first.

mutmut runs each mutant's tests with ``-x``, so a mutant is killed by the first test that fails;
starting with the unit tests (milliseconds) rather than the demo-server ones (seconds) makes a
whole module's run several times shorter. Within a tier the collection order is kept.
"""

from __future__ import annotations

from typing import Any

TIERS = (
    "tests/unit/",
    "tests/reliability/test_converter_properties.py",
    "tests/reliability/",
    "tests/integration/http/",
    "tests/integration/",
)


def tier(nodeid: str) -> int:
    """The position of *nodeid*'s tier in :data:`TIERS` (unknown paths last)."""
    return next((i for i, prefix in enumerate(TIERS) if nodeid.startswith(prefix)), len(TIERS))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    # sort is stable: within a tier, the collection order stays
    items.sort(key=lambda item: tier(item.nodeid))
