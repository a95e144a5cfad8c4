"""The demo's command line: stopping cleanly however it is stopped, and a taken port's advice.

JupyterLab is stood in for by a module named ``jupyter`` placed first on PYTHONPATH: it records
its pid and sleeps, like a server that only stops when told to.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from posthog_frames.demo.__main__ import build_parser

FAKE_JUPYTER = textwrap.dedent(
    """
    import os, pathlib, sys, time
    pathlib.Path(os.environ["FAKE_JUPYTER_PID"]).write_text(str(os.getpid()))
    while True:
        time.sleep(1)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def fake_lab(tmp_path: Path) -> dict[str, str]:
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "jupyter.py").write_text(FAKE_JUPYTER)
    (tmp_path / "notebooks").mkdir()
    path = os.pathsep.join(filter(None, [str(modules), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "PYTHONPATH": path,
        "FAKE_JUPYTER_PID": str(tmp_path / "jupyter.pid"),
        "PYTHONUNBUFFERED": "1",
    }


def _demo_command(tmp_path: Path) -> list[str]:
    notebooks = str(tmp_path / "notebooks")
    options = ["--port", "0", "--persons", "20", "--jupyter", notebooks]
    return [sys.executable, "-m", "posthog_frames.demo", *options]


def _end(pid: int) -> None:
    # A failing run must not leave the stand-in lab sleeping forever.
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


def _lab_pid(tmp_path: Path) -> int:
    pid_file = tmp_path / "jupyter.pid"
    assert _wait_for(lambda: pid_file.exists() and pid_file.read_text()), "the lab never started"
    return int(pid_file.read_text())


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_stops_the_server_and_jupyterlab(tmp_path, fake_lab):
    demo = subprocess.Popen(
        _demo_command(tmp_path), env=fake_lab, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    lab = _lab_pid(tmp_path)
    try:
        demo.send_signal(signal.SIGTERM)  # a process manager, an IDE's stop button
        assert demo.wait(timeout=20) == 0
        assert _wait_for(lambda: not _alive(lab), 15), "JupyterLab was left running"
        assert b"stopping" in demo.stdout.read()
    finally:
        demo.kill()
        demo.wait()
        _end(lab)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_sigterm_to_make_stops_the_server_and_jupyterlab(tmp_path, fake_lab):
    # make does not pass SIGTERM on to its recipe: the demo notices its parent is gone.
    makefile = tmp_path / "Makefile"
    makefile.write_text("demo:\n\t" + " ".join(_demo_command(tmp_path)) + "\n")
    make = subprocess.Popen(
        ["make", "-f", str(makefile), "demo"],
        env=fake_lab,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lab = _lab_pid(tmp_path)
    try:
        make.send_signal(signal.SIGTERM)
        make.wait(timeout=20)
        assert _wait_for(lambda: not _alive(lab), 20), "JupyterLab was left running"
    finally:
        _end(lab)


def test_a_taken_port_suggests_any_free_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "posthog_frames.demo", "--port", str(port), "--persons", "5"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 1
    assert f"port {port} is taken" in run.stderr
    assert "--port 0" in run.stderr and "make demo DEMO_PORT=0" in run.stderr


def test_demo_cli_help_shows_defaults_example_and_fault_options(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = capsys.readouterr().out
    for option in (
        "--reset-rate",
        "--truncate-rate",
        "--html-rate",
        "--slow-body",
        "--wrong-shape-rate",
    ):
        assert option in text
    assert "(default: 500)" in text and "example" in text and "POSTHOG_HOST" in text
    args = build_parser().parse_args(["--reset-rate", "0.1", "--slow-body", "2"])
    assert (args.reset_rate, args.slow_body) == (0.1, 2.0)
