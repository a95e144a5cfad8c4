"""Kind detection, insight_frame dispatch and the Insight object."""

from __future__ import annotations

import copy
import json

import pytest

from posthog_frames.exceptions import InsightNotComputed
from posthog_frames.frames import detect_kind, insight_frame, kind_of, trends_frame
from posthog_frames.insight import Insight
from tests.conftest import load_fixture


def viz(kind: str, **source) -> dict:
    return {"query": {"kind": "InsightVizNode", "source": {"kind": kind, **source}}}


@pytest.mark.parametrize(
    ("insight", "expected"),
    [
        (viz("TrendsQuery"), ("trends", "line")),
        (viz("TrendsQuery", trendsFilter={"display": "ActionsPie"}), ("trends", "pie")),
        (viz("TrendsQuery", trendsFilter={"display": "WorldMap"}), ("trends", "world_map")),
        (viz("FunnelsQuery", funnelsFilter={"funnelVizType": "trends"}), ("funnels", "trends")),
        (viz("RetentionQuery"), ("retention", "table")),
        (viz("LifecycleQuery"), ("lifecycle", "bar")),
        (
            {"query": {"kind": "DataVisualizationNode", "source": {"kind": "HogQLQuery"}}},
            ("sql", "table"),
        ),
        ({"filters": {"insight": "PATHS"}}, ("paths", "sankey")),
        ({"filters": {"insight": "TRENDS", "display": "BoldNumber"}}, ("trends", "number")),
        (
            {"filters": {"insight": "FUNNELS", "funnel_viz_type": "time_to_convert"}},
            ("funnels", "time_to_convert"),
        ),
        # Legacy trends shown as stickiness / lifecycle (filters.shown_as, reference §4).
        ({"filters": {"insight": "TRENDS", "shown_as": "Stickiness"}}, ("stickiness", "line")),
        ({"filters": {"insight": "TRENDS", "shown_as": "Lifecycle"}}, ("lifecycle", "bar")),
        ({"filters": {"shown_as": "Lifecycle"}}, ("lifecycle", "bar")),
        ({"filters": {"insight": "TRENDS", "shown_as": "Volume"}}, ("trends", "line")),
    ],
)
def test_detect_kind_from_definition(insight: dict, expected: tuple) -> None:
    assert detect_kind(insight) == expected
    assert kind_of(insight) == expected[0]


def test_detect_kind_from_bare_result_shapes() -> None:
    assert detect_kind([{"source": "1_a", "target": "2_b", "value": 1}])[0] == "paths"
    assert detect_kind({"bins": [[0, 1]], "average_conversion_time": 1})[0] == "funnels"
    assert detect_kind([{"values": [], "date": "2024-01-01"}])[0] == "retention"


def test_unknown_kinds_raise_value_error_naming_supported() -> None:
    with pytest.raises(ValueError, match="retention"):
        insight_frame([1, 2, 3])
    with pytest.raises(ValueError, match="supported kinds"):
        insight_frame([], kind="heatmap")
    with pytest.raises(ValueError, match="supported kinds"):
        detect_kind(viz("WebOverviewQuery"))
    assert kind_of(viz("WebOverviewQuery")) == "unknown"


def test_bare_result_with_kind_and_options() -> None:
    insight = load_fixture("insights/insight-retention.json")
    df = insight_frame(insight["result"], kind="retention", percent=True)
    assert df.attrs["kind"] == "retention" and df.attrs["percent"] is True
    with pytest.raises(TypeError, match="percent"):
        insight_frame(load_fixture("insights/insight-paths.json"), percent=True)
    # tz is meaningless without dates and is ignored rather than refused
    assert len(insight_frame(load_fixture("insights/insight-paths.json"), tz=True)) > 0


def test_insight_object_properties_and_frame() -> None:
    raw = load_fixture("insights/insight-trends-number.json")
    ins = Insight(raw)
    assert (ins.id, ins.short_id, ins.name) == (raw["id"], raw["short_id"], raw["name"])
    assert (ins.kind, ins.view) == ("trends", "number")
    assert ins.last_refresh.year == int(raw["last_refresh"][:4])
    assert ins.frame()["value"].tolist() == [raw["result"][0]["aggregated_value"]]
    assert "3141592" not in repr(ins) and raw["short_id"] in repr(ins)
    html = ins._repr_html_()
    assert raw["name"] in html and "<table" in html
    with pytest.raises(AttributeError):
        ins.name = "x"  # type: ignore[misc]
    # .raw is a plain, JSON-serialisable copy: changing it leaves the Insight as it was.
    assert json.loads(json.dumps(ins.raw)) == raw
    copied = ins.raw
    copied["name"] = "x"
    copied["result"][0]["aggregated_value"] = -1
    assert ins.name == raw["name"]
    assert ins.frame()["value"].tolist() == [raw["result"][0]["aggregated_value"]]


def test_insight_name_falls_back_to_derived_name() -> None:
    raw = load_fixture("insights/insight-paths.json")
    assert raw["name"] == ""
    assert Insight(raw).name == raw["derived_name"]


def test_insight_not_computed_says_how() -> None:
    raw = copy.deepcopy(load_fixture("insights/insight-lifecycle.json"))
    raw["result"] = None
    ins = Insight(raw)
    assert "not computed" in repr(ins)
    assert 'refresh="blocking"' in ins._repr_html_().replace("&quot;", '"')
    with pytest.raises(InsightNotComputed):
        ins.frame()


def test_empty_sql_response_is_still_sql() -> None:
    df = insight_frame({"columns": ["a", "b"], "results": []})
    assert df.attrs["kind"] == "sql" and list(df.columns) == ["a", "b"] and len(df) == 0


def test_insight_plot_passes_its_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    seen = {}
    fake = types.ModuleType("posthog_frames.plotting")
    fake.plot = lambda df, **kw: seen.update(df=df, kw=kw) or "axes"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "posthog_frames.plotting", fake)
    raw = load_fixture("insights/insight-paths.json")
    assert Insight(raw).plot(title="t") == "axes"
    assert len(seen["df"]) == len(raw["result"]) and seen["kw"] == {"title": "t"}


def test_converters_accept_an_insight_object() -> None:
    raw = load_fixture("insights/insight-trends-line.json")
    ins = Insight(raw)
    expected = insight_frame(raw)
    assert insight_frame(ins).equals(expected)
    assert trends_frame(ins).equals(trends_frame(raw))
    assert detect_kind(ins) == detect_kind(raw)
