"""Paths insights (``analytics.paths``): links step by step, strongest first."""

from __future__ import annotations

from tests.demo.analytics_helpers import LAST30, run


def test_paths_formats(ctx):
    links = run(ctx, "PathsQuery", pathsFilter={"stepLimit": 4}, dateRange=LAST30)
    for link in links:
        src, dst = link["source"].split("_", 1), link["target"].split("_", 1)
        assert int(dst[0]) == int(src[0]) + 1 <= 4 and src[1].startswith("/")
    assert [x["value"] for x in links] == sorted((x["value"] for x in links), reverse=True)
