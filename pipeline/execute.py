"""Execute one framework's notebook in a kernel of its own.

Frameworks run one after another, never side by side: the page measures
time, and two kernels on the same cores would distort each other's numbers.
(Two builds at once take turns too: ``pipeline/outputs.py`` holds a lock.)

A kernel's environment is explicit: the variables of :data:`INHERITED` from
the shell, and what :class:`Settings` sets.  Nothing else reaches it, so that
a variable set for one build cannot change outputs that are then cached as a
normal build's.
Every failure (a cell that raises, a cell that times out, a kernel that dies
or cannot start) becomes a :class:`BookError` naming page, line and framework.

A timing sentence that does not hold (``d2l.claim(…, timing=True)``) is not
given up on after one measurement: another process that takes a core for a
while can make a fast operation look slow, or make one side of a comparison
slow and not the other.  The page is executed again from a fresh kernel, up
to :attr:`Settings.timing_tries` times; every try is logged with how busy
the machine was (``pipeline/load.py``), and the outputs of the try in which
every sentence held are the page's.  The bounds are never loosened: if no try
holds, the build fails and says whether the machine was busy.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re

# The variables that tell a kernel its framework's tag and what a failing
# claim does: d2lshim's hidden-cell helpers read them.
from d2lshim._book import CLAIMS_ENV, FRAMEWORK_ENV
from d2lshim._environment import TENSORFLOW_QUIET

from .errors import BookError
from .load import LoadMeter


@dataclasses.dataclass(frozen=True)
class Settings:
    """How cells are executed; part of every cache key."""
    #: seconds one cell may run (the chapter's slowest cell takes about 30 s)
    timeout: int = 600
    #: added to the kernel's environment: no TensorFlow start-up log lines in
    #: the outputs, no debugger warning on stderr (stderr fails the build)
    env: tuple = (*TENSORFLOW_QUIET.items(), ("PYDEVD_DISABLE_FILE_VALIDATION", "1"))
    #: ``check``: a claim that does not hold fails the build; ``report``: it is
    #: recorded and the run goes on (``tools/claims.py --survey``)
    claims: str = "check"
    #: how many times the page is executed before a timing sentence that does
    #: not hold fails the build
    timing_tries: int = 3


DEFAULT = Settings()

#: The shell's variables a kernel inherits: where things are (not keyed) ...
LOCATIONS = ("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "XDG_CACHE_HOME", "D2LSHIM_DATA_DIR")
#: ... and how this machine computes (part of every cache key): OpenBLAS's
#: core type, which some processors here need to compute right, and the locale.
MACHINE = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
INHERITED = LOCATIONS + MACHINE



def machine_settings():
    """The inherited variables that can change results, as they are now."""
    return {name: os.environ[name] for name in MACHINE if name in os.environ}


def kernel_environment(framework, settings=DEFAULT, search_path=()):
    """Every variable the kernel of ``framework`` starts with.  ``search_path``
    (the book's folder) becomes importable, as the cache key assumes when it
    looks for the framework's module there (``pipeline/cache.py``)."""
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    importable = {"PYTHONPATH": os.pathsep.join(map(str, search_path))} if search_path else {}
    return {**inherited, **importable, **dict(settings.env), FRAMEWORK_ENV: framework.tag,
            CLAIMS_ENV: settings.claims}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def execute(nb_framework, framework, page, settings=DEFAULT, search_path=(), log=print):
    """Run every cell of ``nb_framework`` (in place) in ``framework.kernel``.

    The kernel starts in the page's folder, so that relative paths (and a
    module next to the page) work as they do for a reader.  ``log`` gets a
    line for each try that a timing sentence failed.
    """
    unexecuted = copy.deepcopy(nb_framework)
    tries = []
    while True:
        attempt = copy.deepcopy(unexecuted)
        failure, load = _try(attempt, framework, page, settings, search_path)
        if failure is None:
            nb_framework.cells = attempt.cells
            if tries:
                log(f"{page.name}: {framework.tag}: every sentence held in try {len(tries) + 1} "
                    f"({load.describe()})")
            elif load.busy:   # the sentences held, but the numbers are a busy machine's
                log(f"{page.name}: {framework.tag}: {load.describe()}; its timings are cached "
                    f"as measured (make clean-cache measures them again)")
            return nb_framework
        tries.append((failure, load))
        if len(tries) == settings.timing_tries:
            raise _timing_error(tries, settings)
        log(f"{failure}\n  try {len(tries)} of {settings.timing_tries}: {load.describe()}; "
            f"executing {framework.tag} again")


def _try(nb, framework, page, settings, search_path):
    """Execute ``nb`` once: ``(None, load)``, or ``(BookError, load)`` when a
    timing sentence did not hold; every other failure raises its BookError."""
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    current = {}
    client = NotebookClient(nb, timeout=settings.timeout, kernel_name=framework.kernel,
                            resources={"metadata": {"path": str(page.path.parent)}})
    meter = LoadMeter(client)
    client.on_cell_start = lambda cell, cell_index: current.update(cell=cell)
    client.on_cell_execute = meter.on_cell_execute
    client.on_cell_executed = meter.on_cell_executed

    def fail(message):
        line = current["cell"].metadata.get("source_line") if "cell" in current else None
        return BookError(message, path=page.path, line=line, framework=framework)

    try:
        # The kernel learns its framework (d2l.claim(frameworks=…) reads it).
        client.execute(env=kernel_environment(framework, settings, search_path))
    except CellTimeoutError:
        raise fail(f"a cell ran longer than the cell timeout of {settings.timeout} s and was "
                   f"stopped; make it faster or raise Settings.timeout in "
                   f"pipeline/execute.py") from None
    except DeadKernelError:
        raise fail("the kernel died while running this cell (out of memory, a crash in "
                   "native code, or os._exit); its last outputs are in the cell above it") from None
    except CellExecutionError as error:
        if error.ename == "TimingClaimFailed":
            return fail(f"a timing sentence of the page does not hold in this run: "
                        f"{error.evalue}"), meter.load()
        if error.ename == "ClaimFailed":   # d2l.claim: a sentence of the page does not hold
            raise fail(f"a claim of the page does not hold in this run: {error.evalue}") from None
        raise fail(f"a cell failed:\n{_ANSI.sub('', str(error))}") from None
    except NoSuchKernel:
        raise BookError(no_kernel_message(framework), path=page.path, framework=framework) from None
    return None, meter.load()


def _timing_error(tries, settings):
    """The error after the last try: every try's failure and load, and what to do."""
    last, _ = tries[-1]
    report = "\n".join(f"  try {number}, line {failure.line}: {failure.message}; "
                       f"{load.describe()}" for number, (failure, load) in enumerate(tries, 1))
    if any(load.busy for _, load in tries):
        advice = ("the machine was busy while it was measured: stop the other processes "
                  "(or wait for them) and build again; the page's sentences are not loosened "
                  "to hide a busy machine")
    else:
        advice = ("the machine was not busy while it was measured, so the sentence does not "
                  "hold on this machine: check the experiment and the sentence (tools/claims.py "
                  "--survey shows every claim's margin)")
    tries_made = f"any of {len(tries)} tries" if len(tries) > 1 else "its one try"
    return BookError(f"a timing sentence of the page did not hold in {tries_made}; "
                     f"{advice}\n{report}",
                     path=last.path, line=last.line, framework=last.framework)


def no_kernel_message(framework):
    if framework.lock:
        return (f"no Jupyter kernel named {framework.kernel!r}: make the framework's "
                f"environment with `make book` (or python tools/environments.py make "
                f"{framework.tag})")
    return (f"no Jupyter kernel named {framework.kernel!r}: install it (python -m ipykernel "
            f"install --user --name {framework.kernel}) or change 'kernel' of {framework.tag} "
            f"in _config.yml")
