"""Your notebooks under regression tests: record once against PostHog, replay offline in CI.

What ``posthog-frames record|replay|cassette show`` run (``python -m posthog_frames`` too):

- :func:`record_notebook` executes a notebook (nbclient) with ``POSTHOG_FRAMES_CASSETTE`` and
  ``POSTHOG_FRAMES_CASSETTE_MODE=record`` set, so its unchanged ``phf.connect()`` records every
  answer, and saves the outputs it produced (pseudonymised, as the replays will show them);
- :func:`replay_notebook` runs nbval on it with ``…_MODE=replay``: no network, no key, the
  recording's date, and a failure for any error or any output that drifted;
- :func:`show_cassette` lists what a cassette holds, one line per answer.

Needs the ``ci`` extra (``pip install 'posthog-frames[ci]'``: nbclient, nbval, time-machine).

Example:
    >>> import pathlib, tempfile, nbformat
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> notebook = folder / "n.ipynb"
    >>> cells = ["import posthog_frames as phf\\nclient = phf.connect(quiet=True)",
    ...          "len(client.persons(progress=False))"]
    >>> nbformat.write(nbformat.v4.new_notebook(
    ...     cells=[nbformat.v4.new_code_cell(c) for c in cells]), notebook)
    >>> record_notebook(notebook, folder / "n.json", demo=True)
    0
    >>> replay_notebook(notebook, folder / "n.json", quiet=True)
    0
    >>> print(show_cassette(folder / "n.json"))
    cassette: .../n.json
    recorded: ... from http://127.0.0.1:...
    privacy:  pseudonymised (email, $email, name, ...; emails anywhere), salt in the file
    answers:  3
      200  GET /api/projects/1/persons/?include_total=true&limit=1000  ...
    ...
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from posthog_frames.exceptions import MissingDependency
from posthog_frames.http.cache_files import size_text
from posthog_frames.http.cassette import (
    CASSETTE_ENV,
    MODE_ENV,
    PRIVATE_ENV,
    PSEUDONYMISE_ENV,
    PUBLIC_ENV,
    Cassette,
)

__all__ = ["SANITIZE", "record_notebook", "replay_notebook", "show_cassette"]

# What differs between two runs of the same notebook on the same answers (nbval's format).
SANITIZE = """\
[memory-addresses]
regex: 0x[0-9a-fA-F]+
replace: 0xADDRESS

[timings]
regex: \\b(in|took|after) \\d+(\\.\\d+)? ?(ms|µs|s|seconds)\\b
replace: \\1 TIME
"""
_HELP = "pip install 'posthog-frames[ci]'"


@contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    # The kernel nbclient starts inherits this process's environment: set it, then restore it.
    saved = {name: os.environ.get(name) for name in values}
    try:
        _put(values)
        yield
    finally:
        _put(saved)


def _put(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def record_notebook(
    notebook: str | os.PathLike[str],
    cassette: str | os.PathLike[str],
    *,
    demo: bool = False,
    pseudonymise: bool = True,
    private_keys: Sequence[str] = (),
    public_keys: Sequence[str] = (),
    timeout: float = 600,
) -> int:
    """Execute *notebook* recording every answer to *cassette*; save its outputs in place.

    ``demo=True`` records against a demo server started for the run (its key and host in the
    notebook's environment) instead of ``POSTHOG_HOST`` / ``POSTHOG_PERSONAL_API_KEY``.
    Answers 0, or 1 when a cell failed (the notebook is then left as it was).
    """
    nbformat, nbclient = _notebook_tools()
    path = Path(notebook).resolve()
    env: dict[str, str | None] = {
        CASSETTE_ENV: str(Path(cassette).resolve()),
        MODE_ENV: "record",
        PSEUDONYMISE_ENV: "1" if pseudonymise else "0",
        PRIVATE_ENV: ",".join(private_keys) or None,
        PUBLIC_ENV: ",".join(public_keys) or None,
        "POSTHOG_FRAMES_PROGRESS": os.environ.get("POSTHOG_FRAMES_PROGRESS", "0"),
    }
    with _server(demo) as server:
        if server is not None:
            env |= {"POSTHOG_HOST": server.url, "POSTHOG_PERSONAL_API_KEY": server.api_key}
        book = nbformat.read(path, as_version=4)
        runner = nbclient.NotebookClient(
            book, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}
        )
        with _environment(env):
            try:
                runner.execute()
            except nbclient.exceptions.CellExecutionError as err:
                print(f"{path.name}: a cell failed while recording:\n{err}", file=sys.stderr)
                return 1
    nbformat.write(book, path)
    return 0


@contextmanager
def _server(demo: bool) -> Iterator[Any]:
    if not demo:
        yield None
        return
    from posthog_frames.demo import serve  # lazy: the demo's data is built on start

    with serve(port=0) as server:
        yield server


def replay_notebook(
    notebook: str | os.PathLike[str],
    cassette: str | os.PathLike[str],
    *,
    sanitize_with: str | os.PathLike[str] | None = None,
    quiet: bool = False,
    pytest_args: Sequence[str] = (),
) -> int:
    """Run *notebook* under nbval answered by *cassette* only; nbval's exit status (0: every
    cell ran and showed what it showed when recorded).

    *sanitize_with* is an nbval sanitize file (default :data:`SANITIZE`: memory addresses and
    timings); *pytest_args* are passed on to pytest.
    """
    _notebook_tools()
    Cassette(cassette, "replay")  # a missing or damaged cassette is said plainly, here
    with tempfile.TemporaryDirectory() as folder:
        sanitize = Path(sanitize_with) if sanitize_with else Path(folder) / "sanitize.cfg"
        if not sanitize_with:
            sanitize.write_text(SANITIZE)
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(Path(notebook).resolve()),
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(sanitize),
            "-p",
            "no:cacheprovider",
            "-q" if quiet else "-v",
            *pytest_args,
        ]
        env = {
            **os.environ,
            CASSETTE_ENV: str(Path(cassette).resolve()),
            MODE_ENV: "replay",
            "POSTHOG_FRAMES_PROGRESS": os.environ.get("POSTHOG_FRAMES_PROGRESS", "0"),
        }
        output = subprocess.DEVNULL if quiet else None
        return subprocess.call(command, env=env, stdout=output, stderr=output)


def show_cassette(path: str | os.PathLike[str]) -> str:
    """What a cassette holds: where from, when, its privacy settings, one line per answer."""
    tape = Cassette(path, "replay")
    document = tape.document()
    privacy = document["privacy"]
    keys = [k for k in privacy["default_keys"] if k not in privacy["public_keys"]]
    keys += privacy["private_keys"]
    state = f"pseudonymised ({', '.join(keys)}; emails anywhere)"
    if not privacy["pseudonymise"]:
        state = "NOT pseudonymised: persons' data as PostHog answered it"
    salt = "salt in the file" if "salt" in privacy else "salt kept outside the file"
    lines = [
        f"cassette: {tape.path}",
        f"recorded: {document['recorded_at']} from {document['host']}",
        f"privacy:  {state}, {salt}",
        f"answers:  {len(tape)}",
    ]
    for interaction in document["interactions"]:
        response = interaction["response"]
        body = response.get("json", response.get("text"))
        size = size_text(len(orjson.dumps(body)))
        lines.append(f"  {response['status']}  {interaction['key']}  ({size})")
    return "\n".join(lines)


def _notebook_tools() -> tuple[Any, Any]:
    try:
        import nbclient
        import nbformat
    except ImportError as err:
        raise MissingDependency(
            f"Recording and replaying notebooks needs nbclient and nbval: {_HELP}."
        ) from err
    return nbformat, nbclient
