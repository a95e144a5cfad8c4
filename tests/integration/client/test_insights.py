"""client.insights / insight / insight_frame over real HTTP: listing, refresh modes, overrides,
errors."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import pytest
import requests

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.demo.clock import DEMO_NOW
from posthog_frames.demo.data.saved_insights import build_saved_insights
from posthog_frames.insight import Insight

SAVED = {i.name: i for i in build_saved_insights(DEMO_NOW)}


def ident(name: str) -> int:
    return SAVED[name].id


def series_values(frame: pd.DataFrame, series: str) -> pd.Series:
    rows = frame[frame["series"] == series]
    return pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"]))


@pytest.fixture(scope="module")
def own_demo() -> Iterator:
    """A server of our own: the refresh trap needs an insight nobody has computed yet."""
    with serve(port=0, persons=120, seed=3) as server:
        yield server


def test_insights_lists_every_demo_insight_with_its_kind(client):
    listed = client.insights()
    assert listed["id"].tolist() == [i.id for i in SAVED.values()]
    assert listed["short_id"].tolist() == [i.short_id for i in SAVED.values()]
    assert listed["name"].tolist() == list(SAVED)
    assert listed["kind"].tolist() == [i.kind.lower() for i in SAVED.values()]
    assert listed["saved"].tolist() == [i.saved for i in SAVED.values()]
    assert listed["tags"].tolist() == [i.tags for i in SAVED.values()]
    assert str(listed["created_at"].dt.tz) == "UTC"
    views = dict(zip(listed["name"], listed["display"], strict=True))
    assert views["Signups this week"] == "number" and views["Time to purchase"] == (
        "time_to_convert"
    )


def test_insights_filters(client):
    target = SAVED["Visitor lifecycle"]
    assert client.insights(short_id=target.short_id)["id"].tolist() == [target.id]
    funnels = [i.id for i in SAVED.values() if i.kind == "FUNNELS"]
    assert client.insights(insight="FUNNELS")["id"].tolist() == funnels
    assert client.insights(insight="funnels")["id"].tolist() == funnels
    found = client.insights(search="checkout")
    assert found["name"].tolist() == ["Checkout funnel by browser"]
    unsaved = client.insights(saved=False)
    assert unsaved["name"].tolist() == [n for n, i in SAVED.items() if not i.saved]
    assert len(client.insights(saved=True)) == len(SAVED) - len(unsaved)


def test_insights_follows_every_page(client, demo):
    before = demo.request_count
    paged = client.insights(limit=4)
    assert demo.request_count - before == math.ceil(len(SAVED) / 4)
    pd.testing.assert_frame_equal(paged, client.insights())


def test_insights_rejects_bad_arguments_before_any_request(client, demo):
    before = demo.request_count
    with pytest.raises(phf.ValidationError, match="FUNNELS"):
        client.insights(insight="flows")
    with pytest.raises(phf.ValidationError, match="client.insight"):
        client.insights(refresh="blocking")
    assert demo.request_count == before


def test_date_override_reads_other_dates_without_saving(client, demo):
    key = ident("Daily traffic and signups")
    saved = client.insight(key)
    week = client.insight_frame(key, date_from="-7d")
    whole = saved.frame()
    for series in whole["series"].unique():
        assert series_values(week, series).equals(series_values(whole, series).iloc[-8:])
    fresh = demo.client(cache="memory").insight(key)  # no local cache: PostHog's saved state
    assert fresh.raw["last_refresh"] == saved.raw["last_refresh"]
    pd.testing.assert_frame_equal(fresh.frame(), whole)


def test_refresh_trap_never_computed_insight(own_demo):
    client = own_demo.client(cache="memory")
    draft = SAVED["Draft: weekly signups by plan"].short_id
    with pytest.raises(phf.InsightNotComputed, match="refresh='blocking'"):
        client.insight(draft, refresh="force_cache")
    computed = client.insight(draft, refresh="blocking")
    assert computed.raw["is_cached"] is False and len(computed.frame()) > 0
    again = client.insight(draft, refresh="force_cache")
    assert again.raw["is_cached"] is True
    pd.testing.assert_frame_equal(again.frame(), computed.frame(), check_like=True)


@pytest.mark.parametrize(
    ("name", "mode", "polls"),
    [
        ("Revenue vs previous period", "async", True),
        ("Purchase funnel", "force_async", True),
        ("Visitor lifecycle", "lazy_async", False),
        ("Visitor lifecycle", "async", False),
    ],
)
def test_async_modes_poll_to_the_blocking_result(own_demo, name, mode, polls):
    client = own_demo.client(cache="memory")
    before = own_demo.request_count
    frame = client.insight_frame(ident(name), refresh=mode)
    assert (own_demo.request_count - before >= 3) is polls  # insight, status polls, insight
    blocking = own_demo.client(cache="memory").insight_frame(ident(name), refresh="blocking")
    pd.testing.assert_frame_equal(frame, blocking)


def test_a_mode_the_insight_endpoint_reads_as_force_cache_is_refused():
    # posthog/utils.py refresh_requested_by_client: not among its values, so force_cache.
    draft = ident("Draft: weekly signups by plan")
    with serve(persons=50) as demo:
        raw = requests.get(
            f"{demo.url}/api/projects/1/insights/{draft}/",
            params={"refresh": "async_except_on_cache_miss"},
            headers={"Authorization": f"Bearer {demo.api_key}"},
        ).json()
        assert raw["result"] is None and raw["query_status"] is None  # not computed, nor started
        before = demo.request_count
        with pytest.raises(phf.ValidationError, match="async_except_on_cache_miss' as 'force"):
            demo.client(cache="memory").insight(draft, refresh="async_except_on_cache_miss")
        assert demo.request_count == before


def test_legacy_true_forces_a_fresh_computation(client, demo):
    key = ident("Purchase funnel")
    before = demo.request_count
    client.insight(key)
    client.insight(key)
    assert demo.request_count - before == 1  # "blocking" twice: the second is a local cache hit
    forced = [client.insight(key, refresh=True) for _ in range(2)]
    assert demo.request_count - before == 3
    assert all(f.raw["is_cached"] is False for f in forced)


@pytest.mark.parametrize(
    ("key", "refresh", "says"),
    [
        (1, "now", "force_blocking"),
        (1, "BLOCKING", "force_blocking"),
        (1, None, "modes"),
        ("abc", "blocking", "short id"),
        ("Abc1234!", "blocking", "short id"),
        ("-3", "blocking", "short id"),
        (True, "blocking", "short id"),
        (2.0, "blocking", "short id"),
    ],
)
def test_bad_refresh_or_id_is_rejected_before_any_request(client, demo, key, refresh, says):
    before = demo.request_count
    with pytest.raises(phf.ValidationError, match=says):
        client.insight(key, refresh=refresh)
    assert demo.request_count == before


@pytest.mark.parametrize("unknown", [99999, "zzzzzzzz"])
def test_unknown_insight_says_how_to_list_them(client, unknown):
    with pytest.raises(phf.NotFound, match=r"client\.insights\(\)"):
        client.insight(unknown)


def test_limited_key_lacks_insight_read(demo):
    limited = phf.Client(
        api_key=demo.limited_api_key, host=demo.url, project_id=demo.project_id, cache="memory"
    )
    for call in (lambda: limited.insight(1), limited.insights):
        with pytest.raises(phf.PermissionDenied, match="insight:read") as caught:
            call()
        assert demo.limited_api_key not in str(caught.value)


def test_repr_html_shows_the_table_or_the_conversion_error(client):
    insight = client.insight(ident("Purchase funnel"))
    page = insight._repr_html_()
    assert "Purchase funnel" in page and "funnels" in page and "<table" in page
    broken = phf.Insight({**insight.raw, "result": [{"unexpected": "shape"}]})
    page = broken._repr_html_()  # a notebook display must not raise
    assert "Purchase funnel" in page and "Cannot convert" in page and "<table" not in page
    with pytest.raises(phf.PostHogError):
        broken.frame()


def test_plot_draws_with_matplotlib(client):
    pytest.importorskip("matplotlib").use("Agg")
    import matplotlib.pyplot as plt

    axes = client.insight(ident("Daily traffic and signups")).plot()
    assert [len(line.get_xdata()) for line in axes.get_lines()] == [31, 31, 31]
    plt.close("all")


def test_json_fetched_with_requests_converts_the_same(client, demo):
    key = ident("Pageviews by operating system")
    raw = requests.get(
        f"{demo.url}/api/projects/1/insights/{key}/?refresh=blocking",
        headers={"Authorization": f"Bearer {demo.api_key}"},
        timeout=30,
    ).json()
    pd.testing.assert_frame_equal(phf.insight_frame(raw), client.insight_frame(key))


def test_ids_read_back_from_the_listing_work_as_they_are(client):
    listing = client.insights()
    first = listing["id"].iloc[0]  # a numpy integer, as pandas stores it
    assert not isinstance(first, int)
    assert client.insight(first).id == int(first)


def test_an_insight_calculation_that_crashed_says_posthogs_error():
    # InsightSerializer: result null, query_status {error: true, error_message: ...}.
    with serve(persons=50, calculation_error_rate=1.0) as demo:
        client = demo.client(cache="memory")
        with pytest.raises(phf.QueryFailed, match="injected calculation error") as err:
            client.insight(ident("Purchase funnel"), refresh="force_blocking")
    assert "injected calculation error" in err.value.error_message


def test_the_concurrency_limit_is_retried_then_rate_limited():
    with serve(persons=50, concurrency_rate=1.0) as demo:
        client = demo.client(cache="memory")
        slept: list[float] = []
        client._transport.sleep_with = slept.append
        with pytest.raises(phf.RateLimited, match="concurrency_limit_exceeded"):
            client.insight(ident("Purchase funnel"), refresh="force_blocking")
        assert len(slept) == 3 and demo.faults_injected["concurrency_limit"] == 4
    with serve(persons=50, concurrency_rate=0.5, seed=3) as demo:
        client = demo.client(cache="memory")
        client._transport.sleep_with = lambda s: None
        results = [
            client.insight(ident(name), refresh="force_blocking").frame()
            for name in ("Purchase funnel", "Visitor lifecycle", "Daily traffic and signups")
        ]
        assert demo.faults_injected["concurrency_limit"] >= 1 and all(len(r) for r in results)


def test_client_accepts_an_insight_object(client):
    listed = client.insights()
    first = listed.iloc[0]
    ins = client.insight(first["short_id"])
    again = client.insight(ins)
    assert (again.id, again.short_id) == (first["id"], first["short_id"])
    assert client.insight_frame(ins).equals(ins.frame())
    assert phf.frames.insight_frame(ins).equals(ins.frame())
    with pytest.raises(phf.ValidationError, match="neither an id nor a short_id"):
        client.insight(Insight({"result": []}))


def test_insights_kind_filters_like_insight(client):
    listed = client.insights()
    trends = client.insights(kind="trends")
    assert set(trends["kind"]) == {"trends"}
    assert trends["id"].tolist() == listed.loc[listed["kind"] == "trends", "id"].tolist()
    assert len(trends) < len(listed)


def test_insights_rejects_keywords_posthog_ignores(client, demo):
    before = demo.request_count
    with pytest.raises(phf.ValidationError) as err:
        client.insights(knd="trends")
    assert "'knd'" in str(err.value) and "created_by" in str(err.value)
    with pytest.raises(phf.ValidationError, match="not both"):
        client.insights(kind="trends", insight="FUNNELS")
    assert demo.request_count == before


def test_not_computed_message_uses_one_quote_style():
    with serve() as demo:  # its own server: nothing has computed the draft insight yet
        client = demo.client(cache="memory")
        draft = client.insights(search="Draft")["short_id"].iloc[0]
        with pytest.raises(phf.InsightNotComputed) as err:
            client.insight(draft, refresh="force_cache")
    message = str(err.value)
    assert "refresh='blocking')" in message and '"' not in message
