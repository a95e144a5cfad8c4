"""One docstring per verb: the client's verbs can take the docs of the function they call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["docs_from"]

_Verb = TypeVar("_Verb", bound=Callable[..., Any])


def docs_from(function: Callable[..., Any]) -> Callable[[_Verb], _Verb]:
    """Give a verb the docs of the function it hands over to (one text, kept there).

    Example:
        >>> def work():
        ...     "Does the work."
        >>> @docs_from(work)
        ... def verb(): ...
        >>> verb.__doc__
        'Does the work.'
    """

    def attach(verb: _Verb) -> _Verb:
        verb.__doc__ = function.__doc__
        return verb

    return attach
