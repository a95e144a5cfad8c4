"""Paths insights (``analytics.paths``): links step by step, strongest first."""

from __future__ import annotations

from tests.demo.analytics_helpers import LAST30, run


def test_paths_formats(ctx):
    links = run(ctx, "PathsQuery", pathsFilter={"stepLimit": 4}, dateRange=LAST30)
    for link in links:
        src, dst = link["source"].split("_", 1), link["target"].split("_", 1)
        assert int(dst[0]) == int(src[0]) + 1 <= 4 and src[1].startswith("/")
    assert [x["value"] for x in links] == sorted((x["value"] for x in links), reverse=True)


def test_paths_to_an_end_point_stop_there(ctx):
    links = run(
        ctx,
        "PathsQuery",
        dateRange=LAST30,
        pathsFilter={"endPoint": "/checkout", "stepLimit": 4, "edgeLimit": 500},
    )
    assert links
    assert not any(link["source"].endswith("_/checkout") for link in links)
    last = max(int(link["target"].split("_", 1)[0]) for link in links)
    into_end = [link for link in links if link["target"].endswith("_/checkout")]
    assert into_end and last <= 4


def test_edge_weights_bound_the_links(ctx):
    every = run(ctx, "PathsQuery", dateRange=LAST30, pathsFilter={"edgeLimit": 500})
    bounded = run(
        ctx,
        "PathsQuery",
        dateRange=LAST30,
        pathsFilter={"edgeLimit": 500, "minEdgeWeight": 3, "maxEdgeWeight": 20},
    )
    assert bounded == [link for link in every if 3 <= link["value"] <= 20]
    assert len(bounded) < len(every)
