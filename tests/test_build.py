"""The book build: an unchanged rebuild executes nothing and is quick."""

import pathlib
import subprocess
import sys
import time

from book import ROOT, require_build

JUPYTER_BOOK = str(pathlib.Path(sys.executable).with_name("jupyter-book"))


def test_rebuild_without_changes_executes_nothing():
    require_build()
    start = time.perf_counter()
    result = subprocess.run([JUPYTER_BOOK, "build", str(ROOT), "--builder", "html",
                             "-n", "-W", "--keep-going"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "[framework-tabs]" not in result.stdout + result.stderr   # not even a cache lookup
    assert elapsed <= 10, f"an unchanged rebuild took {elapsed:.1f} s"


def test_make_notebooks_writes_one_runnable_notebook_per_framework(tmp_path):
    require_build()
    result = subprocess.run([sys.executable, str(ROOT / "_ext" / "framework_notebooks.py"),
                             "notebooks", "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [f"minibatch-sgd-{fw}.ipynb" for fw in ("mxnet", "pytorch", "tensorflow")]
    assert "executed" not in result.stdout     # taken from the build's cache
