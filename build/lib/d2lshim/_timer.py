"""Wall-clock timing of repeated runs."""

import platform
import time

import numpy as np


def cpu_name():
    """The processor's model name, as the operating system reports it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:   # Linux
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


class Timer:
    """Record several running times.

    ``start()`` begins a measurement and ``stop()`` ends it, appends the
    elapsed seconds to ``times`` and returns them.  The clock is
    ``time.perf_counter``.  A timer does not know about asynchronous
    frameworks: with MXNet, wait for the result (``npx.waitall()``) before
    calling ``stop()``, or the time of work still queued is not counted.
    """

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start (or restart) the clock."""
        self.tik = time.perf_counter()

    def stop(self):
        """Stop the clock, record the elapsed time and return it."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        """Mean of the recorded times."""
        if not self.times:
            raise ValueError("Timer.avg(): no time recorded yet; call start() and stop() first")
        return sum(self.times) / len(self.times)

    def sum(self):
        """Sum of the recorded times."""
        return sum(self.times)

    def cumsum(self):
        """Running sums of the recorded times, as a list."""
        return np.cumsum(self.times).tolist()
