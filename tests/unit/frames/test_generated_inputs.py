"""Property tests: well-formed results convert with matching rows/sums; malformed ones raise
InvalidResponse (or InsightNotComputed for ``result: null``), never another exception type."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posthog_frames.exceptions import InsightNotComputed, InvalidResponse
from posthog_frames.frames import (
    funnel_frame,
    hogql_frame,
    insight_frame,
    lifecycle_frame,
    paths_frame,
    retention_frame,
    stickiness_frame,
    trends_frame,
)

CONVERTERS = [
    trends_frame,
    stickiness_frame,
    lifecycle_frame,
    funnel_frame,
    retention_frame,
    paths_frame,
    hogql_frame,
    insight_frame,
]
SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("FRAMES_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
counts = st.integers(min_value=0, max_value=10**9)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def day_lists(draw, min_size: int = 0) -> list[str]:
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)))
    hourly = draw(st.booleans())
    n = draw(st.integers(min_value=min_size, max_value=12))
    if hourly:
        return [f"{start} {h:02d}:00:00" for h in range(min(n, 24))]
    return [str(start + timedelta(days=i)) for i in range(n)]


@st.composite
def trends_results(draw) -> list[dict]:
    days = draw(day_lists())
    n = draw(st.integers(min_value=0, max_value=6))
    return [
        {
            "action": {"id": f"e{i}", "name": f"e{i}", "order": i},
            "label": draw(text),
            "data": draw(st.lists(counts, min_size=len(days), max_size=len(days))),
            "days": days,
        }
        for i in range(n)
    ]


@given(trends_results())
@SETTINGS
def test_trends_rows_and_sums(result: list[dict]) -> None:
    df = trends_frame(result)
    assert len(df) == sum(len(item["data"]) for item in result)
    assert int(df["value"].sum()) == sum(sum(item["data"]) for item in result)
    for i, item in enumerate(result):
        assert df.loc[df["series"] == f"e{i}", "value"].tolist() == item["data"]
    expected = [pd.Timestamp(d) for item in result for d in item["days"]]
    assert df["date"].tolist() == expected


@given(trends_results())
@SETTINGS
def test_stickiness_and_lifecycle_shapes(result: list[dict]) -> None:
    statuses = ["new", "returning", "resurrecting", "dormant"]
    for i, item in enumerate(result):
        item["status"] = statuses[i % 4]
    life = lifecycle_frame(result)
    assert len(life) == sum(len(item["data"]) for item in result)
    for status in statuses:
        expected = sum(sum(item["data"]) for item in result if item["status"] == status)
        assert int(life.loc[life["status"] == status, "value"].sum()) == expected
    for item in result:
        item["days"] = list(range(1, len(item["data"]) + 1))
    sticky = stickiness_frame(result)
    assert sticky["days"].tolist() == [d for item in result for d in item["days"]]


@given(st.lists(counts, min_size=1, max_size=8))
@SETTINGS
def test_funnel_steps(values: list[int]) -> None:
    steps = [{"name": f"s{i}", "order": i, "count": n} for i, n in enumerate(values)]
    df = funnel_frame(steps)
    assert df["count"].tolist() == values
    assert df["step"].tolist() == list(range(1, len(values) + 1))
    assert df["dropped"].tolist() == [0] + [a - b for a, b in zip(values, values[1:], strict=False)]
    if values[0]:
        assert df["conversion_rate"].tolist() == [v / values[0] for v in values]


@given(st.lists(st.lists(counts, min_size=1, max_size=6), min_size=1, max_size=6))
@SETTINGS
def test_retention_matrix(rows: list[list[int]]) -> None:
    result = [
        {"date": str(date(2024, 1, 1) + timedelta(days=i)), "values": [{"count": n} for n in row]}
        for i, row in enumerate(rows)
    ]
    df = retention_frame(result)
    assert df.shape == (len(rows), max(len(row) for row in rows))
    assert df.attrs["cohort_sizes"] == [row[0] for row in rows]
    assert int(df.sum().sum()) == sum(map(sum, rows))


@given(st.lists(st.tuples(st.integers(1, 20), text, text, counts), max_size=10))
@SETTINGS
def test_paths_parse(links: list[tuple]) -> None:
    result = [
        {"source": f"{s}_{a}", "target": f"{s + 1}_{b}", "value": v, "average_conversion_time": 1}
        for s, a, b, v in links
    ]
    df = paths_frame(result)
    assert df["source_path"].tolist() == [a for _, a, _, _ in links]
    assert df["target_step"].tolist() == [s + 1 for s, _, _, _ in links]


@given(st.lists(st.tuples(st.integers(-(2**62), 2**62), text), max_size=10))
@SETTINGS
def test_sql_rows(rows: list[tuple]) -> None:
    response = {"columns": ["n", "s"], "types": [["n", "Int64"], ["s", "String"]]}
    df = hogql_frame(response | {"results": [list(row) for row in rows]})
    assert df["n"].tolist() == [n for n, _ in rows]
    assert df["s"].tolist() == [s for _, s in rows]


# --- malformed input -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
shape_keys = st.sampled_from(
    [
        "data",
        "days",
        "label",
        "action",
        "count",
        "order",
        "values",
        "date",
        "source",
        "target",
        "value",
        "bins",
        "status",
        "breakdown_value",
        "aggregated_value",
        "columns",
        "result",
    ]
)
json_objects = st.dictionaries(shape_keys, json_values, max_size=6)


@given(st.lists(json_objects, max_size=4) | json_objects | json_values)
@SETTINGS
def test_arbitrary_input_raises_only_typed_errors(value) -> None:
    for converter in CONVERTERS:
        try:
            converter(value)
        except (InvalidResponse, InsightNotComputed):
            pass
        except ValueError as err:  # only insight_frame, when it cannot tell the kind
            assert converter is insight_frame and "kind" in str(err)


@given(trends_results().filter(bool), st.data())
@SETTINGS
def test_ragged_or_broken_series_raise_invalid_response(result: list[dict], data) -> None:
    item = data.draw(st.sampled_from(result))
    breakage = data.draw(st.sampled_from(["ragged", "drop_data", "drop_days", "text", "not_list"]))
    if breakage == "ragged":
        item["data"] = item["data"] + [1]
    elif breakage == "drop_data":
        del item["data"]
    elif breakage == "drop_days":
        del item["days"]
    elif breakage == "text":
        item["data"] = ["x"] * len(item["days"]) if item["days"] else "x"
    else:
        item["data"] = {"a": 1}
    for converter in (trends_frame, stickiness_frame):
        try:
            converter(result)
        except InvalidResponse:
            continue
        raise AssertionError(f"{converter.__name__} accepted a {breakage} series")
