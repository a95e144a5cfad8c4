"""posthog_frames.plotting.correlation: odds ratios of a funnel correlation, by direction."""

from __future__ import annotations

from matplotlib.colors import to_hex

from posthog_frames.frames import insight_frame
from posthog_frames.plotting import plot


def _odds(event: str, kind: str, ratio: float) -> dict:
    return {
        "event": {"event": event, "properties": {}, "elements": []},
        "success_count": 10,
        "failure_count": 5,
        "odds_ratio": ratio,
        "correlation_type": kind,
    }


# frontend/src/mocks/fixtures/api/projects/team_id/insights/funnelCorrelation.json
CORRELATION = {
    "result": {
        "events": [
            _odds("cancellation prompt shown", "failure", 35.4),
            _odds("score updated", "success", 3006.9),
            _odds("onboard teammate clicked", "success", 2750.7),
        ],
        "skewed": True,
    }
}


def test_correlation_bars_strongest_first_coloured_by_direction():
    ax = plot(insight_frame(CORRELATION))
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "score updated",
        "onboard teammate clicked",
        "cancellation prompt shown",
    ]
    assert [p.get_width() for p in ax.patches] == [3006.9, 2750.7, 35.4]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == ["#388600", "#388600", "#db3707"]
    assert ax.get_xscale() == "log"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["more likely to convert", "more likely to drop off"]
    assert "skewed" in ax.get_xlabel()


def test_drop_off_ratios_below_one_draw_as_how_many_times_less_likely():
    # posthog/hogql_queries/insights/funnels/funnel_correlation_query_runner.py
    # (get_entity_odds_ratio): "failure" means odds_ratio <= 1, and PostHog's funnel correlation
    # view (funnelCorrelationLogic) shows and ranks such an event by 1 / odds_ratio. The
    # frontend mock above holds a failure ratio above 1, which the runner never answers.
    result = {
        "events": [
            _odds("score updated", "success", 4.0),
            _odds("error toast shown", "failure", 0.05),
            _odds("pricing viewed twice", "failure", 0.5),
        ],
        "skewed": False,
    }
    df = insight_frame({"result": result})
    assert df["odds_ratio"].tolist() == [4.0, 0.05, 0.5]  # the frame keeps PostHog's numbers
    ax = plot(df)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "error toast shown",
        "score updated",
        "pricing viewed twice",
    ]
    assert [p.get_width() for p in ax.patches] == [20.0, 4.0, 2.0]
    assert [t.get_text() for t in ax.texts] == ["×20", "×4", "×2"]
    assert ax.get_xlim()[0] < 1.0
