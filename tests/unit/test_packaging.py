"""The project's metadata stays consistent: pyproject's floors are the versions `make test-oldest`
pins (constraints/oldest.txt), and environment.yml lists the same floors."""

from __future__ import annotations

import os
import re
import tomllib
from importlib.metadata import version

import pytest

import posthog_frames as phf
from tests.conftest import ROOT

OLDEST = ROOT / "constraints" / "oldest.txt"
# Extras whose floors the oldest environment proves: `make test-oldest` installs `.[dev]`, which
# holds parquet's pyarrow. The notebook, browser and mutation extras serve `make demo`,
# `make test-browser` and `make mutation`.
TESTED_EXTRAS = ("parquet", "dev")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _normalise(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).lower()


def _floors(requirements: list[str]) -> dict[str, str]:
    floors = {}
    for requirement in requirements:
        # Extras (moto[server]) are part of the requirement, not of the name pinned in oldest.txt.
        found = re.fullmatch(
            r"([a-z0-9_.-]+)(?:\[[a-z0-9_,.-]+\])?>=([0-9][0-9a-z.]*)", _normalise(requirement)
        )
        assert found, f"{requirement!r}: every dependency needs exactly a floor, name>=version"
        floors[found.group(1)] = found.group(2)
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in OLDEST.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[name.strip().lower()] = pinned.strip()
    return pins


def _tested_floors() -> dict[str, str]:
    project = _pyproject()["project"]
    floors = _floors(project["dependencies"])
    for extra in TESTED_EXTRAS:
        floors.update(_floors(project["optional-dependencies"][extra]))
    return floors


def test_floors_are_the_versions_the_oldest_environment_pins():
    assert _pins() == _tested_floors()


def test_environment_yml_lists_the_same_floors_as_pyproject():
    project = _pyproject()["project"]
    declared = {_normalise(r) for r in project["dependencies"]}
    kernel = [r for r in project["optional-dependencies"]["notebook"] if r.startswith("ipykernel")]
    text = (ROOT / "environment.yml").read_text()
    conda = {
        _normalise(m.split("#", 1)[0])
        for m in re.findall(r"^  - ([a-z][a-z0-9_.-]*[<>=!~].*)$", text, flags=re.M)
        if not m.startswith("python")
    }
    assert conda == declared | {_normalise(r) for r in kernel}
    assert re.search(r"^\s+- -e \.$", text, flags=re.M), "environment.yml must pip install -e ."


@pytest.mark.skipif(
    os.environ.get("POSTHOG_FRAMES_OLDEST") != "1", reason="only in `make test-oldest`"
)
def test_the_oldest_environment_runs_the_floors():
    installed = {name: version(name) for name in _pins()}
    assert installed == _pins()


def test_version_matches_pyproject():
    assert phf.__version__ == _pyproject()["project"]["version"]


def test_public_names_are_exported_and_documented():
    for name in phf.__all__:
        obj = getattr(phf, name)
        if callable(obj) and not name.startswith("__"):
            assert obj.__doc__, f"{name} has no docstring"


def test_package_is_typed():
    assert (ROOT / "posthog_frames" / "py.typed").exists()


def test_readme_says_how_to_install_outside_make():
    readme = (ROOT / "README.md").read_text()
    install = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "pip install ./posthog-frames",
        "git+",
        ".whl",
        "conda env create -f environment.yml",
        "python -m ipykernel install --user",
        "posthog-frames doctor",
    ):
        assert needed in install, needed
    assert "make test-oldest" in readme and "make test-package" in readme


def test_the_console_script_offers_demo_and_doctor(capsys):
    from posthog_frames.__main__ import main

    assert main([]) == 0
    usage = capsys.readouterr().out
    assert "demo" in usage and "doctor" in usage
