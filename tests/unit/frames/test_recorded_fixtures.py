"""Every recorded insight converts; the frame agrees with the JSON, computed here independently."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
import pytest

from posthog_frames.frames import insight_frame

pytestmark = pytest.mark.fixtures

# Which kind each recorded insight is, read off PostHog's own query kind (not via our detector).
QUERY_KINDS = {
    "TrendsQuery": "trends",
    "FunnelsQuery": "funnels",
    "RetentionQuery": "retention",
    "PathsQuery": "paths",
    "StickinessQuery": "stickiness",
    "LifecycleQuery": "lifecycle",
    "HogQLQuery": "sql",
}


def expected_kind(insight: dict) -> str:
    return QUERY_KINDS[insight["query"]["source"]["kind"]]


def day(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "")).replace(tzinfo=None)


def step_groups(result: list) -> list[list[dict]]:
    if result and isinstance(result[0], list):
        return result
    groups: dict = {}
    for step in result:
        groups.setdefault(step.get("compare_label"), []).append(step)
    return list(groups.values())


def test_fixture_converts_with_metadata(insight_fixture: dict) -> None:
    df = insight_frame(insight_fixture)
    assert df.attrs["kind"] == expected_kind(insight_fixture)
    assert df.attrs["short_id"] == insight_fixture["short_id"]
    assert df.attrs["id"] == insight_fixture["id"]
    assert df.attrs["name"] == (insight_fixture["name"] or insight_fixture["derived_name"])
    assert df.attrs["timezone"] == (insight_fixture.get("timezone") or "UTC")


def test_fixture_values_agree_with_json(insight_fixture: dict) -> None:
    kind = expected_kind(insight_fixture)
    result = insight_fixture["result"]
    df = insight_frame(insight_fixture)
    CHECKS[kind](df, result, insight_fixture)


def check_series(df: pd.DataFrame, result: list, insight: dict) -> None:
    if any("aggregated_value" in item for item in result):
        assert len(df) == len(result)
        assert "date" not in df.columns
        for got, item in zip(df["value"].tolist(), result, strict=True):
            if item["aggregated_value"] is None:
                assert math.isnan(got)
            else:
                assert got == item["aggregated_value"]
        return
    assert len(df) == sum(len(item["data"]) for item in result)
    x = "days" if "days" in df.columns else "date"
    for label in {item["label"] for item in result}:
        items = [item for item in result if item["label"] == label]
        rows = df[df["label"] == label]
        assert rows["value"].sum() == sum(sum(item["data"]) for item in items)
        expected_x = [d if x == "days" else day(d) for item in items for d in item["days"]]
        assert [v if x == "days" else v.to_pydatetime() for v in rows[x]] == expected_x
    if any("breakdown_value" in item for item in result):
        assert set(df["breakdown_value"]) == {item["breakdown_value"] for item in result}
    if "status" in df.columns:
        for status in ("new", "returning", "resurrecting", "dormant"):
            items = [item for item in result if item["status"] == status]
            got = df.loc[df["status"] == status, "value"].sum()
            assert got == sum(sum(item["data"]) for item in items)


def check_funnel(df: pd.DataFrame, result, insight: dict) -> None:
    view = insight["query"]["source"]["funnelsFilter"]["funnelVizType"]
    assert df.attrs["view"] == view
    if view == "time_to_convert":
        objects = result if isinstance(result, list) else [result]
        assert len(df) == sum(len(o["bins"]) for o in objects)
        assert df["count"].sum() == sum(b[1] for o in objects for b in o["bins"])
        assert df["seconds"].tolist() == [b[0] for o in objects for b in o["bins"]]
        return
    if view == "trends":
        item = result[0]
        assert [d.to_pydatetime() for d in df["date"]] == [day(d) for d in item["days"]]
        assert df["conversion_rate"].tolist() == pytest.approx([v / 100 for v in item["data"]])
        return
    groups = step_groups(result)
    assert len(df) == sum(len(g) for g in groups)
    position = 0
    for group in groups:
        steps = sorted(group, key=lambda s: s["order"])
        rows = df.iloc[position : position + len(steps)]
        position += len(steps)
        assert rows["step"].tolist() == list(range(1, len(steps) + 1))
        assert rows["count"].tolist() == [s["count"] for s in steps]
        first = steps[0]["count"]
        expected = [s["count"] / first for s in steps]
        assert rows["conversion_rate"].tolist() == pytest.approx(expected)
        assert rows["dropped"].tolist()[1:] == [
            a["count"] - b["count"] for a, b in zip(steps, steps[1:], strict=False)
        ]


def check_retention(df: pd.DataFrame, result: list, insight: dict) -> None:
    assert df.shape == (len(result), max(len(row["values"]) for row in result))
    assert list(df.columns) == list(range(df.shape[1]))
    assert df.index.name == "cohort"
    assert [c.to_pydatetime() for c in df.index] == [day(row["date"]) for row in result]
    sizes = [row["values"][0]["count"] for row in result]
    assert df.attrs["cohort_sizes"] == sizes
    for i, row in enumerate(result):
        counts = [v["count"] for v in row["values"]]
        assert df.iloc[i, : len(counts)].tolist() == counts
        assert df.iloc[i, len(counts) :].isna().all()


def check_paths(df: pd.DataFrame, result: list, insight: dict) -> None:
    assert len(df) == len(result)
    assert df["value"].sum() == sum(link["value"] for link in result)
    assert df["source"].tolist() == [link["source"] for link in result]
    steps = [int(link["target"].split("_", 1)[0]) for link in result]
    assert df["target_step"].tolist() == steps


def check_sql(df: pd.DataFrame, result: list, insight: dict) -> None:
    assert list(df.columns) == insight["columns"]
    assert len(df) == len(result)
    # Missing strings are NaN in pandas' str dtype; JSON has null.
    rows = df.astype(object).where(df.notna(), None)
    assert [list(row) for row in rows.itertuples(index=False)] == result


CHECKS = {
    "trends": check_series,
    "stickiness": check_series,
    "lifecycle": check_series,
    "funnels": check_funnel,
    "retention": check_retention,
    "paths": check_paths,
    "sql": check_sql,
}
