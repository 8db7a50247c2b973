"""A timing sentence is measured again before it fails the build, and the
build says how busy the machine was (pipeline/execute.py, pipeline/load.py).

The notebooks here run in the book environment's own kernel (``python3``),
like the fixture book's NumPy framework; a file counts the tries.
"""

import subprocess
import sys
import textwrap

import nbformat
import pytest

from pipeline import load as load_module
from pipeline.errors import BookError
from pipeline.execute import Settings, execute
from pipeline.frameworks import Framework
from pipeline.source import Page

NUMPY = Framework(tag="numpy", label="NumPy", module="numpy", package="numpy")


def notebook(tmp_path, claim, before=""):
    """A page whose first cell counts its tries in ``tries.txt`` and prints
    the number; the second cell (at line 20) checks ``claim``."""
    counter = tmp_path / "tries.txt"
    count = textwrap.dedent(f"""\
        import pathlib
        counter = pathlib.Path({str(counter)!r})
        tries = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(tries))
        {before}
        print(f'try {{tries}}')""")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(count, metadata={"source_line": 10}),
                nbformat.v4.new_code_cell("from d2lshim import _book\n" + claim,
                                          metadata={"source_line": 20})]
    page_file = tmp_path / "page.md"
    page_file.write_text("", encoding="utf-8")
    return nb, Page("page", page_file, ""), counter


def printed(nb):
    return "".join(o.get("text", "") for cell in nb.cells for o in cell.outputs)


def test_a_timing_sentence_that_fails_once_holds_on_the_next_try(tmp_path):
    nb, page, counter = notebook(
        tmp_path, "_book.claim('the second try is fast', tries, at_least=2, timing=True)")
    lines = []
    execute(nb, NUMPY, page, log=lines.append)
    assert counter.read_text() == "2"
    assert printed(nb) == "try 2\n"               # the outputs are the try that held
    log = "\n".join(lines)
    assert "page.md:20: [NumPy] a timing sentence of the page does not hold" in log
    assert "«the second try is fast» does not hold: 1 is not ≥ 2" in log
    assert "try 1 of 3: other processes kept" in log and "executing numpy again" in log
    assert "every sentence held in try 2" in log


def test_a_timing_sentence_that_never_holds_fails_after_every_try_with_each_load(tmp_path):
    nb, page, counter = notebook(
        tmp_path, "_book.claim('ten times faster', 3.0, at_least=10, timing=True)")
    with pytest.raises(BookError) as error:
        execute(nb, NUMPY, page, settings=Settings(timing_tries=3), log=lambda line: None)
    message = str(error.value)
    assert counter.read_text() == "3"
    assert message.startswith(f"{page.path}:20: [NumPy] a timing sentence of the page did not "
                              "hold in any of 3 tries; the machine was")
    for number in (1, 2, 3):
        assert (f"try {number}, line 20: a timing sentence of the page does not hold in this "
                f"run: «ten times faster» does not hold: 3 is not ≥ 10; other processes kept"
                in message)


def test_a_sentence_not_about_time_fails_at_once(tmp_path):
    nb, page, counter = notebook(tmp_path, "_book.claim('loss is low', 0.5, at_most=0.25)")
    with pytest.raises(BookError, match="a claim of the page does not hold in this run: "
                                        "«loss is low» does not hold: 0.5 is not ≤ 0.25"):
        execute(nb, NUMPY, page, log=lambda line: None)
    assert counter.read_text() == "1"


def test_other_processes_taking_a_core_are_measured_and_named(tmp_path):
    """A process spinning on one core while the cells run (the kernel itself
    sleeps): the error says the machine was busy and how busy."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        nb, page, _ = notebook(tmp_path, "_book.claim('fast', 3.0, at_least=10, timing=True)",
                               before="import time; time.sleep(1.5)")
        with pytest.raises(BookError) as error:
            execute(nb, NUMPY, page, settings=Settings(timing_tries=1), log=lambda line: None)
    finally:
        spinner.kill()
        spinner.wait()
    message = str(error.value)
    assert "the machine was busy while it was measured: stop the other processes" in message
    cores = float(message.split("other processes kept ")[1].split(" of")[0])
    assert cores >= 0.5, message      # the spinner alone keeps most of a core busy


def test_the_meter_subtracts_what_the_kernel_and_the_build_used(monkeypatch):
    """Machine busy seconds minus the kernel's and the build's own: the rest is
    other processes', per cell and on average over the try."""
    class Reply:
        pass

    class Client:                       # a kernel with process id 1 (psutil is mocked)
        class km:
            class provisioner:
                pid = 1

    machine = iter([10.0, 13.0, 20.0, 20.5])   # busy seconds of the whole machine
    processes = iter([1.0, 2.0, 2.0, 3.0, 3.0, 3.5, 4.0, 4.0])   # build, kernel; build, kernel …
    clock = iter([0.0, 2.0, 5.0, 6.0])
    monkeypatch.setattr(load_module, "_machine_busy_seconds", lambda: next(machine))
    monkeypatch.setattr(load_module, "_process_seconds", lambda process: next(processes))
    monkeypatch.setattr(load_module.psutil, "Process", lambda pid=None: object())
    monkeypatch.setattr(load_module.time, "perf_counter", lambda: next(clock))
    meter = load_module.LoadMeter(Client)
    cell = nbformat.v4.new_code_cell("", metadata={"source_line": 7})
    meter.on_cell_execute(cell, 0)
    meter.on_cell_executed(cell, 0, Reply)      # 3 s busy, 3 s of it build and kernel
    meter.on_cell_execute(cell, 1)
    meter.on_cell_executed(cell, 1, Reply)      # the processes' clocks ahead of the machine's:
                                                # nothing is left for others (not below 0)
    first, second = meter.load().cells
    assert (first.line, first.seconds, first.other_cpu) == (7, 2.0, 1.0)
    assert first.other_cores == 0.5 and second.other_cpu == 0.0
    assert meter.load().other_cores == pytest.approx(1.0 / 3.0)


def test_the_error_says_when_the_machine_was_not_busy():
    from pipeline.execute import _timing_error
    idle = load_module.Load((load_module.CellLoad(5, 2.0, 0.1),), cores=2)
    busy = load_module.Load((load_module.CellLoad(5, 1.0, 0.1), load_module.CellLoad(9, 1.0, 1.9),
                             load_module.CellLoad(12, 0.01, 0.03)),
                            cores=2)
    failure = BookError("x does not hold", path="page.md", line=9, framework=NUMPY)
    message = str(_timing_error([(failure, idle)], Settings(timing_tries=1)))
    assert "the machine was not busy while it was measured, so the sentence does not hold" in message
    assert "other processes kept 0.05 of the 2 cores busy on average while the cells ran" in message
    assert "did not hold in its one try;" in message
    message = str(_timing_error([(failure, idle), (failure, busy)], Settings(timing_tries=2)))
    assert "the machine was busy while it was measured" in message
    # the 10 ms cell (3 cores by its ticks) is too short to be named the busiest
    assert "1.01 of the 2 cores busy on average while the cells ran (1.90 during the busiest " \
           "cell, at line 9)" in message
