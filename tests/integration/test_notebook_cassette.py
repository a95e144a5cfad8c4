"""The committed example notebook and its cassette (docs/examples), replayed as a user's CI
would: nbval, no key, the demo stopped, every network connection refused, years later."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import orjson
import pytest

from posthog_frames.__main__ import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "ci-report.ipynb"
TAPE = ROOT / "docs" / "examples" / "ci-report.cassette.json"
LATER = "2031-06-15T09:00:00+00:00"
# Loaded by every Python process started with it on PYTHONPATH (pytest and the kernel): the
# clock years after the recording, and no connection to any address.
SITE = f"""\
import socket
import time_machine

time_machine.travel("{LATER}", tick=True).start()


def _refused(self, address, *args):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        raise ConnectionRefusedError(f"network refused in this test: {{address}}")
    return _connect(self, address, *args)


_connect = socket.socket.connect
socket.socket.connect = _refused
"""


@pytest.fixture
def example(tmp_path):
    """A copy of the example and its cassette, and an environment for a later, offline day."""
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    shutil.copy(TAPE, tmp_path / TAPE.name)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    return tmp_path, env


def _replay(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "posthog_frames", "replay", EXAMPLE.name]
    command += ["--cassette", TAPE.name]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def _cells(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        if "::Cell " in line and (" PASSED" in line or " FAILED" in line):
            cell = line.split("::Cell ", 1)[1].split()[0]
            found[cell] = "PASSED" if " PASSED" in line else "FAILED"
    return found


def test_the_simulated_day_is_later_and_offline(example):
    folder, env = example
    probe = "import datetime, urllib.request as u; print(datetime.date.today()); u.urlopen("
    probe += "'http://127.0.0.1:9')"
    run = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.stdout.strip() == LATER[:10]
    assert "network refused in this test" in run.stderr


def test_the_example_replays_green_offline_on_a_later_day(example):
    folder, env = example
    run = _replay(folder, env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    cells = _cells(run.stdout)
    assert len(cells) == 6 and set(cells.values()) == {"PASSED"}, run.stdout[-3000:]


def test_without_the_recordings_date_the_report_cell_drifts(example):
    folder, env = example
    run = _replay(folder, {**env, "POSTHOG_FRAMES_FREEZE_TIME": "0"})
    assert run.returncode != 0
    assert _cells(run.stdout)["1"] == "FAILED"  # "Report of 2031-06-15 …"
    assert {c for c, state in _cells(run.stdout).items() if state == "FAILED"} == {"1"}


def test_a_changed_answer_fails_the_cell_that_shows_it(example):
    folder, env = example
    tape = folder / TAPE.name
    document = orjson.loads(tape.read_bytes())
    (daily,) = [
        i for i in document["interactions"] if "interval 7 day" in str(i["request"].get("json", ""))
    ]
    daily["response"]["json"]["results"][0][1] += 1000
    tape.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    run = _replay(folder, env)
    assert run.returncode != 0
    cells = _cells(run.stdout)
    assert cells.pop("3") == "FAILED", run.stdout[-3000:]
    assert set(cells.values()) == {"PASSED"}


def test_a_request_never_recorded_fails_naming_it(example):
    folder, env = example
    notebook = folder / EXAMPLE.name
    book = nbformat.read(notebook, as_version=4)
    book.cells.append(nbformat.v4.new_code_cell('client.persons(search="never-recorded")'))
    nbformat.write(book, notebook)
    run = _replay(folder, env)
    assert run.returncode != 0
    assert _cells(run.stdout)["6"] == "FAILED"
    assert "CassetteMiss" in run.stdout
    assert "GET /api/projects/1/persons/?include_total=true&limit=1000&search=never-recorded" in (
        run.stdout
    )


def test_cassette_show_lists_every_answer(capsys):
    assert main(["cassette", "show", str(TAPE)]) == 0
    shown = capsys.readouterr().out
    interactions = orjson.loads(TAPE.read_bytes())["interactions"]
    assert f"answers:  {len(interactions)}" in shown
    assert all(i["key"] in shown for i in interactions)
    assert "pseudonymised (email, $email, name" in shown


def test_replay_without_a_cassette_says_how_to_record(tmp_path, capsys):
    assert main(["replay", str(EXAMPLE), "--cassette", str(tmp_path / "none.json")]) == 1
    assert "posthog-frames record" in capsys.readouterr().err


def test_the_committed_example_holds_no_demo_email():
    from posthog_frames.demo import serve

    with serve(port=0) as server:
        persons = server.client(cache=False).persons(progress=False)
    emails = persons["properties.email"].dropna()
    raw = TAPE.read_bytes() + EXAMPLE.read_bytes()
    assert len(emails) > 100 and [e for e in emails if e.encode() in raw] == []
    assert server.api_key.encode() not in raw


def test_the_readme_conftest_recipe_replays_with_nbval_alone(example):
    folder, env = example
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Test your own notebooks in CI", 1)[1].split("\n## ", 1)[0]
    recipe = section.split("```python\n", 1)[1].split("```", 1)[0]
    (folder / "conftest.py").write_text(recipe)
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-v", "."]
    run = subprocess.run(
        command,
        cwd=folder,
        env={**env, "POSTHOG_FRAMES_CASSETTE_MODE": "replay"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert len(_cells(run.stdout)) == 6


def test_the_ci_workflow_replays_with_pip_only():
    workflow = (ROOT / "docs" / "ci" / "notebooks.yml").read_text()
    assert 'pip install "posthog-frames[ci]"' in workflow and "conda" not in workflow
    assert "POSTHOG_FRAMES_CASSETTE_MODE: replay" in workflow
    assert "POSTHOG_PERSONAL_API_KEY" not in workflow  # CI never holds a key
    assert "pytest --nbval --nbval-current-env notebooks/" in workflow
