"""Peak resident memory of a block of code, measured in the process that runs it (Linux).

The peak is the kernel's own high-water mark (``VmHWM`` in ``/proc/self/status``), reset just
before the block by writing 5 to ``/proc/self/clear_refs``, so nothing before the block counts;
a thread also samples ``VmRSS`` every 2 ms, in case the reset is not allowed. Growth is that
peak over the RSS when the block began (after imports, connection and a first small call).

Example:
    >>> with PeakRSS() as peak:
    ...     block = bytearray(64 * 2**20)
    >>> peak.growth > 32 * 2**20
    True
"""

from __future__ import annotations

import threading

__all__ = ["PeakRSS", "status_bytes"]


def status_bytes(field: str) -> int:
    """A ``kB`` field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


class PeakRSS:
    """``with PeakRSS() as peak: ...``; then ``peak.base``, ``peak.peak``, ``peak.growth``."""

    def __init__(self) -> None:
        self.base = self.peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._kernel = False

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, status_bytes("VmRSS"))

    def __enter__(self) -> PeakRSS:
        self._kernel = _reset_high_water_mark()
        self.base = self.peak = status_bytes("VmRSS")
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        self.peak = max(self.peak, status_bytes("VmRSS"))
        if self._kernel:
            self.peak = max(self.peak, status_bytes("VmHWM"))

    @property
    def growth(self) -> int:
        return self.peak - self.base
