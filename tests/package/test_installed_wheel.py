"""The package as users get it: an sdist and a wheel built from it, the wheel installed (not
editable) into a fresh venv, and the README's quick start run there against the demo server.

Slow (two venvs, dependencies from the package index): ``make test-package`` runs it (with
POSTHOG_FRAMES_PACKAGE=1), and so does CI; ``make test`` skips it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    os.environ.get("POSTHOG_FRAMES_PACKAGE") != "1",
    reason="packaging test: run `make test-package` (builds and installs the wheel in a venv)",
)

PACKAGE = ROOT / "posthog_frames"
TIMINGS: dict[str, float] = {}

# Runs inside the fresh venv, from a folder that is not the checkout: each top-level statement
# of the README's first python block in turn; what each expression gives is reported.
RUNNER = textwrap.dedent(
    """
    import ast, json, sys
    import posthog_frames
    source = open(sys.argv[1]).read()
    namespace, shown = {}, []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), "README", "eval"), namespace)
            shown.append({"type": type(value).__name__, "shape": list(getattr(value, "shape", []))})
        else:
            exec(compile(ast.Module([node], []), "README", "exec"), namespace)
    print(json.dumps({"module": posthog_frames.__file__, "shown": shown}))
    """
)


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    assert run.returncode == 0, f"{command}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


def _venv(path: Path) -> Path:
    _run([sys.executable, "-m", "venv", str(path)])
    python = path / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    return python


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """``python -m build``: the sdist, then the wheel built from that sdist."""
    started = time.perf_counter()
    work = tmp_path_factory.mktemp("build")
    python = _venv(work / "tools")
    _run([str(python), "-m", "pip", "install", "--quiet", "build"])
    out = work / "dist"
    _run([str(python), "-m", "build", "--outdir", str(out), str(ROOT)])
    TIMINGS["build"] = time.perf_counter() - started
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh venv with the wheel (and its dependencies) installed, nothing editable."""
    started = time.perf_counter()
    python = _venv(tmp_path_factory.mktemp("venv") / "env")
    _run([str(python), "-m", "pip", "install", "--quiet", str(built["wheel"])])
    TIMINGS["install"] = time.perf_counter() - started
    return python


def _sources() -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".typed")
    }


def test_the_wheel_holds_every_module_the_demo_and_py_typed(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    package = {n for n in names if n.startswith("posthog_frames/")}
    assert package == _sources()
    assert "posthog_frames/py.typed" in package
    assert "posthog_frames/demo/hogql/parser.py" in package
    assert not any(n.startswith(("tests/", "notebooks/", "benchmarks/")) for n in names)


def test_the_sdist_holds_the_package_and_what_builds_it(built):
    with tarfile.open(built["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert _sources() <= names
    assert {"pyproject.toml", "README.md"} <= names


def test_the_wheel_requires_the_floors_of_pyproject(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        text = wheel.read(metadata).decode()
    required = {
        re.sub(r"\s+", "", line.split(":", 1)[1]).lower()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert required == {re.sub(r"\s+", "", d).lower() for d in declared}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "PYTHON"))}
    return {**env, "CI": "1", "MPLBACKEND": "Agg", "POSTHOG_FRAMES_PROGRESS": "0", **extra}


def test_the_readme_quick_start_runs_from_the_installed_wheel(installed, tmp_path):
    readme = (ROOT / "README.md").read_text()
    quick_start = re.search(r"```python\n(.*?)```", readme, flags=re.S).group(1)
    (tmp_path / "quick_start.py").write_text(quick_start)
    (tmp_path / "runner.py").write_text(RUNNER)
    run = _run([str(installed), "runner.py", "quick_start.py"], cwd=tmp_path, env=_clean_env())
    report = json.loads(run.stdout.strip().splitlines()[-1])
    # The installed copy ran, not the checkout.
    assert Path(report["module"]).is_relative_to(installed.parent.parent)
    shown = report["shown"]
    assert [s["type"] for s in shown] == ["DataFrame", "DataFrame", "DataFrame"]
    insights, frame, linux = (s["shape"] for s in shown)
    assert insights[0] > 0 and frame[0] > 0 and linux[0] == 40


def test_the_console_script_and_doctor_work_from_the_installed_wheel(installed, tmp_path):
    script = installed.parent / "posthog-frames"
    assert _run([str(script), "--version"], env=_clean_env()).stdout.startswith("posthog-frames")
    check = textwrap.dedent(
        f"""
        import os, subprocess, sys
        from posthog_frames.demo import serve
        with serve(port=0, persons=50) as demo:
            env = {{**os.environ, "POSTHOG_HOST": demo.url,
                    "POSTHOG_PERSONAL_API_KEY": demo.limited_api_key}}
            run = subprocess.run([{str(script)!r}, "doctor", "--cache", "memory"], env=env,
                                 capture_output=True, text=True)
        print(run.returncode)
        print(run.stdout)
        """
    )
    run = _run([str(installed), "-c", check], cwd=tmp_path, env=_clean_env())
    code, *lines = run.stdout.strip().splitlines()
    assert code == "1" and any(line.startswith("FIX  scope: missing person:read") for line in lines)


def test_report_timings(installed):
    # Shown by `make test-package` (pytest -s): how long building and installing took.
    print(f"\npackaging: build {TIMINGS.get('build', 0):.0f} s, install {TIMINGS['install']:.0f} s")
