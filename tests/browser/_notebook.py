"""Drive a notebook in JupyterLab the way a person does: menus, clicks and typing.

Example:
    >>> nb = NotebookPage(page)
    >>> nb.open(lab.url("lab/tree/01-tutorial.ipynb"))
    >>> nb.clear_outputs(); nb.run_all()
    >>> nb.error_outputs()
    []
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SCREENSHOTS = Path(os.environ.get("POSTHOG_FRAMES_SCREENSHOTS", DOCS_IMG))
OPEN_TIMEOUT_MS = 60_000  # JupyterLab's first load builds its extension bundle cache
RUN_TIMEOUT_MS = 120_000  # every cell of a notebook against the local demo server

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
CODE_PROMPTS = ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt"

# True once no cell is queued or running and either every code cell ran or one failed (a
# failure makes JupyterLab drop the cells queued after it, which then never get a number).
_RUN_FINISHED = """([prompts, stderr]) => {
    const texts = [...document.querySelectorAll(prompts)].map((e) => e.textContent.trim());
    if (!texts.length || texts.includes("[*]:")) return false;
    return texts.every((t) => /^\\[\\d+\\]:$/.test(t)) || document.querySelector(stderr) !== null;
}"""


@dataclass
class NotebookPage:
    """A JupyterLab page showing one notebook; collects the browser console's errors."""

    page: Any  # playwright.sync_api.Page
    server_log: Callable[[], str] = lambda: "(no server log)"
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda err: self.console_errors.append(str(err)))

    def open(self, url: str) -> None:
        """Load the notebook and wait for its cells and a connected kernel."""
        self.page.goto(url, timeout=OPEN_TIMEOUT_MS)
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=OPEN_TIMEOUT_MS)
        self.page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=OPEN_TIMEOUT_MS
        )

    def menu(self, title: str, command: str) -> None:
        """Click menu *title* in the menu bar, then its item running *command*."""
        self.page.get_by_role("menuitem", name=title, exact=True).click()
        self.page.click(f'.lm-Menu-item[data-command="{command}"]')

    def clear_outputs(self) -> None:
        """Edit → Clear Outputs of All Cells: what is checked next comes from this run only."""
        self.menu("Edit", "editmenu:clear-all")
        self.page.wait_for_function(
            """(prompts) => !document.querySelector(".jp-Notebook .jp-OutputArea-output") &&
                [...document.querySelectorAll(prompts)].every((e) => !/\\d/.test(e.textContent))""",
            arg=CODE_PROMPTS,
            timeout=10_000,
        )

    def run_all(self) -> None:
        """Run → Run All Cells, and wait until the run finishes or a cell fails."""
        self.menu("Run", "runmenu:run-all")
        self.page.wait_for_function(
            _RUN_FINISHED, arg=[CODE_PROMPTS, STDERR], timeout=RUN_TIMEOUT_MS
        )

    def prompts(self) -> list[str]:
        """The execution prompts of the code cells (``[3]:``, ``[ ]:``, ``[*]:``)."""
        return [text.strip() for text in self.page.locator(CODE_PROMPTS).all_text_contents()]

    def error_outputs(self) -> list[str]:
        """Tracebacks and error messages shown in output areas (stderr output included)."""
        return self.page.locator(STDERR).all_inner_texts()

    def console_summary(self, last: int = 10) -> str:
        """The last console errors, first lines only (stack traces are long and minified)."""
        lines = ["\n  ".join(e.splitlines()[:3]) for e in self.console_errors[-last:]]
        return "\n".join(lines) or "(none)"

    def dialogs(self) -> list[str]:
        """The text of JupyterLab dialogs open now (kernel died, file changed, …)."""
        return [t.strip() for t in self.page.locator(".jp-Dialog").all_inner_texts()]

    def hide_sidebar(self) -> None:
        """Collapse the left sidebar (click its open tab), so screenshots show the notebook."""
        tab = self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if tab.count():
            tab.first.click()


def screenshot_path(name: str, failure: bool = False) -> Path:
    """Where screenshot *name* goes: docs/img (or POSTHOG_FRAMES_SCREENSHOTS); failures to tmp."""
    folder = Path(tempfile.gettempdir()) / "posthog-frames-browser" if failure else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
