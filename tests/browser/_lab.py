"""A throwaway JupyterLab server for the browser tests: loopback, random token, own settings.

It runs on a copy of the notebook's folder (JupyterLab autosaves, and the notebooks belong to
the repo) with the POSTHOG_* variables pointing at the demo server, so ``phf.connect()`` in the
notebook uses the same data the test compares against.

Example:
    >>> with JupyterLab(root, demo_env(demo)) as lab:
    ...     page.goto(lab.url("lab/tree/01-tutorial.ipynb"))
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

START_TIMEOUT = 90.0  # seconds for JupyterLab to answer /api/status

# JupyterLab user settings for a headless run: every cell in the DOM (the default windowing
# leaves off-screen cells out, and the test counts tables and images), no news or update toasts.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_env(demo: Any) -> dict[str, str]:
    """The environment a notebook kernel needs to find *demo* (as ``make demo`` sets it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}
    env.pop("MPLBACKEND", None)  # Agg would hide the plots the test looks for
    env.update(
        POSTHOG_HOST=demo.url,
        POSTHOG_PERSONAL_API_KEY=demo.api_key,
        POSTHOG_PROJECT_ID=str(demo.project_id),
        POSTHOG_FRAMES_DEMO="1",
    )
    return env


class JupyterLab:
    """``jupyter lab`` on *root* in a subprocess; ``stop()`` (or leaving ``with``) ends it."""

    def __init__(self, root: Path, env: dict[str, str], state: Path) -> None:
        self.root, self.port, self.token = root, free_port(), secrets.token_hex(16)
        self.log_path = state / "jupyterlab.log"
        settings = state / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self._env = {
            **env,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
            "JUPYTER_CONFIG_DIR": str(state / "config"),  # no user config from ~/.jupyter
            "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
            "IPYTHONDIR": str(state / "ipython"),
        }
        self._proc: subprocess.Popen | None = None

    def url(self, path: str = "lab") -> str:
        """The address of *path* on this server, with the token."""
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def start(self) -> JupyterLab:
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI and containers run as root
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                command,
                env=self._env,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        status = f"http://127.0.0.1:{self.port}/api/status"
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start:\n{self.log_tail()}")
            auth = {"Authorization": f"token {self.token}"}
            request = urllib.request.Request(status, headers=auth)
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        waited = f"{START_TIMEOUT:.0f} s"
        raise RuntimeError(f"JupyterLab did not answer in {waited}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines JupyterLab printed (its token is masked)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.replace(self.token, "<token>").splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the server (it shuts its kernels down), then kill it if it lingers."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> JupyterLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
