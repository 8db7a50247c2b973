"""The book build: an unchanged rebuild executes nothing and is quick; so is a prose edit."""

import shutil
import subprocess
import sys
import time

import nbformat

from book import CHAPTER, CHAPTER_PAGE, ROOT, require_build


def build(book=ROOT):
    """`make book`'s command line; returns (result, seconds)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                             "--builder", "html", "-n", "-W", "--keep-going"],
                            capture_output=True, text=True)
    return result, time.perf_counter() - start


def test_rebuild_without_changes_executes_nothing():
    require_build()
    result, elapsed = build()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "[framework-tabs]" not in result.stdout + result.stderr   # not even a cache lookup
    assert elapsed <= 3, f"an unchanged rebuild took {elapsed:.1f} s"


def test_prose_edit_of_the_chapter_rebuilds_quickly_without_executing(tmp_path):
    """A sentence between two shared code cells: the edit that once crashed the build."""
    require_build()
    book = tmp_path / "book"
    shutil.copytree(ROOT, book, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "html", "jupyter_execute", ".doctrees", "notebooks", "assignments"))
    result, _ = build(book)            # the copy's first build: Sphinx reads every page
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    chapter = book / CHAPTER.relative_to(ROOT)
    text = chapter.read_text(encoding="utf-8")
    anchor = "```{code-cell} ipython3\ndef time_to_reach"
    assert text.count(anchor) == 1
    chapter.write_text(text.replace(anchor, "这是作者新加的一句话。\n\n" + anchor), encoding="utf-8")
    result, elapsed = build(book)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "executed" not in log and log.count("outputs from the cache") == 3
    assert elapsed <= 4, f"a prose edit rebuilt in {elapsed:.1f} s"
    html = (book / "_build" / "html" / f"{CHAPTER_PAGE}.html").read_text(encoding="utf-8")
    assert "这是作者新加的一句话。" in html
    for fw in ("mxnet", "pytorch", "tensorflow"):
        nb = nbformat.read(book / "_build" / "notebooks" / f"{CHAPTER_PAGE}-{fw}.ipynb", 4)
        assert any("这是作者新加的一句话。" in c.source for c in nb.cells)


def test_make_notebooks_writes_one_runnable_notebook_per_framework(tmp_path):
    require_build()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb"))
    assert written == [f"{CHAPTER_PAGE}-{fw}.ipynb" for fw in ("mxnet", "pytorch", "tensorflow")]
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
