"""The project's metadata stays consistent: environment.yml mirrors pyproject's dependencies."""

from __future__ import annotations

import re
import tomllib

import posthog_frames as phf
from tests.conftest import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _normalise(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    declared = {_normalise(r) for r in _pyproject()["project"]["dependencies"]}
    text = (ROOT / "environment.yml").read_text()
    conda = {
        _normalise(m)
        for m in re.findall(r"^  - ([a-z][a-z0-9_.-]*[<>=!~].*)$", text, flags=re.M)
        if not m.startswith("python")
    }
    assert conda == declared
    assert re.search(r"^\s+- -e \.$", text, flags=re.M), "environment.yml must pip install -e ."


def test_version_matches_pyproject():
    assert phf.__version__ == _pyproject()["project"]["version"]


def test_public_names_are_exported_and_documented():
    for name in phf.__all__:
        obj = getattr(phf, name)
        if callable(obj) and not name.startswith("__"):
            assert obj.__doc__, f"{name} has no docstring"


def test_package_is_typed():
    assert (ROOT / "posthog_frames" / "py.typed").exists()
