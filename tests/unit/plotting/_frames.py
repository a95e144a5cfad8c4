"""Hand-built frames shaped like the converters' output, one builder per insight kind."""

from __future__ import annotations

import numpy as np
import pandas as pd


def frame(data: dict, **attrs) -> pd.DataFrame:
    df = pd.DataFrame(data)
    df.attrs.update(attrs)
    return df


def trends_line(days: int = 5, compare: bool = False, breakdown: bool = False) -> pd.DataFrame:
    dates = pd.date_range("2024-03-01", periods=days, freq="D")
    rows = []
    labels = ["$pageview - Chrome", "$pageview - Safari"] if breakdown else ["$pageview"]
    for k, label in enumerate(labels):
        periods = [("current", dates), ("previous", dates - pd.Timedelta(days=days))]
        for period, ds in periods if compare else periods[:1]:
            for i, d in enumerate(ds):
                row = {
                    "series": "$pageview",
                    "label": label,
                    "date": d,
                    "value": float(10 * (k + 1) + i + (5 if period == "previous" else 0)),
                }
                if breakdown:
                    row["breakdown_value"] = label.split(" - ")[1]
                if compare:
                    row["compare_label"] = period
                rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs.update(kind="trends", view="line", name="Pageviews", interval="day")
    return df


def aggregated(view: str, compare: bool = False, previous_null: bool = False) -> pd.DataFrame:
    rows = [("Chrome", 30.0), ("Safari", 50.0), ("Firefox", 20.0)]
    data = {
        "series": ["$pageview"] * 3,
        "label": [r[0] for r in rows],
        "value": [r[1] for r in rows],
    }
    df = pd.DataFrame(data)
    if compare:
        # Float64 on both sides before concat: an all-NA object column would change the result's
        # dtype in a future pandas (its FutureWarning on 2.2).
        previous = [pd.NA] * 3 if previous_null else [20.0, 40.0, 20.0]
        prev = df.assign(value=pd.array(previous, dtype="Float64"))
        current = df.assign(value=df["value"].astype("Float64"))
        df = pd.concat(
            [current.assign(compare_label="current"), prev.assign(compare_label="previous")]
        )
    df.attrs.update(kind="trends", view=view, name="Browsers")
    return df.reset_index(drop=True)


def lifecycle_frame() -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=4, freq="W")
    values = {
        "new": [5, 6, 7, 8],
        "returning": [10, 9, 8, 7],
        "resurrecting": [1, 2, 1, 2],
        "dormant": [-3, -4, -2, -5],
    }
    rows = [(d, s, v) for s, vs in values.items() for d, v in zip(dates, vs, strict=True)]
    return frame(
        {
            "date": [r[0] for r in rows],
            "status": [r[1] for r in rows],
            "value": [r[2] for r in rows],
        },
        kind="lifecycle",
        name="Lifecycle",
    )


def funnel_frame(group: str | None = None) -> pd.DataFrame:
    base = {"step": [1, 2, 3], "name": ["$pageview", "signup", "purchase"]}
    counts = {"Chrome": [100, 42, 10], "Safari": [50, 25, 5]}
    keys = list(counts) if group == "breakdown_value" else ["current", "previous"]
    parts = []
    for key in keys if group else ["Chrome"]:
        c = counts.get(key, counts["Chrome"] if key == "current" else [80, 40, 8])
        part = pd.DataFrame(base | {"count": c})
        part["conversion_rate"] = part["count"] / c[0]
        if group:
            part[group] = key
        parts.append(part)
    df = pd.concat(parts, ignore_index=True)
    df.attrs.update(kind="funnels", view="steps", name="Signup funnel")
    return df


def retention_frame(percent: bool = False) -> pd.DataFrame:
    counts = np.array([[100, 40, 20], [50, 10, np.nan], [0, np.nan, np.nan]])
    df = pd.DataFrame(counts, index=pd.date_range("2024-01-01", periods=3, name="cohort"))
    df.attrs.update(kind="retention", period="Day", name="Retention")
    sizes = dict(zip(df.index, counts[:, 0], strict=True))
    df.attrs["cohort_sizes"] = sizes
    if percent:
        df = df.div(counts[:, 0], axis=0)
        df.attrs.update(kind="retention", percent=True, cohort_sizes=sizes)
    return df


def paths_frame() -> pd.DataFrame:
    values = [5, 30, 12, 30, 1, 8]
    return frame(
        {
            "source": [f"1_/p{i}" for i in range(6)],
            "target": [f"2_/q{i}" for i in range(6)],
            "value": values,
            "average_conversion_time": [1.0, 2.0, 3.0, 4.0, 5.0, 90.0],
        },
        kind="paths",
    )
