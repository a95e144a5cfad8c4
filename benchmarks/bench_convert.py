"""Pure conversion speed: ``persons_frame`` against its floor and ``pd.json_normalize``, and
``trends_frame`` against parsing its JSON. No HTTP here.

Example:
    $ python benchmarks/bench_convert.py
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random

import orjson
import pandas as pd
from timing import Row, interleaved

from posthog_frames.demo.data.project import DemoData
from posthog_frames.frames import trends_frame
from posthog_frames.frames.persons import persons_frame

__all__ = ["arrow_rows", "flatten_rows", "persons_page", "trends_payload", "trends_rows"]


def persons_page(persons: int) -> bytes:
    """One persons page of *persons* demo persons, as PostHog's JSON."""
    blobs = DemoData.generate(persons).blobs
    raw = b'{"results":[' + b",".join(blobs) + b'],"next":null,"previous":null}'
    del blobs  # the generated persons (millions of objects) would slow every GC pass timed here
    gc.collect()
    return raw


def _floor(raw: bytes) -> pd.DataFrame:
    """The least any converter does: parse the JSON and make a frame of the properties."""
    return pd.DataFrame.from_records([p["properties"] for p in orjson.loads(raw)["results"]])


def flatten_rows(persons: int = 100_000, repeats: int = 3) -> list[Row]:
    """persons_frame vs the floor (orjson.loads + DataFrame.from_records) and json_normalize."""
    raw = persons_page(persons)

    def floor() -> pd.DataFrame:
        return _floor(raw)

    times = interleaved(
        {
            "floor": floor,
            "persons_frame": lambda: persons_frame(raw),
            "json_normalize": lambda: pd.json_normalize(orjson.loads(raw)["results"]),
        },
        repeats,
    )
    ours, base, normalize = times["persons_frame"], times["floor"], times["json_normalize"]
    return [
        Row.at_most(
            f"persons_frame, {persons:,} (vs floor)",
            ours / base,
            1.5,
            f"persons_frame {ours:.2f} s, loads+from_records {base:.2f} s",
        ),
        Row(
            "persons_frame (vs json_normalize)",
            ours / normalize,
            "< 1x",
            ours < normalize,
            f"persons_frame {ours:.2f} s, json_normalize {normalize:.2f} s",
        ),
    ]


def _object_text(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* with its text as numpy objects (pandas 2's default; pandas 3 stores str)."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, object))


def arrow_rows(persons: int = 100_000, repeats: int = 3) -> list[Row]:
    """persons_frame(dtype_backend="pyarrow"): its memory against the frame with numpy object
    text, and its time against the parse floor."""
    raw = persons_page(persons)
    times = interleaved(
        {
            "floor": lambda: _floor(raw),
            "arrow": lambda: persons_frame(raw, dtype_backend="pyarrow"),
        },
        repeats,
    )
    default = persons_frame(raw)
    arrow, objects = persons_frame(raw, dtype_backend="pyarrow"), _object_text(default)
    sizes = {
        name: frame.memory_usage(deep=True).sum() / 2**20
        for name, frame in (("arrow", arrow), ("objects", objects), ("default", default))
    }
    return [
        Row.at_most(
            f"pyarrow persons frame, {persons:,}: memory (vs numpy object text)",
            sizes["arrow"] / sizes["objects"],
            0.5,
            f"pyarrow {sizes['arrow']:.0f} MiB, object text {sizes['objects']:.0f} MiB "
            f"(this pandas' default {sizes['default']:.0f} MiB)",
        ),
        Row.at_most(
            f"pyarrow persons frame, {persons:,}: time (vs floor)",
            times["arrow"] / times["floor"],
            1.5,
            f"persons_frame(pyarrow) {times['arrow']:.2f} s, loads+from_records "
            f"{times['floor']:.2f} s",
        ),
    ]


def trends_payload(series: int = 500, days: int = 365) -> bytes:
    """A daily trends insight broken down into *series* values, as PostHog's API returns it."""
    rng = random.Random(0)
    start = dt.date(2024, 1, 1)
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    day_texts = [d.isoformat() for d in dates]
    labels = [f"{d.day}-{d:%b-%Y}" for d in dates]
    action = {
        "id": "$pageview",
        "type": "events",
        "order": 0,
        "name": "$pageview",
        "custom_name": None,
        "math": None,
        "properties": {},
    }
    result = []
    for i in range(series):
        data = [rng.randrange(1000) for _ in dates]
        result.append(
            {
                "action": action,
                "label": f"$pageview - v{i}",
                "count": sum(data),
                "data": data,
                "labels": labels,
                "days": day_texts,
                "breakdown_value": f"v{i}",
            }
        )
    filters = {
        "insight": "TRENDS",
        "display": "ActionsLineGraph",
        "interval": "day",
        "breakdown": "$lib_version",
        "breakdown_type": "event",
    }
    return json.dumps({"id": 1, "short_id": "bench", "filters": filters, "result": result}).encode()


def trends_rows(repeats: int = 5) -> list[Row]:
    """trends_frame of 500 series x 365 days vs json.loads of the same payload."""
    payload = trends_payload()
    insight = json.loads(payload)
    times = interleaved(
        {"parse": lambda: json.loads(payload), "convert": lambda: trends_frame(insight)}, repeats
    )
    parse, convert = times["parse"], times["convert"]
    return [
        Row.at_most(
            "trends_frame, 500 x 365 (vs json.loads)",
            convert / parse,
            2,
            f"trends_frame {convert * 1e3:.0f} ms, json.loads {parse * 1e3:.0f} ms",
        )
    ]


if __name__ == "__main__":
    from timing import table

    print(table(flatten_rows(persons=20_000) + arrow_rows() + trends_rows()))
