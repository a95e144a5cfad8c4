"""Newcomer-review fixes that need no server: Insight objects everywhere, wide names, CLI help."""

from __future__ import annotations

import json

import matplotlib
import pytest

from posthog_frames.__main__ import main as cli_main
from posthog_frames._settings import resolve_key
from posthog_frames.demo.__main__ import build_parser
from posthog_frames.demo.data.insight_definitions import insight_definitions
from posthog_frames.exceptions import ConfigurationError
from posthog_frames.frames import detect_kind, insight_frame, trends_frame
from posthog_frames.insight import Insight
from posthog_frames.plotting import plot
from tests.conftest import load_fixture

matplotlib.use("Agg")

DAYS = ["2024-01-01", "2024-01-02"]


def item(event: str, data: list, custom: str | None = None, math: str | None = None, **extra):
    action = {"id": event, "name": event, "custom_name": custom, "math": math, "order": 0}
    return {"action": action, "label": event, "data": data, "days": DAYS, **extra}


def test_converters_accept_an_insight_object() -> None:
    raw = load_fixture("insights/insight-trends-line.json")
    ins = Insight(raw)
    expected = insight_frame(raw)
    assert insight_frame(ins).equals(expected)
    assert trends_frame(ins).equals(trends_frame(raw))
    assert detect_kind(ins) == detect_kind(raw)


def test_plot_accepts_an_insight_object() -> None:
    raw = load_fixture("insights/insight-trends-line.json")
    ax = plot(Insight(raw))
    assert len(ax.get_lines()) == len(raw["result"])
    with pytest.raises(ValueError, match=r"ins\.plot\(\)"):
        plot({"not": "a frame"})


def test_raw_is_a_json_ready_dict() -> None:
    raw = load_fixture("insights/insight-funnel-steps.json")
    ins = Insight(raw)
    assert type(ins.raw) is dict
    assert json.loads(json.dumps(ins.raw)) == raw
    ins.raw["result"].clear()
    assert ins.raw["result"] == raw["result"]
    with pytest.raises(AttributeError):
        ins._raw = {}  # type: ignore[misc]


def test_wide_columns_are_named_like_the_series_column() -> None:
    items = [
        item("$pageview", [1, 2], custom="Pageviews", math="total"),
        item("$pageview", [3, 4], math="dau"),
        item("signed up", [5, 6], math="total"),
    ]
    wide = trends_frame(items, wide=True)
    long = trends_frame(items)
    assert list(wide.columns) == list(dict.fromkeys(long["series"]))
    assert list(wide.columns) == ["Pageviews", "$pageview", "signed up"]


def test_wide_tells_equal_series_apart_by_math_then_number() -> None:
    items = [item("$pageview", [1, 2], math="total"), item("$pageview", [3, 4], math="dau")]
    assert list(trends_frame(items, wide=True).columns) == [
        "$pageview (total)",
        "$pageview (dau)",
    ]
    same = [item("x", [1, 2], math="dau"), item("x", [3, 4], math="dau")]
    assert list(trends_frame(same, wide=True).columns) == ["x (dau)", "x (dau) #2"]


def test_wide_breakdown_names_follow_posthogs_labels() -> None:
    insight = load_fixture("insights/insight-trends-line-breakdown.json")
    wide = trends_frame(insight, wide=True)
    # PostHog labels a breakdown item "<series> - <value>"; the names are built independently.
    assert list(wide.columns) == [
        f"{i['action']['name']} - {i['breakdown_value']}" for i in insight["result"]
    ]
    assert list(wide.columns) == [i["label"] for i in insight["result"]]
    multi = [item("x", [1, 2], breakdown_value=["Chrome", "Mac"])]
    assert list(trends_frame(multi, wide=True).columns) == ["x - Chrome - Mac"]


def test_demo_dau_series_has_a_custom_name() -> None:
    daily = next(d for d in insight_definitions() if d["name"] == "Daily traffic and signups")
    series = daily["stored_query"]["source"]["series"]
    dau = next(s for s in series if s.get("math") == "dau")
    assert dau["custom_name"] == "Daily visitors"


def test_no_key_error_says_how_to_try_without_an_account() -> None:
    with pytest.raises(ConfigurationError) as err:
        resolve_key(None)
    assert "phf.connect()" in str(err.value) and "python -m posthog_frames.demo" in str(err.value)


def test_demo_cli_help_shows_defaults_example_and_fault_options(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    for option in (
        "--reset-rate",
        "--truncate-rate",
        "--html-rate",
        "--slow-body",
        "--wrong-shape-rate",
    ):
        assert option in text
    assert "(default: 500)" in text and "example" in text and "POSTHOG_HOST" in text
    args = build_parser().parse_args(["--reset-rate", "0.1", "--slow-body", "2"])
    assert (args.reset_rate, args.slow_body) == (0.1, 2.0)


def test_console_script_version_and_bare_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli_main(["--version"])
    assert exit_.value.code == 0
    assert "0.1.0" in capsys.readouterr().out
    assert cli_main([]) == 0
    out = capsys.readouterr().out
    assert "usage: posthog-frames" in out and "demo" in out
