"""Frames through Arrow IPC: every dtype the converters make comes back equal, under pandas 2 and 3
(``make test-oldest`` runs this on pandas 2.2); what Arrow cannot keep exactly is not encoded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from posthog_frames._compat import parse_iso, text_array
from posthog_frames.frames.backends import with_backend
from posthog_frames.http import frame_codec

pytest.importorskip("pyarrow")


def every_kind() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "text": pd.Series(text_array(["a", None, "c"])),  # str (pandas 3) or object
            "object_text": pd.Series(["a", np.nan, "c"], dtype=object),
            "ints": pd.Series([1, 2, 3], dtype="int64"),
            "nullable_ints": pd.array([1, None, 3], dtype="Int64"),
            "flags": pd.array([True, None, False], dtype="boolean"),
            "floats": [1.5, np.nan, 3.0],
            # parse_iso: pandas 2's own parser stops at 2262
            "when": parse_iso(
                ["2024-01-01T10:00:00Z", None, "9999-12-31T00:00:00Z"], utc=True
            ).tz_convert("Europe/London"),
            "distinct_ids": pd.Series([["a", "b"], [], ["c"]], dtype=object),
            "mixed": pd.Series([1, "two", None], dtype=object),
            "nested": pd.Series([{"k": [1, None]}, np.nan, None], dtype=object),
            "empty": pd.Series([np.nan, np.nan, np.nan], dtype=object),
        }
    )
    frame.attrs = {"kind": "persons", "project_id": 1, "properties": [{"key": "plan"}]}
    return frame


def test_every_dtype_and_attr_comes_back_equal():
    frame = every_kind()
    back = frame_codec.decode(frame_codec.encode(frame))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back.dtypes.astype(str).tolist() == frame.dtypes.astype(str).tolist()
    assert back.attrs == frame.attrs


def test_lists_stay_lists_and_none_stays_apart_from_nan():
    back = frame_codec.decode(frame_codec.encode(every_kind()))
    assert [type(v) for v in back["distinct_ids"]] == [list, list, list]
    assert back["mixed"].tolist()[2] is None and back["nested"].tolist()[2] is None
    assert isinstance(back["nested"][1], float) and np.isnan(back["nested"][1])
    assert back["object_text"].tolist()[1] != back["object_text"].tolist()[1]  # NaN, not None


def test_an_empty_frame_and_an_other_index_come_back():
    empty = every_kind().iloc[:0]
    pd.testing.assert_frame_equal(frame_codec.decode(frame_codec.encode(empty)), empty)
    indexed = every_kind().set_index("ints")
    pd.testing.assert_frame_equal(frame_codec.decode(frame_codec.encode(indexed)), indexed)


@pytest.mark.parametrize(
    "values",
    [[pd.Timestamp("2024-01-01")], [np.int64(3)], [2**70], [pd.NA]],
    ids=["timestamp", "numpy scalar", "big int", "pd.NA"],
)
def test_what_json_cannot_hold_exactly_is_not_encoded(values):
    frame = pd.DataFrame({"x": pd.Series(["a", *values], dtype=object)})
    assert frame_codec.encode(frame) is None


def test_duplicate_or_non_text_column_names_are_not_encoded():
    assert frame_codec.encode(pd.DataFrame([[1, 2]], columns=["a", "a"])) is None
    assert frame_codec.encode(pd.DataFrame([[1, 2]], columns=[0, 1])) is None


def test_a_frame_whose_dtypes_would_change_is_refused_on_reading():
    import pyarrow as pa

    blob = frame_codec.encode(pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}))
    # As if another pandas had written it: the recorded dtype is not what comes back here.
    table = pa.ipc.open_stream(pa.py_buffer(blob)).read_all()
    meta = table.schema.metadata[b"posthog_frames"].replace(b'"Int64"', b'"float64"')
    sink = pa.BufferOutputStream()
    changed = table.replace_schema_metadata({**table.schema.metadata, b"posthog_frames": meta})
    with pa.ipc.new_stream(sink, changed.schema) as writer:
        writer.write_table(changed)
    with pytest.raises(ValueError, match="dtypes differ"):
        frame_codec.decode(sink.getvalue().to_pybytes())


@pytest.mark.parametrize("blob", [b"", b"\x80\x05\x95 a pickle", b"\xff\xff\xff\xff"])
def test_anything_else_is_a_value_error(blob):
    with pytest.raises(ValueError, match="not a stored frame"):
        frame_codec.decode(blob)


@pytest.mark.parametrize("backend", ["pyarrow", "numpy_nullable"])
def test_a_frame_in_another_dtype_backend_comes_back_equal(backend):
    # Nested Arrow types (list<string>) are beyond pyarrow's pandas metadata, and string[pyarrow]
    # would come back as pandas' own string: the codec reads such columns itself.
    frame = with_backend(every_kind(), backend)
    for part in (frame, frame.iloc[1:], frame[["text", "distinct_ids"]]):
        back = frame_codec.decode(frame_codec.encode(part))
        pd.testing.assert_frame_equal(back, part, check_exact=True)
        assert back.dtypes.astype(str).tolist() == part.dtypes.astype(str).tolist()
    assert str(frame["distinct_ids"].dtype) != "object" or backend == "numpy_nullable"
