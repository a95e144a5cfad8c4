"""client.doctor() and `posthog-frames doctor` against the demo: each line a pass or a fix."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import requests_cache

import posthog_frames as phf
from posthog_frames.client.doctor import SCOPE_USES, _version_check, cache_check


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
    return subprocess.run(
        [sys.executable, "-m", "posthog_frames", "doctor", *args],
        env={**clean, "CI": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_full_key_passes_every_check(demo):
    report = demo.client(cache="memory").doctor()
    assert report.ok and not report.missing_scopes, str(report)
    topics = [check.topic for check in report]
    assert topics[:3] == ["versions", "host", "key"] and topics[-1] == "cache"
    scopes = {check.scope for check in report if check.topic == "scope"}
    assert scopes == set(SCOPE_USES)
    project = next(check for check in report if check.topic == "project")
    assert project.text.startswith(f"{demo.project_id} \u201cHogflix Demo\u201d")


def test_the_cli_names_the_missing_scopes_and_what_they_block(demo):
    # The demo's limited key lacks person:read and insight:read.
    run = _cli(POSTHOG_PERSONAL_API_KEY=demo.limited_api_key, POSTHOG_HOST=demo.url)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    person = next(line for line in lines if "person:read" in line)
    assert person.startswith("FIX  scope: missing person:read: it blocks client.persons()")
    assert "Personal API Keys" in person
    insight = next(line for line in lines if "insight:read" in line)
    assert insight.startswith("FIX ") and "client.insights()" in insight
    assert any(line.startswith("PASS scope: query:read granted") for line in lines)
    assert demo.limited_api_key not in run.stdout
    # Every line is a pass, information, or a sentence saying what to fix.
    assert all(line[:5] in ("PASS ", "INFO ", "FIX  ") for line in lines), lines


def test_the_cli_passes_with_a_full_key(demo):
    run = _cli("--cache", "memory", POSTHOG_PERSONAL_API_KEY=demo.api_key, POSTHOG_HOST=demo.url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FIX" not in run.stdout and f"PASS host: {demo.url}" in run.stdout


def test_the_cli_without_a_key_says_how_to_make_one():
    run = _cli()
    assert run.returncode == 1
    assert "FIX  key: No PostHog personal API key" in run.stdout
    assert "Personal API Keys" in run.stdout and "INFO cache:" in run.stdout


def test_a_rejected_key_and_an_unknown_project_are_named(demo):
    bad = phf.Client("phx_not_a_key_of_this_server", host=demo.url, cache="memory").doctor()
    key = next(check for check in bad if check.topic == "key")
    assert key.status == "fix" and "401" in key.text
    lost = phf.Client(demo.api_key, host=demo.url, project_id=99, cache="memory").doctor()
    project = next(check for check in lost if check.topic == "project")
    assert project.status == "fix" and "99" in project.text and "client.projects()" in project.text


def test_a_host_that_does_not_answer_is_a_fix_naming_it():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    client = phf.Client("phx_any_key_will_do_here", host=f"http://127.0.0.1:{port}", cache=False)
    report = client.doctor()
    host = next(check for check in report if check.topic == "host")
    assert host.status == "fix" and f"127.0.0.1:{port}" in host.text and "host=" in host.text
    assert not report.ok


def test_the_cache_line_gives_place_size_and_age(demo, tmp_path):
    path = tmp_path / "cache.sqlite"
    client = demo.client(cache=path)
    client.insights()
    line = cache_check(client.session)
    assert line.status == "pass" and str(path) in line.text
    assert "answers" in line.text and "last written just now" in line.text
    assert "fresh 1 h" in line.text
    assert cache_check(demo.client(cache=False).session).text.startswith("none")


def test_the_version_is_read_where_posthog_says_it(demo):
    client = demo.client(cache="memory")
    said = _version_check(client, {"posthog_version": "1.43.1"}, refresh=False)
    assert said.text == "version 1.43.1 (from /api/users/@me/)"
    # The demo, like PostHog Cloud today, does not say.
    assert "does not say" in _version_check(client, {}, refresh=False).text


def test_connect_prints_the_doctor_line(demo, monkeypatch, capsys):
    for name in ("POSTHOG_PROJECT_ID", "POSTHOG_FRAMES_DEMO"):
        monkeypatch.delenv(name, raising=False)
    phf.connect(api_key=demo.limited_api_key, host=demo.url, cache="memory")
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("Doctor: scope: missing insight:read") and "person:read" in out[1]
    phf.connect(api_key=demo.api_key, host=demo.url, cache="memory")
    assert capsys.readouterr().out.splitlines()[1].startswith("Checks pass:")


@pytest.mark.parametrize("argv", [["doctor", "--nope"], ["doctor", "extra"]])
def test_unknown_doctor_arguments_are_refused(argv):
    from posthog_frames.__main__ import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_the_cache_line_names_the_bound_and_a_file_others_can_read(demo, tmp_path):
    line = cache_check(demo.client(cache=tmp_path / "c.sqlite", max_cache_mb=200).session)
    assert line.status == "pass" and "at most 200.0 MiB" in line.text
    # A CachedSession of the user's own, on a file the usual umask left readable by all.
    path = tmp_path / "theirs.sqlite"
    mine = requests_cache.CachedSession(str(path))
    client = demo.client(session=mine)
    client.insights()
    os.chmod(path, 0o644)
    line = cache_check(client.session)
    assert line.status == "fix" and "readable by other accounts (mode 0644)" in line.text
    assert f"chmod 600 {path}" in line.text
    mine.close()
