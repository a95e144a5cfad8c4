"""Fixtures for the real-browser tests: a demo server, JupyterLab and headless Chromium.

These tests run only under ``make test-browser`` (scripts/test_browser.sh), which installs
Chromium and Playwright and sets ``POSTHOG_FRAMES_BROWSER=1``; ``make test`` skips them.

Settings (environment): ``POSTHOG_FRAMES_BROWSER_NOTEBOOK`` (default notebooks/01-tutorial.ipynb),
``POSTHOG_FRAMES_SCREENSHOTS`` (default docs/img), ``POSTHOG_FRAMES_CHROMIUM``
(default /usr/bin/chromium).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser._lab import JupyterLab, demo_env
from tests.browser._notebook import NotebookPage, screenshot_path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = Path(
    os.environ.get("POSTHOG_FRAMES_BROWSER_NOTEBOOK", ROOT / "notebooks" / "01-tutorial.ipynb")
)
CHROMIUM = os.environ.get("POSTHOG_FRAMES_CHROMIUM", "/usr/bin/chromium")
# What this machine's Chromium needs headless (no GPU, no sandbox as root, nothing phoning home).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session", autouse=True)
def _browser_only() -> None:
    if os.environ.get("POSTHOG_FRAMES_BROWSER") != "1":
        pytest.skip(
            "real-browser test: run `make test-browser` (Chromium + JupyterLab; it sets "
            "POSTHOG_FRAMES_BROWSER=1)"
        )


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    """A private temporary folder. Not pytest's tmp_path: another pytest run on the machine
    prunes old pytest-of-<user> folders, and would delete the notebook under a running lab."""
    with tempfile.TemporaryDirectory(prefix="posthog-frames-browser-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def lab(demo, workdir: Path) -> Iterator[JupyterLab]:
    """JupyterLab on a copy of the notebook's folder, its kernels pointed at the demo server."""
    if not NOTEBOOK.is_file():
        pytest.fail(f"notebook to test not found: {NOTEBOOK}")
    root = workdir / "notebooks"
    shutil.copytree(NOTEBOOK.parent, root)  # JupyterLab autosaves: keep the repo's copy intact
    (workdir / "lab").mkdir()
    with JupyterLab(root, demo_env(demo), workdir / "lab") as server:
        yield server


@pytest.fixture(scope="session")
def browser_page(workdir: Path) -> Iterator:
    """A page in headless Chromium with a fresh profile."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test-browser`, it installs it")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(workdir / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(ACTION_TIMEOUT_MS)
            yield page
        finally:
            context.close()


@pytest.fixture(scope="session")
def notebook(lab: JupyterLab, browser_page) -> NotebookPage:
    """The notebook opened in JupyterLab, its saved outputs cleared, then Run → Run All Cells."""
    page = NotebookPage(browser_page, server_log=lab.log_tail)
    try:
        page.open(lab.url(f"lab/tree/{NOTEBOOK.name}"))
        page.clear_outputs()
        page.run_all()
    except Exception as err:
        pytest.fail(
            f"{NOTEBOOK.name} did not run in JupyterLab: {type(err).__name__}: {err}\n"
            + _diagnosis(page, "failed-run.png")
        )
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Under a failed test: a screenshot, open dialogs, console errors and JupyterLab's log."""
    report = yield
    notebook = item.funcargs.get("notebook")
    if report.failed and call.when == "call" and isinstance(notebook, NotebookPage):
        report.sections.append(("browser", _diagnosis(notebook, f"failed-{item.name}.png")))
    return report


def _attempt(what: Callable[[], object]) -> object:
    try:
        return what()
    except Exception as err:  # the page may be gone; the rest of the diagnosis still helps
        return f"(unavailable: {err})"


def _diagnosis(notebook: NotebookPage, name: str) -> str:
    """What explains a failure: prompts, a screenshot, dialogs, console errors, JupyterLab's log."""
    shot = screenshot_path(name, failure=True)
    taken = _attempt(lambda: notebook.page.screenshot(path=shot))
    return (
        f"cell prompts: {_attempt(notebook.prompts)}\n"
        f"screenshot: {taken if isinstance(taken, str) else shot}\n"
        f"dialogs: {_attempt(notebook.dialogs)}\n"
        f"browser console errors:\n{notebook.console_summary()}\n"
        f"JupyterLab log:\n{notebook.server_log()}"
    )
