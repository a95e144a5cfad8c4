"""Doctest namespace: every ``>>>`` example in the package runs in ``make test``.

Examples may use ``phf`` (the package), ``pd`` (pandas) and ``client``: a client of a demo server
started once for the doctest session (500 persons, seed 0, fixed clock, in-memory cache), so
examples that call PostHog run for real, over HTTP on loopback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def _doctest_demo() -> Iterator[Any]:
    from posthog_frames.demo import serve
    from posthog_frames.testing import virtual_time

    with serve(port=0) as server:
        virtual_time(server)
        yield server


@pytest.fixture(autouse=True)
def _doctest_names(
    request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]
) -> Iterator[None]:
    # Only doctest items get the names; the demo starts on the first example that needs one.
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import pandas as pd

    import posthog_frames as phf

    doctest_namespace.setdefault("phf", phf)
    doctest_namespace.setdefault("pd", pd)
    if "client" not in doctest_namespace:
        demo = request.getfixturevalue("_doctest_demo")
        doctest_namespace["demo"] = demo
        doctest_namespace["client"] = demo.client(cache="memory", progress=False)
    yield
    if "matplotlib.pyplot" in sys.modules:  # examples draw; their figures end with them
        sys.modules["matplotlib.pyplot"].close("all")
