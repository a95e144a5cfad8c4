"""_compat's fast paths give what their slow counterparts give: Arrow's ISO 8601 reader agrees
with pandas' wherever it reads a text, and gaps in text are found by identity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posthog_frames._compat import PANDAS_MAJOR, _arrow_utc, _is, own_text, parse_iso, text_array

pytest.importorskip("pyarrow")


def pandas_utc(texts: list) -> list:
    """pandas' own reading (the route parse_iso takes when Arrow refuses), in microseconds."""
    parsed = pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce")
    return list(pd.DatetimeIndex(parsed).as_unit("us"))


EDGES = [
    "2025-03-31T11:59:11.187000Z",
    "2025-03-31T11:59:11+02:00",
    "2025-03-31T11:59:11-0230",
    "2025-03-31T11:59:11+02",
    "2025-03-31 11:59:11Z",
    "2025-03-31T11:59Z",
    "2025-03-31T11Z",
    "2025-03-31T11:59:11",  # naive: pandas takes it as UTC, Arrow refuses
    "2025-03-31",
    "2025-02-30T00:00:00Z",
    "2025-03-31T24:00:00Z",
    "2025-03-31T23:59:60Z",
    "2025-03-31T11:59:11.123456789Z",
    "2025-03-31T11:59:11,5Z",
    "20250331T115911Z",
    " 2025-03-31T11:59:11Z",
    "2025-03-31t11:59:11z",
    "2025-03-31T11:59:11+25:00",
    "",
]


@pytest.mark.parametrize("text", EDGES)
def test_arrow_reads_a_text_as_pandas_does_or_not_at_all(text: str) -> None:
    fast = _arrow_utc([text, None])
    assert fast is None or list(fast) == pandas_utc([text, None])


def test_the_usual_texts_are_read_by_arrow() -> None:
    # Not vacuous: PostHog's own forms take the fast route.
    assert _arrow_utc(["2025-03-31T11:59:11.187000Z", "2025-03-31T11:59:11+00:00"]) is not None


def test_dates_past_pandas_2s_range_are_read() -> None:
    assert [str(t) for t in parse_iso(["9999-12-31T00:00:00Z", None], utc=True)] == [
        "9999-12-31 00:00:00+00:00",
        "NaT",
    ]


iso_parts = st.tuples(
    st.integers(1900, 2200),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["", ".5", ".123", ".123456", ".1234567", "."]),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["Z", "", "+00:00", "-05:30", "+0200", "+01", "z", "+24:00"]),
)


@given(st.lists(iso_parts, min_size=1, max_size=5))
@settings(max_examples=300, deadline=None)
def test_arrow_and_pandas_agree_on_generated_texts(parts: list[tuple]) -> None:
    texts = [
        f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{zone}"
        for y, mo, d, h, mi, s, frac, sep, zone in parts
    ]
    fast = _arrow_utc(texts)
    assert fast is None or list(fast) == pandas_utc(texts)


def test_is_compares_identity_on_any_layout() -> None:
    values = np.array(["a", None, pd.NA, np.nan, None, "b"], dtype=object)
    assert _is(values, None).tolist() == [False, True, False, False, True, False]
    assert _is(values[::2], pd.NA).tolist() == [False, True, False]  # strided: no buffer
    assert _is(values[:0], None).tolist() == []


def test_text_gaps_become_nan_whatever_marked_them() -> None:
    out = text_array(["a", None, pd.NA, np.nan, "b"])
    assert [v if isinstance(v, str) else "gap" for v in out] == ["a", "gap", "gap", "gap", "b"]
    assert pd.isna(out).tolist() == [False, True, True, True, False]
    own = own_text(pd.Series(["a", None], dtype=object))
    assert own.tolist()[0] == "a" and own.isna().tolist() == [False, True]
    assert own.dtype == pd.Series(["x"]).dtype  # pandas' text dtype: str, or object on pandas 2


@pytest.mark.skipif(PANDAS_MAJOR >= 3, reason="copy-on-write is an option on pandas 2 only")
def test_text_gaps_under_pandas_2s_copy_on_write() -> None:
    # Copy-on-write lends a column's values read-only: they are copied, not written to.
    from posthog_frames.frames.persons import persons_frame

    with pd.option_context("mode.copy_on_write", True):
        df = persons_frame(
            [{"id": 1, "properties": {"a": "x"}}, {"id": 2, "properties": {"a": None}}]
        )
        col = pd.Series(["a", None], dtype=object)
        assert own_text(col).isna().tolist() == [False, True]
    assert df["properties.a"].isna().tolist() == [False, True]
    assert col.tolist() == ["a", None]
