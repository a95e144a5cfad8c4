"""client.persons() against the demo server over real HTTP: every person once, filters as PostHog
evaluates them (checked against pandas computations written here), dtypes, cache, progress bar."""

from __future__ import annotations

import json
import re
import urllib.parse
import warnings

import numpy as np
import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.exceptions import OfflineCacheMiss, ValidationError
from posthog_frames.filters import PropertyFilter

P = "properties."


def server_ids(demo) -> list[str]:
    # The persons list's ids are the persons' UUIDs (SerializedPerson), newest first.
    return [p["uuid"] for p in demo.data.persons]


@pytest.fixture(scope="module")
def big():
    """5,000 persons, 30% of full pages cut short while `next` still links on."""
    with serve(persons=5000, short_pages=0.3, seed=11) as server:
        yield server


# -- every person, once ----------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
def test_pull_returns_every_person_once_despite_short_pages(big, concurrency):
    client = big.client(cache="memory", progress=False, concurrency=concurrency)
    df = client.persons(page_size=200)
    assert df["id"].tolist() == server_ids(big)  # all 5,000, in PostHog's order, no repeats
    assert df.attrs["total"] == 5000 and df.attrs["kind"] == "persons"


@pytest.mark.parametrize("after_page", [0, 3])
def test_person_added_mid_pull_repeats_and_loses_nobody(after_page):
    with serve(persons=3000, short_pages=0.3, seed=after_page) as demo:
        before = server_ids(demo)
        client = demo.client(cache="memory", progress=False, concurrency=1)
        ids: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i, page in enumerate(client.iter_persons(page_size=150)):
                ids += page["id"].tolist()
                if i in (after_page, after_page + 2):
                    demo.add_person(email=f"late{i}@example.com")
        # documented: everyone present throughout comes once (a row shifted onto the next page
        # is kept once); the newcomers are not included, and nothing is missing to warn about
        assert len(ids) == len(set(ids)) and sorted(ids) == sorted(before)
        assert not [w for w in caught if "returned" in str(w.message)]
        again = client.persons(page_size=150, refresh=True)
        assert sorted(again["id"]) == sorted(server_ids(demo)) and again.attrs["total"] == 3002


@pytest.mark.parametrize("after_page", [0, 3])
def test_changes_during_a_pull_fetching_ahead_warn_when_a_person_is_missed(after_page):
    # Pages fetched ahead may predate a change; PostHog's count comes with the first page only
    # (include_total makes it recount everyone), so a loss shows as fewer persons than counted.
    with serve(persons=3000, short_pages=0.3, seed=4 + after_page) as demo:
        before = set(server_ids(demo))
        client = demo.client(cache="memory", progress=False, concurrency=4)
        ids: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i, page in enumerate(client.iter_persons(page_size=150)):
                ids += page["id"].tolist()
                if i in (after_page, after_page + 2):
                    demo.add_person(email=f"late{i}@example.com")
        assert len(ids) == len(set(ids)) and set(ids) <= before
        said = [str(w.message) for w in caught if "returned" in str(w.message)]
        assert bool(said) == (set(ids) != before)
        if said:
            assert "counted 3,000 matching persons when this pull started" in said[0]


def test_include_total_is_asked_on_the_first_page_only():
    with serve(persons=500, seed=9) as demo:
        client = demo.client(cache="memory", progress=False)
        demo.reset_request_count()
        df = client.persons(page_size=100)
        pages = [path for _, path, _ in demo.request_log if "/persons/" in path]
        # Five full pages; PostHog links on from every full page, so a sixth, empty one too.
        assert len(pages) == 6 and "include_total" in pages[0]
        assert not any("include_total" in path for path in pages[1:])
        assert df["id"].tolist() == server_ids(demo) and df.attrs["total"] == 500


def test_a_page_cached_before_a_new_person_arrived_is_not_reused():
    with serve(persons=500, seed=9) as demo:
        client = demo.client(cache="memory", progress=False)
        stale = f"{demo.url}/api/projects/1/persons/?limit=100&offset=300"
        assert len(client.get(stale)["results"]) == 100  # cached before the change
        demo.add_person(email="new@example.com")
        df = client.persons(page_size=100, refresh=True)
        assert df["id"].tolist() == server_ids(demo) and df.attrs["total"] == 501


# -- property filters against an independent pandas computation ------------------------------

MIXED = [  # persons whose properties have other JSON types than the generated ones
    {"seats": "12", "nps_score": "n/a", "plan": 3, "zip_code": 1234, "beta_tester": "true"},
    {"seats": 12.0, "email": "MIXED@Example.com", "company": 7, "mrr": "250.5"},
    {"seats": True, "nps_score": 4.0, "signed_up_at": "2025-01-05T10:00:00Z"},
]


@pytest.fixture(scope="module")
def mixed():
    with serve(persons=400, seed=3) as server:
        for props in MIXED:
            server.add_person(**props)
        client = server.client(cache="memory", progress=False)
        yield client, client.persons(dtypes=False)


def values(df: pd.DataFrame, key: str) -> pd.Series:
    """The JSON values of one property (object dtype, None where missing)."""
    col = df[P + key] if P + key in df else pd.Series(None, index=df.index)
    return col.astype(object).where(col.notna(), None)


def json_text(value) -> str:
    """How PostHog's JSON extraction prints a value (booleans lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def number(value):
    if value is None or isinstance(value, bool):
        return np.nan
    try:
        return float(value)
    except ValueError:
        return np.nan


def when(value):
    return pd.to_datetime(value, utc=True, errors="coerce") if isinstance(value, str) else pd.NaT


def by_value(test):
    """A mask from a per-value test; a missing property gives *missing* (None → False)."""

    def mask(df, key, missing=False):
        return values(df, key).map(lambda v: missing if v is None else bool(test(v))).astype(bool)

    return mask


NUM = by_value  # readability below: numeric tests get floats via number()

CASES = [
    ("$initial_os", "exact", ["Linux", "iOS"], by_value(lambda v: v in ("Linux", "iOS")), False),
    (
        "$initial_utm_source",
        "is_not",
        ["google", "twitter"],
        by_value(lambda v: v not in ("google", "twitter")),
        True,
    ),
    ("seats", "exact", [12], by_value(lambda v: number(v) == 12 or json_text(v) == "12"), False),
    ("beta_tester", "exact", [True], by_value(lambda v: json_text(v) == "true"), False),
    ("email", "icontains", "globex", by_value(lambda v: "globex" in json_text(v).lower()), False),
    (
        "email",
        "not_icontains",
        "GMAIL",
        by_value(lambda v: "gmail" not in json_text(v).lower()),
        True,
    ),
    (
        "company",
        "regex",
        "^(Acme|Hooli)",
        by_value(lambda v: re.search("^(Acme|Hooli)", json_text(v))),
        False,
    ),
    (
        "company",
        "not_regex",
        "Corp$",
        by_value(lambda v: not re.search("Corp$", json_text(v))),
        True,
    ),
    ("seats", "gt", 20, NUM(lambda v: number(v) > 20), False),
    ("mrr", "gte", 250.0, NUM(lambda v: number(v) >= 250), False),
    ("nps_score", "lt", 5, NUM(lambda v: number(v) < 5), False),
    ("nps_score", "lte", 5, NUM(lambda v: number(v) <= 5), False),
    ("zip_code", "gt", 50000, NUM(lambda v: number(v) > 50000), False),  # digit strings, a number
    ("email", "is_set", None, by_value(lambda v: True), False),
    ("company", "is_not_set", None, by_value(lambda v: False), True),
    (
        "signed_up_at",
        "is_date_before",
        "2025-02-10",
        by_value(lambda v: when(v) < pd.Timestamp("2025-02-10", tz="UTC")),
        False,
    ),
    (
        "signed_up_at",
        "is_date_after",
        "2025-03-01T12:00:00Z",
        by_value(lambda v: when(v) > pd.Timestamp("2025-03-01T12:00:00Z")),
        False,
    ),
    (
        "signed_up_at",
        "is_date_exact",
        "2025-01-05T10:00:00Z",
        by_value(lambda v: when(v) == pd.Timestamp("2025-01-05T10:00:00Z")),
        False,
    ),
    ("seats", "between", [5, 30], NUM(lambda v: 5 <= number(v) <= 30), False),
    ("seats", "not_between", [5, 30], NUM(lambda v: number(v) < 5 or number(v) > 30), False),
]


@pytest.mark.parametrize(("key", "op", "value", "mask", "missing"), CASES, ids=lambda c: str(c))
def test_filter_selects_what_pandas_selects(mixed, key, op, value, mask, missing):
    client, everyone = mixed
    expected = everyone.loc[mask(everyone, key, missing), "id"]
    got = client.persons(properties=[PropertyFilter(key, value, operator=op)], dtypes=False)
    assert 0 < len(expected) < len(everyone)  # the case really separates persons
    assert sorted(got["id"]) == sorted(expected)
    assert got.attrs["properties"] == [PropertyFilter(key, value, operator=op).to_dict()]


def test_missing_and_mixed_values_are_really_exercised(mixed):
    _, everyone = mixed
    assert values(everyone, "seats").map(type).isin([str, float, bool]).sum() >= 3
    assert values(everyone, "company").isna().any() and values(everyone, "seats").isna().any()


# -- the tutorial's filter, in every accepted form ---------------------------------------------

TUTORIAL = [{"key": "$initial_os", "value": ["Linux"], "operator": "exact", "type": "person"}]


def test_tutorial_filter_as_dict_json_and_property_filter(client):
    everyone = client.persons(progress=False)
    expected = sorted(everyone.loc[everyone[P + "$initial_os"] == "Linux", "id"])
    forms = [TUTORIAL, TUTORIAL[0], json.dumps(TUTORIAL), [PropertyFilter("$initial_os", "Linux")]]
    for form in forms:
        assert sorted(client.persons(properties=form, progress=False)["id"]) == expected
    assert 0 < len(expected) < len(everyone)
    assert phf.encode_filters(TUTORIAL) == urllib.parse.quote(json.dumps(TUTORIAL))


# -- single persons, limits, pages -------------------------------------------------------------


def test_person_by_id_and_by_uuid_are_the_same_series(demo, client):
    raw = demo.data.persons[7]
    by_id, by_uuid = client.person(raw["id"]), client.person(raw["uuid"])
    pd.testing.assert_series_equal(by_id, by_uuid)
    # id is the UUID, as in client.persons(), whichever id PostHog's retrieve answered with
    assert by_id["id"] == by_id["uuid"] == raw["uuid"] == by_id.name
    assert by_id["distinct_ids"] == raw["distinct_ids"]
    listed = client.persons(distinct_id=raw["distinct_ids"][0], progress=False).iloc[0]
    shared = [c for c in listed.index if c in by_id.index and c != "is_identified"]
    pd.testing.assert_series_equal(by_id[shared], listed[shared], check_names=False)
    for key, value in raw["properties"].items():
        assert by_id[P + key] == value or pd.Timestamp(by_id[P + key]) == pd.Timestamp(value)


def test_a_distinct_id_is_refused_with_the_way_to_look_it_up(demo, client):
    distinct_id = next(p["distinct_ids"][0] for p in demo.data.persons if "@" in p["name"])
    with pytest.raises(ValidationError, match=re.escape("persons(distinct_id=")):
        client.person(distinct_id)
    found = client.persons(distinct_id=distinct_id, progress=False)
    assert len(found) == 1 and distinct_id in found["distinct_ids"].iloc[0]


def test_limit_caps_rows_and_iter_persons_yields_pages(demo, client):
    capped = client.persons(limit=37, page_size=10, progress=False)
    assert capped["id"].tolist() == server_ids(demo)[:37]
    pages = list(client.iter_persons(page_size=120, progress=False))
    assert [len(p) for p in pages] == [120, 120, 120, 120, 20]
    assert pd.concat(pages)["id"].tolist() == server_ids(demo)
    with pytest.raises(ValidationError, match="limit"):
        client.persons(limit=0)


# -- property metadata and dtypes --------------------------------------------------------------


def test_property_definitions_and_values_agree_with_the_persons(client):
    everyone = client.persons(dtypes=False, progress=False)
    keys = {c.removeprefix(P) for c in everyone.columns if c.startswith(P)}
    definitions = client.property_definitions()
    assert set(definitions.loc[~definitions["virtual"], "name"]) == keys
    for key in ("$initial_os", "plan", "nps_score", "beta_tester"):
        counted = values(everyone, key).dropna().map(json_text).value_counts()
        answer = client.property_values(key)
        assert dict(zip(answer["value"], answer["count"], strict=True)) == counted.to_dict()


def test_dtypes_follow_property_definitions(demo, client):
    df = client.persons(progress=False)
    kinds = {
        "Numeric": pd.api.types.is_numeric_dtype,
        "Boolean": pd.api.types.is_bool_dtype,
        "DateTime": lambda d: isinstance(d, pd.DatetimeTZDtype),
        "String": pd.api.types.is_string_dtype,
    }
    definitions = client.property_definitions()
    stored = definitions[~definitions["virtual"]]  # PostHog's $virt_* are computed, not stored
    virtual = definitions.loc[definitions["virtual"], "name"]
    assert len(virtual) == 4 and virtual.str.startswith("$virt_").all()
    for name, ptype in stored[["name", "property_type"]].values:
        assert kinds[ptype](df[P + name].dtype), (name, ptype, df[P + name].dtype)
    zips = {
        p["uuid"]: p["properties"]["zip_code"]
        for p in demo.data.persons
        if str(p["properties"].get("zip_code", "x")).startswith("0")
    }
    assert zips and df.set_index("id")[P + "zip_code"][list(zips)].tolist() == list(zips.values())


# -- cache -------------------------------------------------------------------------------------


def test_a_repeated_pull_is_answered_from_the_cache(demo, client):
    first = client.persons(page_size=100, progress=False)
    sent = client.requests_sent
    first.loc[0, "name"] = "edited by the user"
    again = client.persons(page_size=100, progress=False)
    assert client.requests_sent == sent and again["name"].iloc[0] == demo.data.persons[0]["name"]
    pd.testing.assert_frame_equal(again.drop(index=0), first.drop(index=0))
    client.persons(page_size=100, progress=False, refresh=True)
    assert client.requests_sent >= sent + 5


def test_offline_client_reads_a_pull_from_the_sqlite_file(demo, tmp_path):
    path = tmp_path / "cache.sqlite"
    online = demo.client(cache=path, progress=False).persons(page_size=100)
    offline = demo.client(cache=path, progress=False, offline=True)
    pd.testing.assert_frame_equal(offline.persons(page_size=100), online)
    assert offline.requests_sent == 0
    offline.clear_cache()
    with pytest.raises(OfflineCacheMiss):
        offline.persons(page_size=100)


# -- progress bar ------------------------------------------------------------------------------


def test_progress_bar_for_multi_page_pulls_only(client, capsys, monkeypatch):
    monkeypatch.delenv("POSTHOG_FRAMES_PROGRESS", raising=False)
    client.persons(page_size=100)
    shown = capsys.readouterr().err
    assert "persons" in shown and "500/500" in shown
    client.persons(page_size=1000)  # one page: no bar
    client.persons(page_size=50, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("POSTHOG_FRAMES_PROGRESS", "0")
    client.persons(page_size=60)
    assert capsys.readouterr().err == ""
    client.persons(page_size=70, progress=True)
    assert "500/500" in capsys.readouterr().err


def test_uuid_shaped_person_404_suggests_distinct_id(client):
    distinct_id = "0195f3c2-aaaa-7bbb-8ccc-123456789abc"
    with pytest.raises(phf.NotFound) as err:
        client.person(distinct_id)
    assert f"client.persons(distinct_id={distinct_id!r})" in str(err.value)
    with pytest.raises(phf.NotFound) as err:
        client.person(999_999_999)
    assert "distinct_id" not in str(err.value)


def test_no_progress_bar_when_the_limit_fits_one_page(client, capsys, monkeypatch):
    monkeypatch.delenv("POSTHOG_FRAMES_PROGRESS", raising=False)
    assert len(client.persons(limit=1, refresh=True)) == 1
    assert len(client.persons(limit=40, page_size=50, refresh=True)) == 40
    assert capsys.readouterr().err == ""
    client.persons(limit=120, page_size=50, refresh=True)  # three pages: a bar
    assert "120/120" in capsys.readouterr().err
