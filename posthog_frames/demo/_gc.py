"""The garbage collector around the demo's bulk work: paused while data is built, frozen after.

A demo of 1,000,000 persons holds tens of millions of long-lived objects (dicts, strings). Each
full collection walks all of them, and building them triggers one every few hundred thousand
allocations, so a generation that makes millions of objects spends most of its time in the
collector; a server answering 50,000-row pages afterwards pays a full walk every few requests
(measured: 1.1 s of a 2.9 s page, 200,000 persons). None of this data is cyclic garbage:
reference counting frees it, so pausing the collector while it is built loses nothing.
(The client's frame decoder pauses it the same way in its own code: the demo shares none with
the client, so a bug in one cannot hide the same bug in the other.)

Example:
    >>> with paused_gc():
    ...     rows = [{"n": i} for i in range(3)]
    >>> gc.isenabled()
    True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeze_data", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (the collector's previous state comes back)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_data() -> None:
    """Move every object alive now out of the collector's reach (``gc.freeze``), for a process
    that serves one demo for its lifetime (``python -m posthog_frames.demo``): its data stays
    alive anyway, and later collections then walk only what requests create.

    Example:
        >>> freeze_data(); gc.get_freeze_count() > 0
        True
        >>> gc.unfreeze()
    """
    gc.collect()
    gc.freeze()
