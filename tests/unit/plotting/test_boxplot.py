"""posthog_frames.plotting.boxplot: boxes from PostHog's statistics, per bucket and series."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

import posthog_frames as phf
from posthog_frames.frames import insight_frame
from posthog_frames.plotting import plot

# frontend/src/mocks/fixtures/api/projects/team_id/insights/trendsBoxPlot.json: `result: []`
# and the statistics in `boxplot_data`.
INSIGHT = {
    "name": "Revenue per order",
    "query": {
        "kind": "InsightVizNode",
        "source": {
            "kind": "TrendsQuery",
            "series": [{"kind": "EventsNode", "event": "purchase", "math_property": "revenue"}],
            "trendsFilter": {"display": "BoxPlot"},
        },
    },
    "result": [],
    "boxplot_data": [
        {"day": "2024-03-01", "min": 1, "p25": 2, "median": 3, "p75": 5, "max": 9, "mean": 4},
        {"day": "2024-03-02", "min": 2, "p25": 3, "median": 4, "p75": 6, "max": 8, "mean": 5},
        {"day": "2024-03-03", "min": 0, "p25": 0, "median": 0, "p75": 0, "max": 0, "mean": 0},
    ],
}


def test_box_plot_draws_one_box_per_bucket_from_the_statistics():
    ax = plot(insight_frame(INSIGHT))
    boxes = list(ax.patches)
    assert len(boxes) == 3
    # each box spans p25..p75 of its day, centred on the day
    for box, (q1, q3, day) in zip(
        boxes, [(2, 5, "2024-03-01"), (3, 6, "2024-03-02"), (0, 0, "2024-03-03")], strict=True
    ):
        ys = box.get_path().vertices[:, 1]
        xs = box.get_path().vertices[:, 0]
        assert (ys.min(), ys.max()) == (q1, q3)
        assert np.isclose(xs.mean(), mdates.date2num(pd.Timestamp(day)), atol=0.01)
    medians = [line.get_ydata()[0] for line in ax.get_lines() if len(line.get_xdata()) == 2]
    assert {3, 4} <= set(medians)
    assert ax.get_ylabel() == "revenue"
    assert ax.get_title(loc="left") == "Revenue per order"


def test_box_plot_series_stand_side_by_side_with_a_legend():
    rows = []
    for index, name in enumerate(["$pageview - revenue", "purchase - amount"]):
        for day in ("2024-03-01", "2024-03-02"):
            rows.append(
                {"day": day, "min": 1, "p25": 2, "median": 3, "p75": 4, "max": 5, "mean": 3}
                | {"series_index": index, "series_label": name}
            )
    ax = phf.plot.boxplot(insight_frame({"results": rows}))
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "$pageview - revenue",
        "purchase - amount",
    ]
    centres = sorted(p.get_path().vertices[:, 0].mean() for p in ax.patches)
    assert len({round(c, 3) for c in centres}) == 4  # no two boxes on top of each other
