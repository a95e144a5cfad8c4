"""Cassettes against the demo over real HTTP: record, replay with the server gone, misses, keys,
and the privacy pass (no original email survives; frames keep their shape)."""

from __future__ import annotations

import datetime
import os
import re
import stat

import orjson
import pandas as pd
import pytest

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.http import cassette as cassette_module
from posthog_frames.http import replay_clock

EMAIL_QUERY = "select distinct_id, person.properties.email, person.properties.name from events"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    # Cassettes are shared per file within a process; each test starts from none.
    monkeypatch.setattr(cassette_module, "_OPEN", {})
    for name in os.environ:
        if name.startswith("POSTHOG_FRAMES_CASSETTE"):
            monkeypatch.delenv(name)
    yield
    replay_clock.thaw()  # a replay named by the environment moved this process's clock


def _pull(client: phf.Client) -> dict[str, pd.DataFrame]:
    return {
        "persons": client.persons(progress=False),
        "rows": client.query(EMAIL_QUERY + " order by timestamp limit 300"),
        "insights": client.insights(),
    }


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A cassette recorded from a demo that is stopped afterwards, with the originals."""
    path = tmp_path_factory.mktemp("tape") / "nb.cassette.json"
    with serve(persons=300) as server:
        originals = _pull(server.client(cache=False))
        me = server.client(cache=False).me()
        recorder = phf.Client(
            server.api_key, host=server.url, cassette=path, cassette_mode="record"
        )
        shown = _pull(recorder)
        recorder.me()
        key, url = server.api_key, server.url
    cassette_module._OPEN.clear()
    return {"path": path, "originals": originals, "shown": shown, "me": me, "key": key, "url": url}


def test_replay_answers_with_the_server_stopped_and_sends_nothing(recorded):
    with pytest.raises(phf.ServerError, match="Could not connect"):  # the demo is gone
        phf.Client(recorded["key"], host=recorded["url"], cache=False).me()
    player = phf.Client(cassette=recorded["path"], cassette_mode="replay")  # no key, no host
    replayed = _pull(player)
    assert player.host == recorded["url"] and player.requests_sent == 0
    for name, frame in replayed.items():
        pd.testing.assert_frame_equal(frame, recorded["shown"][name])


def test_pseudonymised_frames_keep_shape_dtypes_and_counts(recorded):
    for name, original in recorded["originals"].items():
        shown = recorded["shown"][name]
        assert shown.shape == original.shape, name
        assert list(shown.columns) == list(original.columns), name
        assert shown.dtypes.equals(original.dtypes), name
        assert shown.count().equals(original.count()), name  # nulls stay nulls
    persons, originals = recorded["shown"]["persons"], recorded["originals"]["persons"]
    assert persons["properties.email"].nunique() == originals["properties.email"].nunique()
    assert persons["id"].equals(originals["id"])  # ids are kept: joins still work
    assert (persons["properties.email"] != originals["properties.email"]).all()


def test_no_original_email_or_name_survives_in_the_cassette(recorded):
    raw = recorded["path"].read_bytes()
    persons, rows = recorded["originals"]["persons"], recorded["originals"]["rows"]
    emails = {*persons["properties.email"].dropna(), recorded["me"]["email"]}
    emails |= {value for value in rows.stack() if isinstance(value, str) and "@" in value}
    names = set(persons["properties.name"].dropna())
    assert len(emails) > 100 and len(names) > 50
    assert [e for e in emails if e.encode() in raw] == []
    assert [n for n in names if n.encode() in raw] == []
    assert re.findall(rb"[\w.+-]+@(?!example\.com)[\w-]+\.[\w.]+", raw) == []


def test_the_same_person_gets_the_same_fake_in_every_answer(recorded):
    persons, rows = recorded["shown"]["persons"], recorded["shown"]["rows"]
    by_id = persons.explode("distinct_ids").set_index("distinct_ids")["properties.email"]
    joined = rows.join(by_id, on="distinct_id", how="inner")
    assert joined["properties.email"].notna().sum() > 100
    same = joined["person.properties.email"].fillna("") == joined["properties.email"].fillna("")
    assert same.all()
    identified = persons.dropna(subset=["properties.email"])
    assert (identified["name"] == identified["properties.email"]).all()  # PostHog's display name


def test_the_cassette_holds_no_key_no_auth_header_and_is_private(recorded):
    raw = recorded["path"].read_bytes()
    key = recorded["key"].encode()
    assert key not in raw and key.split(b"_", 1)[1] not in raw
    for word in (b"Authorization", b"Bearer", b"Cookie", b"personal_api_key="):
        assert word not in raw
    if os.name == "posix":
        assert stat.S_IMODE(recorded["path"].stat().st_mode) == 0o600


def test_the_file_is_sorted_and_reviewable(recorded):
    document = orjson.loads(recorded["path"].read_bytes())
    keys = [interaction["key"] for interaction in document["interactions"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert list(document) == sorted(document)
    assert document["recorded_at"].endswith("Z") and document["privacy"]["pseudonymise"]
    assert any(i["request"].get("json") for i in document["interactions"])  # bodies as JSON
    assert b'\n  "interactions": [\n' in recorded["path"].read_bytes()


def test_a_request_never_recorded_is_named_in_the_miss(recorded):
    player = phf.Client(cassette=recorded["path"], cassette_mode="replay")
    with pytest.raises(phf.CassetteMiss) as caught:
        player.persons(search="nobody-recorded-this", progress=False)
    message = str(caught.value)
    assert "GET /api/projects/1/persons/?" in message and "search=nobody-recorded-this" in message
    assert "posthog-frames record" in message and "POSTHOG_FRAMES_CASSETTE_MODE=auto" in message
    assert isinstance(caught.value, phf.OfflineCacheMiss)


def test_replay_refuses_a_missing_cassette(tmp_path):
    with pytest.raises(phf.ConfigurationError, match="No cassette at .* to replay"):
        phf.Client(cassette=tmp_path / "none.json", cassette_mode="replay")
    with pytest.raises(phf.ConfigurationError, match="cassette_mode must be one of"):
        phf.Client("phx_x" * 4, cassette=tmp_path / "none.json", cassette_mode="play")


def test_auto_replays_what_is_recorded_and_records_the_rest(demo, tmp_path):
    path = tmp_path / "auto.json"
    first = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="auto")
    first.insights()
    assert first.requests_sent >= 1
    cassette_module._OPEN.clear()
    second = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="auto")
    second.insights()
    assert second.requests_sent == 0  # replayed, the project's id too
    second.persons(limit=5, progress=False)
    assert second.requests_sent >= 1  # recorded now
    cassette_module._OPEN.clear()
    keyless = phf.Client(cassette=path)  # auto without a key: replay only
    assert len(keyless.persons(limit=5, progress=False)) == 5
    with pytest.raises(phf.CassetteMiss):
        keyless.persons(limit=6, progress=False)


def test_a_fake_shown_to_the_notebook_finds_the_real_person(demo, tmp_path):
    client = phf.Client(demo.api_key, host=demo.url, cassette=tmp_path / "c.json")
    shown = client.persons(limit=50, progress=False)["properties.email"].dropna().iloc[0]
    assert shown.endswith("@example.com")
    found = client.persons(email=shown, progress=False)
    assert found["properties.email"].tolist() == [shown]


def test_the_environment_names_the_cassette_for_an_unchanged_notebook(
    recorded, monkeypatch, capsys, tmp_path
):
    document = orjson.loads(recorded["path"].read_bytes())
    document["recorded_at"] = "2024-01-02T03:04:05Z"  # as if recorded long ago
    path = tmp_path / "old.json"
    path.write_bytes(orjson.dumps(document))
    monkeypatch.setenv("POSTHOG_FRAMES_CASSETTE", str(path))
    monkeypatch.setenv("POSTHOG_FRAMES_CASSETTE_MODE", "replay")
    monkeypatch.delenv("POSTHOG_PERSONAL_API_KEY", raising=False)
    monkeypatch.delenv("POSTHOG_HOST", raising=False)
    client = phf.connect()  # no key, no demo: the cassette
    assert client.host == recorded["url"] and client.cassette is not None
    assert "DEMO" not in capsys.readouterr().out
    assert len(client.persons(progress=False)) == 300
    assert datetime.date.today() == datetime.date(2024, 1, 2)  # the recording's day


def test_private_and_public_keys(demo, tmp_path):
    tape = phf.Cassette(
        tmp_path / "keys.json",
        mode="record",
        private_keys=["$geoip_city_name"],
        public_keys=["name"],
    )
    client = phf.Client(demo.api_key, host=demo.url, cassette=tape)
    original = demo.client(cache=False).persons(limit=100, progress=False)
    shown = client.persons(limit=100, progress=False)
    assert shown["properties.name"].equals(original["properties.name"])
    cities = shown["properties.$geoip_city_name"].dropna()
    assert len(cities) and cities.str.startswith("Person ").all()
    saved = orjson.loads(tape.path.read_bytes())["privacy"]
    assert saved["private_keys"] == ["$geoip_city_name"] and saved["public_keys"] == ["name"]


def test_retried_failures_are_not_recorded_only_the_answer_after_them(tmp_path):
    path = tmp_path / "flaky.json"
    with serve(persons=120, error_rate=0.4, seed=3) as server:
        client = phf.Client(server.api_key, host=server.url, cassette=path, page_size=20)
        client._transport.sleep_with = lambda seconds: None  # retries without waiting
        shown = client.persons(progress=False)
        assert server.app.faults.injected()["server_error"] > 0
    statuses = {i["response"]["status"] for i in orjson.loads(path.read_bytes())["interactions"]}
    assert statuses == {200}
    cassette_module._OPEN.clear()
    player = phf.Client(cassette=path, cassette_mode="replay", page_size=20)
    replayed = player.persons(progress=False)
    pd.testing.assert_frame_equal(replayed, shown)


def test_a_re_recording_shows_the_same_fakes(demo, tmp_path):
    path = tmp_path / "again.json"
    first = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="record")
    before = first.persons(limit=30, progress=False)
    cassette_module._OPEN.clear()
    second = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="record")
    after = second.persons(limit=30, progress=False)
    pd.testing.assert_frame_equal(before, after)  # the salt stayed in the file


def test_a_key_echoed_back_in_an_answer_is_not_stored(demo, tmp_path):
    path = tmp_path / "echo.json"
    client = phf.Client(demo.api_key, host=demo.url, cassette=path, cassette_mode="record")
    page = client.get("persons/", limit=2, personal_api_key=demo.api_key)
    assert "personal_api_key=" in page["next"]  # PostHog's next link repeats every parameter
    raw = path.read_bytes()
    assert demo.api_key.encode() not in raw and demo.api_key[4:].encode() not in raw
    assert b"personal_api_key=REDACTED" in raw
