"""Parameter docs shared by the plot functions, written once and filled into their docstrings.

The pattern is seaborn's (``seaborn/_docstrings.py``): fragments live in
:class:`DocstringComponents` objects, and a docstring names one on a line of its own, such as
``{params.ax}``; :func:`fill_docstring` puts the fragment there, indented like that line.
Only such whole lines are filled, so other braces in a docstring need no escaping.

Example:
    >>> print(_params.ax)
    ax: the matplotlib Axes to draw into; None (the default) draws into a new figure.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["DocstringComponents", "fill_docstring"]

F = TypeVar("F", bound=Callable[..., Any])


class DocstringComponents:
    """Named docstring fragments, read with dot access (``params.title``).

    Each fragment is one Google-style entry: a first line, then continuation lines indented
    four spaces more, as they read in the docstring.
    """

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = {name: textwrap.dedent(text).strip() for name, text in entries.items()}

    def __getattr__(self, name: str) -> str:
        try:
            return self._entries[name]
        except KeyError:
            raise AttributeError(f"no shared docstring fragment named {name!r}") from None


_params = DocstringComponents(
    {
        "df": """
            df: the long frame a posthog_frames converter returns for such an insight, e.g.
                ``client.insight_frame(short_id)``; its ``attrs`` give the insight's name and
                view.
        """,
        "ax": """
            ax: the matplotlib Axes to draw into; None (the default) draws into a new figure.
        """,
        "title": """
            title: the title, drawn bold at the top left; None (the default) uses the insight's
                name, ``df.attrs["name"]``.
        """,
        "figsize": """
            figsize: ``(width, height)`` in inches of the new figure when *ax* is None; by
                default a size that fits the chart.
        """,
    }
)
_returns = DocstringComponents(
    {
        "ax": """
            The Axes drawn into: *ax* when given, else the new figure's.
        """,
    }
)
_COMPONENTS = {"params": _params, "returns": _returns}
_PLACEHOLDER = re.compile(r"^(?P<indent>[ ]*)\{(?P<group>\w+)\.(?P<name>\w+)\}[ ]*$", re.MULTILINE)


def fill_docstring(func: F) -> F:
    """Fill the ``{params.name}`` and ``{returns.name}`` lines of *func*'s docstring.

    Example:
        >>> @fill_docstring
        ... def draw(ax=None):
        ...     '''Draw nothing.
        ...
        ...     Args:
        ...         {params.ax}
        ...     '''
        >>> print(draw.__doc__.splitlines()[3].strip())
        ax: the matplotlib Axes to draw into; None (the default) draws into a new figure.
    """
    if func.__doc__ is None:  # python -OO drops docstrings
        return func

    def fragment(match: re.Match[str]) -> str:
        text = getattr(_COMPONENTS[match["group"]], match["name"])
        return textwrap.indent(text, match["indent"])

    func.__doc__ = _PLACEHOLDER.sub(fragment, func.__doc__)
    return func
