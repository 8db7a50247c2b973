"""The book build: an unchanged rebuild executes nothing; nor does a prose edit.

How long they take is measured by `make bench` (tools/bench_build.py), not
asserted here: a busy machine is not a defect of the code.
"""

import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from book import CHAPTER, CHAPTER_PAGE, FRAMEWORKS, ROOT, require_build


#: What a copy of the book leaves behind: everything built but the execution
#: cache (the rule make bench's copy follows too).
from bench_build import ANCHOR, LEFT_OUT as BUILT  # noqa: E402


def build(book=ROOT):
    """`make book`'s command line; returns (result, seconds)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                             "--builder", "html", "-n", "-W", "--keep-going"],
                            capture_output=True, text=True)
    return result, time.perf_counter() - start


def test_rebuild_without_changes_executes_nothing():
    require_build()
    result, _ = build()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "[framework-tabs]" not in result.stdout + result.stderr   # not even a cache lookup


def test_prose_edit_of_the_chapter_rebuilds_without_executing(tmp_path):
    """A sentence between two shared code cells: the edit that once crashed the build."""
    require_build()
    book = tmp_path / "book"
    shutil.copytree(ROOT, book, symlinks=True, ignore=BUILT)
    result, _ = build(book)            # the copy's first build: Sphinx reads every page
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    chapter = book / CHAPTER.relative_to(ROOT)
    text = chapter.read_text(encoding="utf-8")
    anchor = ANCHOR
    assert text.count(anchor) == 1
    # Two edits, each rebuilt: the second replaces the first on the page.
    for sentence in ("这是作者再改的一句话。", "这是作者新加的一句话。"):
        chapter.write_text(text.replace(anchor, sentence + "\n\n" + anchor), encoding="utf-8")
        result, _ = build(book)
        log = result.stdout + result.stderr
        assert result.returncode == 0, log[-3000:]
        assert "executed" not in log and log.count("outputs from the cache") == len(FRAMEWORKS)
    html = (book / "_build" / "html" / f"{CHAPTER_PAGE}.html").read_text(encoding="utf-8")
    assert "这是作者新加的一句话。" in html and "这是作者再改的一句话。" not in html
    for fw in FRAMEWORKS.tags:
        nb = nbformat.read(book / "_build" / "notebooks" / f"{CHAPTER_PAGE}-{fw}.ipynb", 4)
        assert any("这是作者新加的一句话。" in c.source for c in nb.cells)


def test_myst_nb_is_never_asked_to_execute():
    """build_book.py leaves MyST-NB's execution clients out (they import
    SQLAlchemy); a configuration that asked MyST-NB to execute gets an error
    that says what to keep."""
    import yaml
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "off"
    code = (f"import runpy; runpy.run_path({str(ROOT / 'tools' / 'build_book.py')!r})\n"
            "from myst_nb.core.execute import NotebookClientCache\n"
            "NotebookClientCache()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert 'execute_notebooks: "off"' in result.stderr and "pipeline/execute.py" in result.stderr
    assert "sqlalchemy" not in result.stderr.lower()


def test_make_notebooks_writes_one_runnable_notebook_per_framework(tmp_path):
    require_build()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb"))
    assert written == sorted(f"{CHAPTER_PAGE}-{fw}.ipynb" for fw in FRAMEWORKS.tags)
    assert "executed" not in result.stdout     # taken from the build's cache


def test_repository_button_and_notebook_setup_come_from_the_config():
    """One place sets the repository and one the site: _config.yml; the page's
    button and every downloadable notebook's setup cell (the wheel the site
    publishes) follow them.  No launch button opens the multi-framework source."""
    import yaml
    from book import CHAPTER_HTML
    require_build()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url, site = config["repository"]["url"], config["html"]["baseurl"].rstrip("/")
    html = CHAPTER_HTML.read_text(encoding="utf-8")
    assert f'href="{url}"' in html
    assert "mybinder" not in html and "colab" not in html.lower()
    for fw in FRAMEWORKS.tags:
        nb = nbformat.read(ROOT / "_build" / "notebooks" / f"{CHAPTER_PAGE}-{fw}.ipynb", 4)
        setup = next(c for c in nb.cells if c.cell_type == "code")
        assert f"'{site}/_static/wheels/d2lshim-" in setup.source and "D2LSHIM_SOURCE" in setup.source


def test_the_course_edition_links_no_page_of_the_public_site():
    """The course site is not the public book: no canonical link to it; its
    notebooks still install the wheel the public site publishes."""
    import yaml
    require_build()
    public = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["baseurl"]
    assert f'rel="canonical" href="{public}' in (ROOT / "_build" / "html" / "index.html").read_text(
        encoding="utf-8")
    for page in (ROOT / "_build" / "html-course").rglob("*.html"):
        assert 'rel="canonical"' not in page.read_text(encoding="utf-8"), page
    nb = nbformat.read(ROOT / "_build" / "notebooks-course" / f"{CHAPTER_PAGE}-pytorch.ipynb", 4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert f"'{public.rstrip('/')}/_static/wheels/d2lshim-" in setup.source


@pytest.mark.parametrize("site", ["html", "html-course"])
def test_download_menu_offers_each_frameworks_notebook_and_never_the_source(site):
    import re
    require_build()
    html_dir = ROOT / "_build" / site
    page = html_dir / f"{CHAPTER_PAGE}.html"
    html = page.read_text(encoding="utf-8")
    menu = html[html.index('dropdown-download-buttons'):]
    menu = menu[:menu.index("</ul>")]
    links = re.findall(r'href="([^"]+)"', menu)
    assert [link.rsplit("/", 1)[-1] for link in links] == [
        f"minibatch-sgd-{fw}.ipynb" for fw in FRAMEWORKS.tags]
    for link in links:
        assert (page.parent / link).resolve().is_file()
    assert ".md" not in menu and "_sources" not in html
    assert not (html_dir / "_sources").exists()


def test_the_course_edition_executes_nothing(tmp_path):
    """`make book EDITION=course` in a fresh copy: every framework from the cache,
    into _build/html-course, with doctrees and notebooks of its own."""
    require_build()
    book = tmp_path / "book"
    shutil.copytree(ROOT, book, symlinks=True, ignore=BUILT)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                             "--edition", "course", "--builder", "html", "-n", "-W", "--keep-going"],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "executed" not in log and log.count("outputs from the cache") == len(FRAMEWORKS)
    built = book / "_build"
    assert (built / "html-course" / f"{CHAPTER_PAGE}.html").is_file()
    assert (built / ".doctrees-course").is_dir() and (built / "notebooks-course").is_dir()
    assert not (built / "html").exists() and not (built / "notebooks").exists()
    assert "_build/html-course" in log
    print(f"course edition from scratch: {elapsed:.1f} s")
