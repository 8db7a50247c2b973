"""How busy the machine was while a kernel ran its cells.

The page times its experiments on the machine as it is.  When a timing
sentence does not hold, the author needs to know whether other processes were
taking the cores at the time: that is measured here, not guessed.  For each
cell, :class:`LoadMeter` reads the processor time the whole machine spent
busy (psutil's system-wide CPU times, *steal* included: a hypervisor giving
the core to another virtual machine is load too) and subtracts what the
kernel's process and the build itself used.  What is left was used by other
processes; divided by the cell's wall time, it is the number of cores they
kept busy on average.
"""

from __future__ import annotations

import dataclasses
import os
import time

import psutil

#: Above this many cores taken by other processes, on average over a try, the
#: machine counts as busy in an error message (a tenth of a core is what an
#: idle desktop's background tasks use).
BUSY_CORES = 0.25

#: The busiest cell is named only among cells at least this long: the
#: operating system counts processor time in ticks of about 10 ms, too coarse
#: for a cell of a few milliseconds.
NAMED_CELL_SECONDS = 0.5

_BUSY_FIELDS = ("user", "nice", "system", "irq", "softirq", "steal")


def _machine_busy_seconds():
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in _BUSY_FIELDS)


def _process_seconds(process):
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


@dataclasses.dataclass(frozen=True)
class CellLoad:
    """What other processes used while one cell ran."""
    line: int | None
    seconds: float          # the cell's wall time
    other_cpu: float        # processor seconds used by other processes

    @property
    def other_cores(self):
        return self.other_cpu / self.seconds if self.seconds > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class Load:
    """The cells of one try, and how busy the machine was while they ran."""
    cells: tuple[CellLoad, ...]
    cores: int = dataclasses.field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def other_cores(self):
        """Cores kept busy by other processes, on average over the whole try."""
        seconds = sum(cell.seconds for cell in self.cells)
        return sum(cell.other_cpu for cell in self.cells) / seconds if seconds > 0 else 0.0

    @property
    def busy(self):
        return self.other_cores > BUSY_CORES

    def describe(self):
        """One sentence for the build log and for an error message."""
        if not self.cells:
            return "the machine's load was not measured"
        text = (f"other processes kept {self.other_cores:.2f} of the {self.cores} cores busy "
                f"on average while the cells ran")
        long_cells = [cell for cell in self.cells if cell.seconds >= NAMED_CELL_SECONDS]
        busiest = max(long_cells, key=lambda cell: cell.other_cores, default=None)
        if busiest is not None and busiest.other_cores > BUSY_CORES:
            where = f"line {busiest.line}" if busiest.line is not None else "one cell"
            text += f" ({busiest.other_cores:.2f} during the busiest cell, at {where})"
        return text


class LoadMeter:
    """nbclient hooks that measure each cell: ``on_cell_execute`` before it
    runs, ``on_cell_executed`` after its reply (also when it failed)."""

    def __init__(self, client):
        self._client = client
        self._kernel = None
        self._own = psutil.Process()
        self._start = None
        self.cells = []

    def _kernel_process(self):
        # LocalProvisioner.pid: the kernel's process, known once it started.
        pid = getattr(getattr(self._client.km, "provisioner", None), "pid", None)
        if self._kernel is None and pid is not None:
            self._kernel = psutil.Process(pid)
        return self._kernel

    def _sample(self):
        kernel = self._kernel_process()
        used = _process_seconds(self._own) + (_process_seconds(kernel) if kernel else 0.0)
        return time.perf_counter(), _machine_busy_seconds(), used

    def on_cell_execute(self, cell, cell_index):
        try:
            self._start = self._sample()
        except psutil.Error:          # the kernel is gone: nothing to measure
            self._start = None

    def on_cell_executed(self, cell, cell_index, execute_reply):
        if self._start is None:
            return
        try:
            wall, busy, used = self._sample()
        except psutil.Error:
            return
        wall0, busy0, used0 = self._start
        other = max(0.0, (busy - busy0) - (used - used0))
        self.cells.append(CellLoad(cell.metadata.get("source_line"), wall - wall0, other))

    def load(self):
        return Load(tuple(self.cells))
