"""client.dashboards() and client.dashboard() against the demo over real HTTP: the listing, a
dashboard's tiles read in its context, their frames and one figure."""

from __future__ import annotations

import warnings

import pandas as pd
import pandas.testing as pdt
import pytest
from matplotlib.figure import Figure

import posthog_frames as phf
from posthog_frames.client import dashboards as dashboards_api
from posthog_frames.demo import serve
from posthog_frames.exceptions import PermissionDenied
from posthog_frames.testing import virtual_time


def test_dashboards_lists_each_with_its_insight_count(client):
    df = client.dashboards()
    assert df.columns.tolist() == [
        "id",
        "name",
        "description",
        "tags",
        "pinned",
        "created_at",
        "last_accessed_at",
        "insights",
    ]
    assert df["id"].tolist() == [1, 2]  # pinned first, then by name; 3 is deleted
    assert df["insights"].tolist() == [6, 4] and str(df["insights"].dtype) == "Int64"
    assert isinstance(df["created_at"].dtype, pd.DatetimeTZDtype)
    assert df.attrs["kind"] == "dashboards" and df.attrs["project_id"] == 1
    assert client.dashboards(search="paying")["id"].tolist() == [2]


def test_frames_equal_each_insight_read_with_the_dashboards_filters(client):
    board = client.dashboard("Paying customers, last 14 days")
    filters = board.filters
    assert filters["date_from"] == "-14d" and filters["properties"]
    frames = board.frames()
    assert list(frames) == [ins.name for ins in board.insights] and len(frames) == 4
    for ins in board.insights:
        by_hand = client.insight(
            ins.id,
            date_from=filters["date_from"],
            date_to=filters.get("date_to"),
            properties=filters["properties"],
        ).frame()
        pdt.assert_frame_equal(frames[ins.name], by_hand)
        # The filters changed the numbers: the insight alone is another frame.
        assert not client.insight(ins.id).frame().equals(frames[ins.name])


def test_a_dashboard_without_filters_shows_its_insights_as_saved(client):
    board = client.dashboard(1)
    assert board.filters == {}
    for ins, frame in zip(board.insights, board.frames().values(), strict=True):
        pdt.assert_frame_equal(frame, client.insight(ins.id).frame())


def test_tiles_keep_posthogs_order_and_text_tiles_stay_text(client):
    board = client.dashboard("product overview")
    kinds = [tile.kind for tile in board.tiles]
    assert kinds == ["text", *["insight"] * 6]
    assert board.texts[0].startswith("## Hogflix at a glance")
    assert [ins.id for ins in board.insights] == [1, 2, 3, 6, 10, 14]
    positions = [(t.layout["y"], t.layout["x"]) for t in board.tiles]
    assert positions == sorted(positions)
    assert "1 text, 6 insight" in repr(board) and "<ol>" in board._repr_html_()
    with pytest.raises(AttributeError):
        board.name = "x"  # type: ignore[misc]
    raw = board.raw
    raw["name"] = "changed"
    assert board.name == "Product overview"


def test_each_insight_tile_is_read_from_the_dashboard(demo, client):
    demo.reset_request_count()
    client.dashboard(2, refresh="force_blocking")
    reads = [p for _, p, _ in demo.request_log if "/insights/" in p]
    assert len(reads) == 4 and all("from_dashboard=2" in p for p in reads)
    assert all("refresh=force_blocking" in p for p in reads)


def test_force_cache_reads_posthogs_cache_and_names_what_is_missing():
    with serve(persons=100) as demo:  # its own server: dashboard 2's tiles never computed yet
        virtual_time(demo)
        client = demo.client(cache="memory", progress=False)
        with pytest.raises(phf.InsightNotComputed, match="'Daily traffic and signups'"):
            client.dashboard(2, refresh="force_cache")
        client.dashboard(2)  # refresh="blocking" computes them
        demo.reset_request_count()
        cached = client.dashboard(2, refresh="force_cache")
        assert len(cached.frames()) == 4
        assert [p for _, p, _ in demo.request_log if "/insights/" in p] == []


def test_plot_draws_one_figure_placed_as_the_dashboard(client):
    board = client.dashboard(1)
    fig = board.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 7
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[1:] == [ins.name for ins in board.insights]
    text = fig.axes[0]
    assert [t.get_text() for t in text.texts][0] == "Hogflix at a glance"  # markdown dropped
    assert len(board.plot(text=False, cols=3).axes) == 6
    with pytest.raises(phf.ValidationError, match="cols"):
        board.plot(cols=0)


def test_unknown_and_deleted_dashboards_say_where_dashboards_are_listed(client):
    with pytest.raises(phf.NotFound, match="'Product overview'"):
        client.dashboard("Weekly business review")
    with pytest.raises(phf.NotFound, match=r"client\.dashboards\(\)"):
        client.dashboard(3)  # deleted
    with pytest.raises(phf.ValidationError, match="refresh"):
        client.dashboard(1, refresh="sometimes")


def test_scopes_and_a_key_that_cannot_read_insights(demo, client, monkeypatch):
    limited = phf.Client(demo.limited_api_key, host=demo.url, project_id=1, cache="memory")
    with pytest.raises(PermissionDenied) as refused:
        limited.dashboards()
    assert refused.value.missing_scope == "dashboard:read"

    def no_insights(path, **kw):
        raise PermissionDenied("missing insight:read", missing_scope="insight:read")

    monkeypatch.setattr(client, "paginate", no_insights)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        counts = dashboards_api._insight_counts(client, False)
    assert counts is None and "insight counts are missing" in str(caught[0].message)


def test_tiles_without_order_fall_back_to_their_layout():
    tiles = [
        {"layouts": {"sm": {"x": 6, "y": 0}}},
        {"layouts": {"sm": {"x": 0, "y": 5}}},
        {"layouts": {"sm": {"x": 0, "y": 0}}},
    ]
    ordered = sorted(tiles, key=dashboards_api._order)
    assert [(t["layouts"]["sm"]["y"], t["layouts"]["sm"]["x"]) for t in ordered] == [
        (0, 0),
        (0, 6),
        (5, 0),
    ]
