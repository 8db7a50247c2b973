"""A downloaded notebook runs anywhere: tested as a new reader would run it.

A fresh virtual environment outside the repository holds only a Jupyter
kernel (``ipykernel``, ``nbclient``).  The page's downloadable notebook of a
framework runs there top to bottom: its setup cell installs the d2lshim wheel
the site publishes (served here from the built site on 127.0.0.1, standing in
for the site's address, and checked by pip against the sha256 the notebook
names) and the framework, NumPy and Matplotlib at the versions of the
framework's lock; the data come from a seeded cache directory.

The default framework's (PyTorch) on every ``make test``; every framework's
in CI (``CI`` set) or with ``READER_FRAMEWORKS=all``.
"""

import functools
import hashlib
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile

import nbformat
import pytest

from book import CHAPTER_PAGE, FRAMEWORKS as BOOK_FRAMEWORKS, ROOT, require_build
from d2lshim import _data
from pipeline import export, wheel

AIRFOIL_MIRROR = ROOT.parent / "shared" / "data" / "airfoil_self_noise.dat"
KERNEL_ONLY = ["ipykernel==7.4.0", "nbclient==0.11.0"]
EVERY = os.environ.get("CI") or os.environ.get("READER_FRAMEWORKS") == "all"
FRAMEWORKS = [BOOK_FRAMEWORKS.default.tag] + [f.tag for f in BOOK_FRAMEWORKS
                                               if EVERY and f != BOOK_FRAMEWORKS.default]

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
    data = home / "data"
    data.mkdir()
    # the file the build already has (make data put it into d2lshim's cache,
    # from ../shared/data or the network): the test itself never downloads
    cached = pathlib.Path(_data.default_cache_dir()) / AIRFOIL_MIRROR.name
    shutil.copyfile(AIRFOIL_MIRROR if AIRFOIL_MIRROR.exists() else cached, data / AIRFOIL_MIRROR.name)
    return home, python, data


@pytest.fixture(scope="module")
def site_server():
    """The built site, served on 127.0.0.1 (its base URL)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(ROOT / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def setup_cell(framework):
    notebook = ROOT / "_build" / "notebooks" / f"{CHAPTER_PAGE}-{framework}.ipynb"
    nb = nbformat.read(notebook, 4)
    return notebook, next(c for c in nb.cells if c.cell_type == "code").source


def default_source(setup):
    return re.search(r"os.environ.get\('D2LSHIM_SOURCE', '([^']+)'\)", setup).group(1)


def test_every_notebook_installs_the_published_wheel_by_its_sha256():
    require_build()
    built = wheel.build(ROOT, export.wheel_folder(ROOT))
    published = ROOT / "_build" / "html" / export.WHEELS / built.name
    assert published.read_bytes() == built.read_bytes()
    for framework in BOOK_FRAMEWORKS:
        url = default_source(setup_cell(framework.tag)[1])
        assert url.endswith(f"/{export.WHEELS}/{built.name}#sha256="
                            + hashlib.sha256(published.read_bytes()).hexdigest()), url


def test_the_wheel_holds_exactly_d2lshims_sources_and_is_reproducible(tmp_path):
    again = wheel.build(ROOT, tmp_path)
    assert again.read_bytes() == wheel.build(ROOT, export.wheel_folder(ROOT)).read_bytes()
    with zipfile.ZipFile(again) as archive:
        for path in wheel.sources(ROOT):
            assert archive.read(path.relative_to(ROOT).as_posix()) == path.read_bytes()
        metadata = archive.read(f"d2lshim-{wheel.version(ROOT)}.dist-info/METADATA").decode()
    assert "Requires-Dist: torch>=2.4,<3; extra == 'torch'" in metadata
    (tmp_path / "copy").mkdir()
    for path in wheel.sources(ROOT):          # one changed line: another version, another file
        target = tmp_path / "copy" / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "copy" / "pyproject.toml")
    (tmp_path / "copy" / "d2lshim" / "_timer.py").write_text("# changed\n", encoding="utf-8")
    assert wheel.version(tmp_path / "copy") != wheel.version(ROOT)


@pytest.mark.parametrize("framework", BOOK_FRAMEWORKS, ids=BOOK_FRAMEWORKS.tags)
def test_the_setup_cell_pins_what_the_lock_says(framework):
    require_build()
    locked = export.locked_versions(ROOT / framework.lock)
    setup = setup_cell(framework.tag)[1]
    pinned = eval(re.search(r"PINNED = (\{.*\})", setup).group(1))     # a dict literal
    # the framework, the rest of its d2lshim extra (optax and Flax beside JAX:
    # the chapter imports them), NumPy and Matplotlib, at the lock's versions
    import tomllib
    from packaging.requirements import Requirement
    extra = framework.module.rpartition(".")[2]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    named = [Requirement(r).name for r in extras["project"]["optional-dependencies"][extra]]
    assert pinned == {name: locked[name].split("+")[0]
                      for name in (framework.package, *named, "numpy", "matplotlib")
                      if name in locked}
    nb = nbformat.read(setup_cell(framework.tag)[0], 4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for module in ("optax", "flax"):
        assert (module in pinned) == (f"import {module}" in code or f"from {module} " in code)
    assert f"D2LSHIM = '{wheel.version(ROOT)}'" in setup
    for name, version in locked.items():
        if name in pinned:                                       # what made the outputs
            assert f"{name} {version}" in setup.splitlines()[0]
    assert "if sys.version_info[:2] != (3, 11):" in setup        # the locks' Python
    # tensorflow-cpu has no macOS wheels: there the extra names tensorflow
    assert ("{'tensorflow-cpu': 'tensorflow'}" in setup) == (framework.tag == "tensorflow")


def test_readers_and_students_get_their_own_python_kernel():
    """The notebooks ran in the book's framework kernels (book-pytorch …), which
    a reader's Jupyter does not have: they name the plain Python 3 kernel."""
    require_build()
    notebooks = [*(ROOT / "_build" / "notebooks").rglob("*.ipynb"),
                 *(ROOT / "_build" / "notebooks-course").rglob("*.ipynb")]
    assert len(notebooks) >= 6
    for path in notebooks:
        assert nbformat.read(path, 4).metadata["kernelspec"]["name"] == "python3", path


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_downloaded_notebook_runs_in_a_fresh_environment(reader_env, site_server, framework,
                                                             tmp_path):
    require_build()
    home, python, data = reader_env
    notebook, setup = setup_cell(framework)
    local = tmp_path / notebook.name            # the reader's download folder
    shutil.copyfile(notebook, local)
    assert "D2LSHIM_SOURCE" in setup and "pip" in setup
    # the site's address, served from here
    source = re.sub(r"^https?://[^ ]*?/" + export.WHEELS, f"{site_server}/{export.WHEELS}",
                    default_source(setup))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update(D2LSHIM_SOURCE=source, D2LSHIM_DATA_DIR=str(data),
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
    pinned = eval(re.search(r"PINNED = (\{.*\})", setup).group(1))
    versions = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, json, sys; "
         "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))", "d2lshim", *pinned],
        cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    installed = eval(versions)
    assert installed.pop("d2lshim") == wheel.version(ROOT)    # the code that made the outputs
    assert {n: v.split("+")[0] for n, v in installed.items()} == pinned
