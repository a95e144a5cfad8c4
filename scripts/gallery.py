"""Render one PNG per insight kind/view into docs/img/gallery/ to eyeball the plots.

Frames come from the recorded fixtures (../shared/posthog-fixtures/insights, or
$POSTHOG_FRAMES_FIXTURES) through ``posthog_frames.frames.insight_frame`` when both are available;
synthetic frames cover every kind otherwise, and a year of daily trends data is always drawn to
check that date ticks never overlap. Shapes no fixture holds (box plot, calendar heatmap,
experiment exposures, funnel correlation, a SQL line chart) are converted from small payloads
written here after PostHog's own mocks and drawn too.

Usage:
    .venv/bin/python scripts/gallery.py [--out docs/img/gallery] [--synthetic]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posthog_frames.plotting import plot  # noqa: E402

FIXTURES = Path(
    os.environ.get("POSTHOG_FRAMES_FIXTURES", ROOT.parent / "shared" / "posthog-fixtures")
)


def _frame(data: dict | pd.DataFrame, **attrs: object) -> pd.DataFrame:
    df = pd.DataFrame(data)
    df.attrs.update(attrs)
    return df


def _trends_year() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    dates = pd.date_range("2024-01-01", periods=366, freq="D", tz="Europe/Berlin")
    rows = []
    for period, shift in (("current", 0), ("previous", 366)):
        for browser, base in (("Chrome", 400), ("Safari", 250), ("Firefox", 90)):
            weekly = 1 + 0.25 * np.sin(np.arange(366) * 2 * np.pi / 7)
            values = rng.poisson(base * weekly * (0.85 if period == "previous" else 1.0))
            for d, v in zip(dates - pd.Timedelta(days=shift), values, strict=True):
                rows.append(("$pageview", f"$pageview - {browser}", "count", browser, d, v, period))
    columns = ["series", "label", "math", "breakdown_value", "date", "value", "compare_label"]
    return _frame(
        pd.DataFrame(rows, columns=columns),
        kind="trends",
        view="line",
        name="Pageviews by browser, a year of daily data",
        interval="day",
    )


def synthetic() -> Iterator[tuple[str, pd.DataFrame]]:
    """Hand-made frames following the converter contract, one per kind/view."""
    yield "trends-year", _trends_year()
    labels = ["Chrome", "Safari", "Firefox", "Edge"]
    agg = {"series": ["$pageview"] * 4, "label": labels, "math": ["unique users"] * 4}
    agg["value"] = [520.0, 310.0, 120.0, 44.0]
    yield "trends-bar_value", _frame(agg, kind="trends", view="bar_value", name="By browser")
    yield "trends-pie", _frame(agg, kind="trends", view="pie", name="Browser share")
    number = pd.DataFrame(agg).assign(compare_label="current")
    previous = number.assign(value=[400.0, 300.0, 100.0, 60.0], compare_label="previous")
    yield (
        "trends-number",
        _frame(
            pd.concat([number, previous]), kind="trends", view="number", name="Pageviews this week"
        ),
    )
    days = np.arange(1, 15)
    yield (
        "stickiness",
        _frame(
            {
                "series": ["$pageview"] * 14 + ["signup"] * 14,
                "label": ["$pageview"] * 14 + ["signup"] * 14,
                "days": np.concatenate([days, days]),
                "value": np.concatenate([400 // days, 90 // days]),
            },
            kind="stickiness",
            name="Stickiness",
            interval="day",
        ),
    )
    dates = pd.date_range("2024-01-01", periods=12, freq="W-MON")
    statuses = {"new": 40, "returning": 120, "resurrecting": 25, "dormant": -60}
    yield (
        "lifecycle",
        _frame(
            {
                "date": np.tile(dates, 4),
                "status": np.repeat(list(statuses), 12),
                "value": np.repeat(list(statuses.values()), 12) + np.tile(np.arange(12) * 2, 4),
            },
            kind="lifecycle",
            name="Weekly lifecycle",
            interval="week",
        ),
    )
    counts = [1000, 540, 230, 88]
    yield (
        "funnels-steps",
        _frame(
            {
                "step": [1, 2, 3, 4],
                "name": [
                    "Viewed landing page",
                    "Signed up",
                    "Created project",
                    "Invited a teammate",
                ],
                "count": counts,
                "conversion_rate": [c / counts[0] for c in counts],
            },
            kind="funnels",
            view="steps",
            name="Activation funnel",
        ),
    )
    yield (
        "funnels-time_to_convert",
        _frame(
            {
                "seconds": np.arange(0, 12) * 1800,
                "count": [300, 180, 90, 60, 40, 22, 15, 9, 6, 3, 2, 1],
            },
            kind="funnels",
            view="time_to_convert",
            name="Time to convert",
            average_conversion_time=2950.0,
        ),
    )
    yield (
        "funnels-trends",
        _frame(
            {
                "date": pd.date_range("2024-03-01", periods=30),
                "conversion_rate": np.clip(0.3 + 0.05 * np.sin(np.arange(30) / 3), 0, 1),
            },
            kind="funnels",
            view="trends",
            name="Conversion over time",
        ),
    )
    cohorts = pd.date_range("2024-03-01", periods=8, name="cohort")
    matrix = np.full((8, 8), np.nan)
    for i in range(8):
        matrix[i, : 8 - i] = np.round(200 * 0.55 ** np.arange(8 - i) + 10 * (i % 3))
    retention = pd.DataFrame(matrix, index=cohorts)
    yield (
        "retention",
        _frame(
            retention,
            kind="retention",
            period="Day",
            name="Retention",
            cohort_sizes=dict(zip(cohorts, matrix[:, 0], strict=True)),
        ),
    )
    pages = ["/", "/pricing", "/signup", "/docs", "/blog"]
    links = [
        (f"1_{a}", f"2_{b}", 900 // (i + 1))
        for i, (a, b) in enumerate((a, b) for a in pages for b in pages if a != b)
    ]
    yield (
        "paths",
        _frame(
            {
                "source": [s for s, _, _ in links],
                "target": [t for _, t, _ in links],
                "value": [v for _, _, v in links],
            },
            kind="paths",
            name="Top paths",
        ),
    )
    yield (
        "sql",
        _frame(
            {
                "event": ["$pageview", "$autocapture", "signup", "$pageleave"],
                "count()": [1200, 800, 95, 640],
            },
            kind="sql",
            view="table",
            name="Events (SQL)",
        ),
    )


def shapes() -> Iterator[tuple[str, pd.DataFrame]]:
    """Shapes no recorded fixture holds, written by hand after PostHog's own mocks and runners
    (the files are named in tests/unit/frames/test_posthog_shapes.py), through the converters."""
    from posthog_frames.frames import insight_frame

    rng = np.random.default_rng(1)
    days = [d.strftime("%Y-%m-%d") for d in pd.date_range("2024-03-01", periods=10)]
    medians = 60 + 15 * np.sin(np.arange(10) / 2)
    boxes = [
        {"day": day, "min": m * 0.2, "p25": m * 0.7, "median": m, "p75": m * 1.4, "max": m * 2.6}
        | {"mean": m * 1.1}
        for day, m in zip(days, medians, strict=True)
    ]
    series = [{"kind": "EventsNode", "event": "purchase", "math_property": "revenue"}]
    viz = {"kind": "TrendsQuery", "series": series, "trendsFilter": {"display": "BoxPlot"}}
    box = {"name": "Revenue per purchase (box plot)", "result": [], "boxplot_data": boxes}
    yield (
        "trends-boxplot",
        insight_frame(box | {"query": {"kind": "InsightVizNode", "source": viz}}),
    )
    cells = [
        {"row": weekday, "column": hour, "value": int(rng.poisson(30 if 8 <= hour <= 18 else 4))}
        for weekday in range(1, 8)
        for hour in range(24)
    ]
    heatmap = {"data": cells, "allAggregations": sum(c["value"] for c in cells)}
    item = {"action": {"id": "$pageview", "order": 0, "name": "$pageview"}, "label": "$pageview"}
    item |= {"data": [], "aggregated_value": heatmap["allAggregations"]}
    calendar = {
        "name": "Pageviews by weekday and hour",
        "filters": {"insight": "TRENDS", "display": "CalendarHeatmap"},
        "result": [item | {"calendar_heatmap_data": heatmap}],
    }
    yield "trends-calendar-heatmap", insight_frame(calendar)
    exposed = np.cumsum(rng.poisson(40, size=(2, 10)), axis=1)
    exposures = {
        "kind": "ExperimentExposureQuery",
        "timeseries": [
            {"variant": variant, "days": days, "exposure_counts": counts.tolist()}
            for variant, counts in zip(("control", "test"), exposed, strict=True)
        ],
        "total_exposures": {"control": int(exposed[0, -1]), "test": int(exposed[1, -1])},
    }
    yield "experiment-exposures", insight_frame(exposures)
    events = [
        ("onboarding checklist done", "success", 412, 31, 24.3),
        ("invited a teammate", "success", 230, 40, 9.8),
        ("viewed pricing twice", "failure", 51, 180, 0.164),
        ("error toast shown", "failure", 12, 96, 0.068),
    ]
    correlation = {
        "name": "What goes with converting",
        "result": {
            "events": [
                {"event": {"event": e, "properties": {}, "elements": []}}
                | {"correlation_type": kind, "success_count": s, "failure_count": f}
                | {"odds_ratio": ratio}
                for e, kind, s, f, ratio in events
            ],
            "skewed": False,
        },
    }
    yield "funnel-correlation", insight_frame(correlation)
    months = pd.date_range("2025-04-01", periods=12, freq="MS").strftime("%Y-%m-%d")
    rows = [
        [month, *[int(900 * 0.8**k * (1 + i / 10)) if k < 12 - i else None for k in range(4)]]
        for i, month in enumerate(months)
    ]
    sql = {
        "name": "Revenue by signup month (SQL line chart)",
        "query": {
            "kind": "DataVisualizationNode",
            "source": {"kind": "HogQLQuery", "query": "select month, m0, m1, m2, m3 from …"},
            "display": "ActionsLineGraph",
            "chartSettings": {"xAxis": {"column": "month"}},
        },
        "result": rows,
        "columns": ["month", "m0", "m1", "m2", "m3"],
        "types": [["month", "Date"]] + [[f"m{k}", "Nullable(UInt64)"] for k in range(4)],
    }
    yield "sql-line", insight_frame(sql)


def recorded() -> Iterator[tuple[str, pd.DataFrame]]:
    """Frames from the recorded fixtures through the converters, when both exist."""
    try:
        from posthog_frames.frames import insight_frame
    except ImportError as err:
        print(f"converters unavailable ({err}); drawing synthetic frames only")
        return
    for path in sorted((FIXTURES / "insights").glob("*.json")):
        try:
            df = insight_frame(json.loads(path.read_text()))
        except Exception as err:  # a gallery run should report every broken fixture, not stop
            print(f"skip {path.name}: {type(err).__name__}: {err}")
            continue
        yield path.stem.removeprefix("insight-"), df


def _kind(df: pd.DataFrame) -> str:
    """What a frame shows: the kind, plus the view where the view changes the chart."""
    kind = str(df.attrs.get("kind"))
    return f"{kind}-{df.attrs.get('view')}" if kind in ("trends", "funnels", "sql") else kind


def _save(df: pd.DataFrame, target: Path) -> None:
    ax = plot(df)
    ax.figure.savefig(target, dpi=110)
    plt.close(ax.figure)
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "gallery")
    parser.add_argument("--synthetic", action="store_true", help="skip the recorded fixtures")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    covered: set[str] = set()
    if not args.synthetic:
        for name, df in recorded():
            covered.add(_kind(df))
            _save(df, args.out / f"{name}.png")
    for name, df in synthetic():
        # Synthetic frames fill the kinds the fixtures left out (the year of trends always runs).
        if name == "trends-year" or _kind(df) not in covered:
            _save(df, args.out / f"{name}.png")
    for name, df in shapes():
        _save(df, args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
