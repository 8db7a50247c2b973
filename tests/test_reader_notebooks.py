"""A downloaded notebook runs anywhere: tested as a new reader would run it.

A fresh virtual environment outside the repository holds only a Jupyter
kernel (``ipykernel``, ``nbclient``).  The page's downloadable notebook of a
framework runs there top to bottom: its setup cell installs d2lshim with the
framework's extra from ``D2LSHIM_SOURCE`` (this checkout, standing in for the
repository URL), and the data come from a seeded cache directory.

PyTorch on every ``make test``; MXNet and TensorFlow too in CI (``CI`` set)
or with ``READER_FRAMEWORKS=all``.
"""

import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from book import CHAPTER_PAGE, ROOT, require_build

AIRFOIL_MIRROR = ROOT.parent / "shared" / "data" / "airfoil_self_noise.dat"
KERNEL_ONLY = ["ipykernel==7.4.0", "nbclient==0.11.0"]
EVERY = os.environ.get("CI") or os.environ.get("READER_FRAMEWORKS") == "all"
FRAMEWORKS = ["pytorch"] + (["mxnet", "tensorflow"] if EVERY else [])

RUN = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3").execute()
nbformat.write(nb, sys.argv[2])
"""


@pytest.fixture(scope="module")
def reader_env(tmp_path_factory):
    """A virtual environment with a kernel and nothing else, outside the repository."""
    home = tmp_path_factory.mktemp("reader")
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    python = home / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *KERNEL_ONLY], check=True)
    # what pip gets from the repository: the package and its metadata (pip
    # builds in the source folder, so not in this checkout)
    repository = home / "repository"
    repository.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, repository / name)
    shutil.copytree(ROOT / "d2lshim", repository / "d2lshim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    data = home / "data"
    data.mkdir()
    if AIRFOIL_MIRROR.exists():
        shutil.copyfile(AIRFOIL_MIRROR, data / AIRFOIL_MIRROR.name)
    return home, python, data, repository


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_downloaded_notebook_runs_in_a_fresh_environment(reader_env, framework, tmp_path):
    require_build()
    home, python, data, repository = reader_env
    notebook = ROOT / "_build" / "notebooks" / f"{CHAPTER_PAGE}-{framework}.ipynb"
    local = tmp_path / notebook.name            # the reader's download folder
    shutil.copyfile(notebook, local)
    nb = nbformat.read(local, 4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "D2LSHIM_SOURCE" in setup.source and "pip" in setup.source
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update(D2LSHIM_SOURCE=str(repository), D2LSHIM_DATA_DIR=str(data),
               PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}")
    start = time.perf_counter()
    result = subprocess.run([str(python), "-c", RUN, str(local), str(tmp_path / "out.ipynb")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-4000:]
    print(f"{framework}: set-up and run in a fresh environment took {seconds:.0f} s")
    executed = nbformat.read(tmp_path / "out.ipynb", 4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "sec/epoch" in printed and "GFLOPS" in printed
    installed = subprocess.run([str(python), "-m", "pip", "show", "d2lshim"],
                               capture_output=True, text=True)
    assert installed.returncode == 0       # the setup cell installed it, into the reader's env
