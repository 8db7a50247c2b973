"""The machinery on a whole (small) book: many pages, a fourth framework, edits.

``tests/fixture_book`` declares NumPy as a fourth framework in its own
``_config.yml`` — its only other pieces are a module (``numpy_shim.py``) and
its cells — and has two pages named ``page.md`` in different folders and a
notebook page without framework cells.  It is built with the real
``make book`` command line.
"""

import json
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys
import time

import nbformat
import pytest

from book import ROOT
from pipeline import frameworks
from pipeline.cache import FORMAT
from test_browser import browser  # noqa: F401 (the Chromium fixture)
from test_environments import add_marker_distribution  # noqa: F401

FIXTURE = ROOT / "tests" / "fixture_book"
#: The fixture's frameworks, as its _config.yml lists them (NumPy among them)
FIXTURE_FRAMEWORKS = frameworks.from_config(FIXTURE)
TAGS = FIXTURE_FRAMEWORKS.tags


def build(book):
    start = time.perf_counter()
    # numpy_shim, at the book's root, is importable in the kernels: the build
    # puts the book's folder on their path
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                             "--builder", "html", "-n", "-W", "--keep-going"],
                            capture_output=True, text=True)
    return result, time.perf_counter() - start


def log_of(result):
    return result.stdout + result.stderr


def executed(result):
    return sorted(set(re.findall(r"\[framework-tabs\] (\S+): executed (\w+)", log_of(result))))


def built_copy(tmp_path_factory, name):
    """A copy of the fixture book, built once; returns it and the build's result."""
    book = tmp_path_factory.mktemp(name) / "book"
    shutil.copytree(FIXTURE, book)
    (book / "_ext").symlink_to(ROOT / "_ext")
    result, _ = build(book)
    assert result.returncode == 0, log_of(result)[-4000:]
    return book, result


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    book, result = built_copy(tmp_path_factory, "fixture")
    assert executed(result) == sorted((page, tag) for page in ("a/page", "b/page") for tag in TAGS)
    return book


def html(book, page):
    return (book / "_build" / "html" / f"{page}.html").read_text(encoding="utf-8")


def test_every_page_shows_its_own_outputs_in_four_tabs(book):
    for page in ("a", "b"):
        text = html(book, f"{page}/page")
        for label in (f.label for f in FIXTURE_FRAMEWORKS):
            assert text.count(f">\n{label}</label>") + text.count(f">{label}</label>") >= 2, label
        for tag in TAGS:
            assert f"{page}:{tag}" in text
        assert f"{page}:numpy:3" in text          # the numpy cells used their module
        other = "b" if page == "a" else "a"
        assert f"{other}:pytorch" not in text


def test_same_file_names_in_different_folders_do_not_collide(book):
    for page in ("a", "b"):
        for tag in TAGS:
            nb = nbformat.read(book / "_build" / "notebooks" / page / f"page-{tag}.ipynb", 4)
            printed = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs]
            assert printed == [f"{page}:{tag}" + (":3" if tag == "numpy" else "") + "\n"]
            assert len(list((book / "_build" / "framework_cache" / page / "page" / tag)
                            .glob("*.json"))) == 1


def test_a_page_without_framework_cells_is_a_normal_page(book):
    text = html(book, "c/notes")
    assert "A page in notebook format without framework cells." in text
    assert "tab-set" not in text and "framework-downloads" not in text
    assert "tab-set" not in html(book, "index")


def test_a_prose_edit_builds_without_executing(book):
    page = book / "a" / "page.md"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original.replace("Every framework prints where it ran.",
                                         "An edited sentence.\n\nAnd a new paragraph."),
                        encoding="utf-8")
        result, _ = build(book)
        assert result.returncode == 0, log_of(result)[-3000:]
        assert executed(result) == []
        text = html(book, "a/page")
        assert "An edited sentence." in text and "And a new paragraph." in text
        assert "a:numpy:3" in text and "Every framework prints" not in text
        nb = nbformat.read(book / "_build" / "notebooks" / "a" / "page-numpy.ipynb", 4)
        assert any("And a new paragraph." in c.source for c in nb.cells)
    finally:
        page.write_text(original, encoding="utf-8")


EVERY_PAGE = sorted((page, tag) for page in ("a/page", "b/page") for tag in TAGS)


EXERCISE = """
## Exercises

```{exercise}
:label: ex-a

Say where the page ran.
```

```{solution-start} ex-a
:class: dropdown
```

```{task}
Print where the page ran.
```

```{code-cell} ipython3
:tags: [autograder]
:points: 1

def check_where(where):
    assert where.startswith('a:')
    ### HIDDEN TESTS

check_where(where)
```

It ran where it says.

```{solution-end}
```
"""


def test_the_book_needs_no_hidden_tests_and_never_reads_them(book):
    """A test cell's hidden tests are the instructor's (``make assignments``,
    pipeline/hidden_tests.py): the book builds without their folder, and a
    hidden test put there (one that would fail) changes nothing: nothing
    executes again, and nothing of it is published."""
    from pipeline import hidden_tests
    folder = hidden_tests.configured_folder(book)
    assert folder is not None and not folder.exists()
    page = book / "a" / "page.md"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original + EXERCISE, encoding="utf-8")
        result, _ = build(book)
        assert result.returncode == 0, log_of(result)[-3000:]
        assert executed(result) == sorted(("a/page", tag) for tag in TAGS)
        assert "Print where the page ran." in html(book, "a/page")     # the exercise is there
        (folder / "a" / "page").mkdir(parents=True)
        (folder / "a" / "page" / "ex-a-check_where.py").write_text(
            "assert where == 'a hidden test ran in the book build'\n", encoding="utf-8")
        # before the exercise: prose after the last solution would fold with it
        # in a reader's notebook, which the build refuses (pipeline/reader.py)
        page.write_text(original + "\nA prose edit: the page is read again.\n" + EXERCISE,
                        encoding="utf-8")
        result, _ = build(book)
        assert result.returncode == 0, log_of(result)[-3000:]
        assert executed(result) == []
        published = [p for folder in ("html", "notebooks") for p in (book / "_build" / folder).rglob("*")
                     if p.is_file()]
        assert len(published) > 20
        assert [p for p in published if b"a hidden test ran" in p.read_bytes()
                or b"HIDDEN TESTS" in p.read_bytes()] == []
    finally:
        page.write_text(original, encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)


def test_a_dropped_cache_executes_every_framework_and_rewrites_the_pages(book):
    """`make clean-cache && make book`: the site notices that its outputs are gone."""
    page_html = book / "_build" / "html" / "a" / "page.html"
    written = page_html.stat().st_mtime_ns
    shutil.rmtree(book / "_build" / "framework_cache")
    result, _ = build(book)
    assert result.returncode == 0, log_of(result)[-3000:]
    assert executed(result) == EVERY_PAGE
    assert "its outputs are not in the execution cache" in log_of(result)
    assert page_html.stat().st_mtime_ns != written and "a:pytorch" in html(book, "a/page")


def test_a_package_change_re_executes_that_framework_and_rewrites_its_pages(
        book, add_marker_distribution):  # noqa: F811
    page_html = book / "_build" / "html" / "a" / "page.html"
    notebook = book / "_build" / "notebooks" / "a" / "page-pytorch.ipynb"
    assert executed(build(book)[0]) == []
    written = page_html.stat().st_mtime_ns
    add_marker_distribution()
    result, _ = build(book)
    assert result.returncode == 0, log_of(result)[-3000:]
    assert executed(result) == [("a/page", "pytorch"), ("b/page", "pytorch")]
    assert "[PyTorch] its environment changed" in log_of(result)
    assert page_html.stat().st_mtime_ns != written and "a:pytorch" in html(book, "a/page")
    assert nbformat.read(notebook, 4).cells           # the notebook written again, whole


def test_a_broken_cache_entry_does_not_fail_a_strict_build(book):
    """Under -W a broken entry is information: the framework executes again."""
    page = book / "a" / "page.md"
    original = page.read_text(encoding="utf-8")
    entries = list((book / "_build" / "framework_cache" / "a" / "page" / "pytorch").glob("*.json"))
    for entry in entries:         # the current one among them, whichever it is
        entry.write_text("{ truncated", encoding="utf-8")
    try:
        page.write_text(original + "\nA sentence that makes the page be read again.\n",
                        encoding="utf-8")
        result, _ = build(book)
        assert result.returncode == 0, log_of(result)[-3000:]
        assert executed(result) == [("a/page", "pytorch")]
        assert any(f"ignoring the cache entry {entry}" in log_of(result) for entry in entries)
        assert "WARNING:" not in log_of(result)     # no Sphinx warning (the kernel says "WARNING |")
    finally:
        page.write_text(original, encoding="utf-8")


def test_everything_the_build_writes_is_readable_by_everyone(book):
    written = [*(book / "_build" / "framework_cache").rglob("*.json"),
               *(book / "_build" / "notebooks").rglob("*.ipynb")]
    assert written
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_an_incomplete_tab_group_fails_the_build_with_page_and_line(book):
    page = book / "b" / "page.md"
    original = page.read_text(encoding="utf-8")
    try:
        # the group that lacks NumPy starts at the MXNet cell: its {code-cell} line
        line = original.splitlines().index(":tags: [mxnet]")
        page.write_text(original.replace("```{code-cell} ipython3\n:tags: [numpy]",
                                         "A paragraph that splits the group.\n\n"
                                         "```{code-cell} ipython3\n:tags: [numpy]"),
                        encoding="utf-8")
        result, _ = build(book)
        assert result.returncode != 0
        assert (f"{page}:{line}: this group of framework cells has no NumPy version"
                in log_of(result)), log_of(result)[-2000:]
        assert executed(result) == []
    finally:
        page.write_text(original, encoding="utf-8")


def test_two_exports_at_once_execute_once(book, tmp_path):
    """Two processes fill an empty cache at the same time: both succeed, each
    page and framework is executed once (the second waits, then finds the
    outputs), nothing half-written."""
    cache = tmp_path / "cache"
    command = [sys.executable, str(ROOT / "tools" / "notebooks.py"), "--book", str(book),
               "--cache", str(cache)]
    runs = [subprocess.Popen([*command, "--out", str(tmp_path / f"out{i}")],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for i in range(2)]
    logs = []
    for run in runs:
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 0, out[-3000:]
        logs.append(out)
    executions = re.findall(r"(\S+): executed (\w+)", "".join(logs))
    assert sorted(executions) == sorted((page, tag) for page in ("a/page", "b/page") for tag in TAGS)
    assert any("waiting for it" in log for log in logs)
    for i in range(2):
        assert len(list((tmp_path / f"out{i}").rglob("*.ipynb"))) == 8
    entries = list(cache.rglob("*.json"))
    assert len(entries) == 8 and not [p for p in cache.rglob("*") if p.name.endswith(".tmp")]
    for entry in entries:
        assert json.loads(entry.read_text(encoding="utf-8"))["format"] == FORMAT


def test_each_notebook_quotes_its_own_framework_values(book):
    for page in ("a", "b"):
        for tag in TAGS:
            nb = nbformat.read(book / "_build" / "notebooks" / page / f"page-{tag}.ipynb", 4)
            prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
            where = f"{page}:{tag}" + (":3" if tag == "numpy" else "")
            assert f"This page ran in {where}." in prose
            assert ("Only NumPy readers see this sentence." in prose) == (tag == "numpy")
            assert not any("_book" in c.source for c in nb.cells)      # hidden cells left out
            assert "{value}" not in prose and "framework-only" not in prose


def test_the_page_holds_every_framework_value_and_hides_the_checks(book):
    """The page's text holds the default framework's value (PyTorch here), the
    only one that search and readers without JavaScript see; every
    framework's is an attribute for the tabs' script."""
    text = html(book, "a/page")
    spans = re.findall(r'<span class="framework-value"([^>]*)>([^<]*)</span>', text)
    assert len(spans) == 1 and spans[0][1] == "a:pytorch", spans
    assert dict(re.findall(r'data-fw-(\w+)="([^"]*)"', spans[0][0])) == {
        tag: f"a:{tag}" + (":3" if tag == "numpy" else "") for tag in TAGS}
    assert "framework-only fw-numpy fw-hidden" in text
    assert "_book.claim" not in text and "vnd.d2lshim" not in text


def test_a_false_claim_fails_the_build_with_line_framework_and_numbers(book):
    page = book / "a" / "page.md"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original + "\n```{code-cell} ipython3\n:tags: [book]\n\n"
                        "_book.claim('分块比逐列快十倍', 3.0, at_least=10, t_block=0.5)\n```\n",
                        encoding="utf-8")
        line = len(original.splitlines()) + 2
        result, _ = build(book)
        assert result.returncode != 0
        assert (f"{page}:{line}: [MXNet] a claim of the page does not hold in this run: "
                f"«分块比逐列快十倍» does not hold: 3 is not ≥ 10 (t_block = 0.5)"
                in log_of(result)), log_of(result)[-3000:]
    finally:
        page.write_text(original, encoding="utf-8")


def test_pdfs_are_linked_once_the_site_has_them(book):
    """``make book`` alone links no PDF and says how to get them; a PDF put into
    the site (as ``make pdf`` does) is linked at the next build, nothing executed."""
    result, _ = build(book)     # an environment that is current (an earlier test may fail a build)
    assert result.returncode == 0, log_of(result)[-3000:]
    assert "framework-pdf" not in html(book, "a/page")
    numpy_pdf = book / "_build" / "html" / "pdf" / "fixture-numpy.pdf"    # see _config.yml
    numpy_pdf.parent.mkdir(exist_ok=True)
    numpy_pdf.write_bytes(b"%PDF-1.5\n")
    try:
        result, _ = build(book)
        assert result.returncode == 0, log_of(result)[-3000:]
        assert executed(result) == []
        assert "a/page: the site's PDFs changed; reading the page again" in log_of(result)
        assert ("the pages link no PDF of MXNet, PyTorch, TensorFlow: the site has none yet; "
                "`make pdf` builds them") in log_of(result)
        links = re.findall(r'<a class="framework-pdf" href="([^"]+)">(\w+)</a>', html(book, "a/page"))
        assert links == [(f"../pdf/{numpy_pdf.name}", "NumPy")]
    finally:
        numpy_pdf.unlink()
    result, _ = build(book)
    assert "framework-pdf" not in html(book, "a/page")


def test_the_browser_shows_the_selected_frameworks_value(book, browser):
    """Click each tab: the quoted value and the NumPy-only sentence follow it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((book / "_build" / "html" / "a" / "page.html").as_uri(), wait_until="load")
        value = page.locator(".framework-value")
        only = page.locator(".framework-only")
        assert value.inner_text() == "a:pytorch" and not only.is_visible()
        for label, shown in [("NumPy", "a:numpy:3"), ("MXNet", "a:mxnet"),
                             ("TensorFlow", "a:tensorflow"), ("PyTorch", "a:pytorch")]:
            page.locator("label.sd-tab-label", has_text=label).first.click()
            assert value.inner_text() == shown, label
            assert only.is_visible() == (label == "NumPy"), label
        # the choice is remembered: the next page load starts with it
        page.locator("label.sd-tab-label", has_text="NumPy").first.click()
        page.reload(wait_until="load")
        page.wait_for_function("document.querySelector('.framework-value').innerText === 'a:numpy:3'")
        assert only.is_visible()
    finally:
        page.close()
