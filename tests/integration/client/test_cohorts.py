"""client.cohorts(), client.cohort_persons() and phf.InCohort against the demo over real HTTP.

Expected members are computed here with pandas from the persons frame and the cohorts'
documented definitions (``posthog_frames.demo.data.cohorts``), never by the server's modules.
"""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pandas.testing as pdt
import pytest

import posthog_frames as phf
from posthog_frames.client.cohort_state import await_cohorts

P = "properties."
LAUNCH = pd.Timestamp("2025-02-10", tz="UTC")


@pytest.fixture(scope="module")
def everyone(demo) -> pd.DataFrame:
    return demo.client(cache="memory", progress=False).persons()


def _finish(demo, client) -> None:
    """Let the demo's cohort 3 end its first calculation (a wait of a few virtual seconds)."""
    await_cohorts(client, [3])


def test_cohorts_lists_each_cohort_once_with_the_contract_columns(client):
    df = client.cohorts()
    assert df.columns.tolist()[:7] == [
        "id",
        "name",
        "count",
        "is_static",
        "is_calculating",
        "last_calculation",
        "filters",
    ]
    assert df["id"].tolist() == [3, 4, 1, 2]  # newest first; 5 is deleted
    assert str(df["count"].dtype) == "Int64" and df["is_static"].dtype == bool
    assert isinstance(df["last_calculation"].dtype, pd.DatetimeTZDtype)
    assert str(df["last_calculation"].dt.tz) == "UTC"
    paying = df.set_index("id").loc[1]
    leaf = json.loads(paying["filters"])["properties"]["values"][0]["values"][0]
    assert leaf == {
        "key": "plan",
        "type": "person",
        "value": ["pro", "enterprise"],
        "operator": "exact",
        "negation": False,
    }
    assert df.attrs["kind"] == "cohorts" and df.attrs["project_id"] == 1


def test_cohort_persons_equals_the_persons_filtered_on_the_cohort(demo, client):
    _finish(demo, client)
    for cohort in (1, 2, 3, 4):
        members = client.cohort_persons(cohort, progress=False)
        filtered = client.persons(properties=[phf.InCohort(cohort)], progress=False)
        filtered.attrs.clear()
        members.attrs.clear()
        pdt.assert_frame_equal(members, filtered)
        assert len(members) > 0


def test_a_dynamic_cohort_is_its_definition_applied_in_pandas(client, everyone):
    paying = client.cohort_persons("Paying customers", progress=False)
    by_hand = everyone[everyone[P + "plan"].isin(["pro", "enterprise"])]
    assert sorted(paying["id"]) == sorted(by_hand["id"])
    assert paying.attrs["cohort"] == 1 and paying.attrs["total"] == len(by_hand)
    # Not in it: everyone else, anonymous persons (no plan at all) included.
    others = client.persons(properties=[phf.NotInCohort(1)], progress=False)
    assert sorted(others["id"]) == sorted(set(everyone["id"]) - set(paying["id"]))
    nested = client.cohort_persons("not paying yet", progress=False)  # = not in cohort 1
    assert sorted(nested["id"]) == sorted(others["id"])


def test_a_static_cohort_is_its_saved_list(client, everyone):
    signups = client.cohort_persons(2, progress=False)
    week = everyone["created_at"].between(LAUNCH, LAUNCH + pd.Timedelta(days=7), "left")
    assert sorted(signups["id"]) == sorted(everyone.loc[week, "id"])


def test_a_calculating_cohort_is_waited_for_never_read_half_empty(demo, client, everyone):
    demo.calculate_cohort(3, reads=2)
    demo.reset_request_count()
    engineers = client.cohort_persons(3, progress=False)
    polls = [p for _, p, _ in demo.request_log if p == "/api/projects/1/cohorts/3/"]
    desktop = everyone[(everyone[P + "role"] == "engineer")]
    desktop = desktop[desktop[P + "$initial_device_type"] == "Desktop"]
    assert sorted(engineers["id"]) == sorted(desktop["id"]) and len(polls) == 3
    # A filter on it waits the same way.
    demo.calculate_cohort(3, reads=2)
    filtered = client.persons(properties=[phf.InCohort(3)], refresh=True, progress=False)
    assert sorted(filtered["id"]) == sorted(desktop["id"])


def test_a_cohort_still_calculating_after_the_wait_is_reported(demo, client):
    demo.calculate_cohort(3, reads=50)
    with pytest.raises(phf.CohortCalculating, match="first time") as caught:
        client.cohort_persons(3, wait=5)
    assert caught.value.cohort == 3 and isinstance(caught.value, RuntimeError)
    with pytest.raises(phf.CohortCalculating):
        client.cohort_persons(3, wait=0)
    demo.calculate_cohort(3, reads=0)


def test_pages_follow_next_and_never_ask_for_a_count(demo):
    client = demo.client(cache="memory", concurrency=1, progress=False)
    demo.reset_request_count()
    members = client.cohort_persons(1, page_size=20)
    pages = [p for _, p, _ in demo.request_log if "/cohorts/1/persons/" in p]
    assert len(members) == 93 and len(pages) == 5  # 4 full pages, then one of 13
    assert all("include_total" not in p for p in pages) and "offset=80" in pages[-1]
    assert len(client.cohort_persons(1, limit=7, progress=False)) == 7


def test_names_resolve_and_unknown_ones_say_what_exists(client):
    assert client.cohort_persons("PAYING CUSTOMERS", limit=1, progress=False).attrs["cohort"] == 1
    with pytest.raises(phf.NotFound, match="'Paying customers'"):
        client.cohort_persons("Payers")
    with pytest.raises(phf.NotFound, match=r"client\.cohorts\(\)"):
        client.cohort_persons(99)
    # A filter on an unknown cohort: PostHog would answer 500; the check names the problem.
    with pytest.raises(phf.NotFound, match=r"client\.cohorts\(\)"):
        client.persons(properties=[phf.InCohort(99)])


def test_a_count_above_the_members_warns(demo, client, monkeypatch):
    # PostHog's count is from the last calculation; persons deleted since make it larger.
    serialize = demo.app.cohorts._serialize
    monkeypatch.setattr(demo.app.cohorts, "_serialize", lambda c: {**serialize(c), "count": 10_000})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.cohort_persons(1, progress=False)
    assert any("deleted or merged since" in str(w.message) for w in caught)
    assert caught[0].filename == __file__  # it points at the caller's line


def test_scopes_are_named(demo):
    limited = phf.Client(demo.limited_api_key, host=demo.url, project_id=1, cache="memory")
    with pytest.raises(phf.PermissionDenied) as refused:
        limited.cohorts()
    assert refused.value.missing_scope == "cohort:read"
