"""events_frame and actors_frame: EventsQuery and ActorsQuery answers as frames. Pure."""

from __future__ import annotations

import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.frames.events import concat_event_pages

COLUMNS = ["uuid", "event", "timestamp", "distinct_id", "person_id", "properties"]


def page(*rows) -> dict:
    return {"columns": COLUMNS, "results": [list(r) for r in rows]}


def test_events_flatten_their_properties_and_read_timestamps_as_utc():
    first = page(
        ["u1", "$pageview", "2025-03-01T10:00:00.123456+01:00", "d", "p", '{"$os": "iOS", "n": 3}']
    )
    second = page(["u2", "signed up", "2025-03-01T10:00:01Z", "d", "p", '{"plan": "pro"}'])
    df = phf.events_frame([first, second])
    assert df.columns.tolist() == [
        *COLUMNS[:5],
        "properties.$os",
        "properties.n",
        "properties.plan",
    ]
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2025-03-01T09:00:00.123456Z"),
        pd.Timestamp("2025-03-01T10:00:01Z"),
    ]
    assert df["properties.n"].dtype == "Int64" and df["properties.n"].isna().tolist() == [
        False,
        True,
    ]


def test_event_property_definitions_type_the_columns():
    df = phf.events_frame(
        page(["u", "e", "2025-03-01T00:00:00Z", "d", "p", '{"n": "3"}']),
        property_types={"n": "Numeric"},
    )
    assert df["properties.n"].tolist() == [3.0]


def test_wrong_shapes_are_refused():
    with pytest.raises(phf.InvalidResponse):
        phf.events_frame({"results": []})
    with pytest.raises(phf.InvalidResponse, match="same columns"):
        phf.events_frame([page(), {"columns": ["uuid"], "results": []}])
    with pytest.raises(phf.InvalidResponse, match="JSON object"):
        phf.events_frame(page(["u", "e", "2025-03-01T00:00:00Z", "d", "p", "[1]"]))


def test_no_events_is_an_empty_frame_with_the_event_columns():
    df = phf.events_frame(page())
    assert df.columns.tolist() == COLUMNS[:5] and len(df) == 0


def test_actors_become_persons_with_posthogs_display_names():
    anonymous = "0195a1b2-0000-7000-8000-000000000000"
    answer = {
        "columns": ["actor", "appearances"],
        "results": [
            [
                {
                    "id": "p1",
                    "properties": {},
                    "distinct_ids": [anonymous, "ada"],
                    "is_identified": True,
                    "created_at": "2025-01-01T00:00:00Z",
                },
                [0, 2],
            ],
            [{"id": "p2"}, [0]],
        ],
    }
    df = phf.actors_frame(answer)
    assert df["name"].tolist() == ["ada", "p2"]
    assert df["distinct_ids"].iloc[0] == ["ada", anonymous]
    assert df["appearances"].tolist() == [[0, 2], [0]] and df["last_seen_at"].isna().all()
    with pytest.raises(phf.InvalidResponse, match="'actor'"):
        phf.actors_frame({"columns": ["id"], "results": []})


def test_a_selected_column_the_person_already_has_keeps_the_typed_one():
    # PostHog's persons table selects ["person", "id", "created_at", "person.$delete"].
    person = {"id": "p1", "properties": {}, "created_at": "2025-01-01T00:00:00Z"}
    answer = {
        "columns": ["person", "id", "created_at", "person.$delete"],
        "results": [[person, "p1", "2025-01-01T00:00:00Z", 0]],
    }
    df = phf.actors_frame(answer)
    assert str(df["created_at"].dtype).startswith("datetime64")
    assert "person.$delete" not in df.columns and df.columns.tolist().count("id") == 1


def test_pages_stacked_one_by_one_equal_the_pages_converted_together():
    pages = [
        page(["u1", "a", "2025-03-01T10:00:00Z", "d", "p", '{"n": 3, "ok": true, "$os": "iOS"}']),
        page(["u2", "b", "2025-03-01T10:00:01Z", "d", "p", '{"$os": "Linux"}']),
        page(["u3", "c", "2025-03-01T10:00:02Z", "d", "p", '{"n": 4, "ok": false, "x": 1.5}']),
    ]
    frames = [phf.events_frame(p) for p in pages]
    stacked = concat_event_pages(frames)
    assert stacked.columns.tolist() == [
        *COLUMNS[:5],
        "properties.$os",
        "properties.n",
        "properties.ok",
        "properties.x",
    ]
    # A property absent from a page is missing there, in the nullable dtype of its values.
    assert stacked["properties.n"].tolist() == [3, pd.NA, 4]
    assert str(stacked["properties.n"].dtype) == "Int64"
    assert str(stacked["properties.ok"].dtype) == "boolean"
    assert stacked["uuid"].tolist() == ["u1", "u2", "u3"]
    assert str(stacked["timestamp"].dtype) == "datetime64[us, UTC]"
    assert all(frame.columns.empty for frame in frames)  # the pages are released as it goes


def test_one_page_or_none_stack_to_themselves():
    only = phf.events_frame(page(["u1", "a", "2025-03-01T10:00:00Z", "d", "p", "{}"]))
    assert concat_event_pages([only]) is only
    assert concat_event_pages([]).columns.tolist() == COLUMNS[:5]
