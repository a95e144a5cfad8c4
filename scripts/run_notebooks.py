"""Re-execute notebooks in place against a fresh demo server, as ``make notebooks`` does.

Each notebook runs top to bottom in a fresh kernel whose environment has no PostHog account
(POSTHOG_* unset), no progress bars and the Agg backend, so ``phf.connect()`` in the first cell
starts the built-in demo server and every output is the one nbval will compare against. A cell
error, or anything written to stderr (a warning, a traceback), stops the run and the notebook is
not saved. Volatile bits that only make diffs noisy are dropped before saving: execution
timestamps, widget state and widget model ids (the text repr of a widget is kept).

Usage:
    .venv/bin/python scripts/run_notebooks.py notebooks/*.ipynb [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ACCOUNT_VARIABLES = (
    "POSTHOG_PERSONAL_API_KEY",
    "POSTHOG_HOST",
    "POSTHOG_PROJECT_ID",
    "POSTHOG_FRAMES_DEMO",
)


class NotebookFailed(RuntimeError):
    """A notebook could not be re-executed cleanly."""


def kernel_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: *base* (default ``os.environ``) without any PostHog account.

    Example:
        >>> "POSTHOG_PERSONAL_API_KEY" in kernel_env({"POSTHOG_PERSONAL_API_KEY": "x"})
        False
    """
    env = dict(os.environ if base is None else base)
    for name in ACCOUNT_VARIABLES:
        env.pop(name, None)
    env.update({"POSTHOG_FRAMES_PROGRESS": "0", "MPLBACKEND": "Agg"})
    return env


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes on every run without meaning anything (in place; returns *nb*).

    Example:
        >>> strip_volatile(nbformat.v4.new_notebook()).metadata.get("widgets") is None
        True
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None:
                # A model id without the saved widget state renders nothing; the text repr stays.
                data.pop(WIDGET_VIEW, None)
    return nb


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """``"cell N: text"`` for every stderr stream: a warning that would break nbval's comparison.

    Example:
        >>> stderr_outputs(nbformat.v4.new_notebook())
        []
    """
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: {output.get('text', '').strip()[:500]}")
    return found


def run_notebook(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute *path* in a fresh kernel and return the executed notebook (not yet saved).

    Raises :class:`NotebookFailed` on a cell error or stderr output.

    Example:
        >>> nb = run_notebook(Path("notebooks/01-tutorial.ipynb"))
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    try:
        client.execute(env=kernel_env())
    except CellExecutionError as err:
        raise NotebookFailed(f"{path}: a cell raised an error\n{err}") from err
    noise = stderr_outputs(nb)
    if noise:
        raise NotebookFailed(f"{path}: output on stderr (fix its cause):\n" + "\n".join(noise))
    return strip_volatile(nb)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every notebook named on the command line; save each one that ran cleanly."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        print(f"running {path} …", flush=True)
        try:
            nb = run_notebook(path, timeout=args.timeout)
        except NotebookFailed as err:
            print(f"FAILED {err}", file=sys.stderr, flush=True)
            failed += 1
            continue
        nbformat.write(nb, path)
        cells = sum(cell.cell_type == "code" for cell in nb.cells)
        print(f"saved {path} ({cells} code cells)", flush=True)
    if failed:
        print(f"{failed} notebook(s) failed; they were left unchanged.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
