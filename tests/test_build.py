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


def test_launch_and_repository_buttons_come_from_the_config():
    """One place sets the repository: _config.yml; the page's buttons follow it."""
    import yaml
    from book import CHAPTER_HTML
    require_build()
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    org_repo = url.rstrip("/").split("github.com/")[1]
    html = CHAPTER_HTML.read_text(encoding="utf-8")
    assert f'href="{url}"' in html
    assert (f"https://mybinder.org/v2/gh/{org_repo}/main?urlpath=lab/tree/"
            "chapters/chapter_optimization/minibatch-sgd.md") in html


def test_theme_ipynb_download_is_the_default_framework_notebook():
    import json
    from book import CHAPTER_PAGE, HTML
    require_build()
    nb = json.loads((HTML / "_sources" / f"{CHAPTER_PAGE}.ipynb").read_text(encoding="utf-8"))
    tags = {t for c in nb["cells"] if c["cell_type"] == "code" for t in c["metadata"].get("tags", [])}
    assert tags == {"pytorch"}
    assert not any("framework_slot" in c["metadata"] for c in nb["cells"])
