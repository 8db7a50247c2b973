"""Where the built book and its executed notebooks are, for the tests."""

import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import cache, frameworks, merge, source  # noqa: E402

FRAMEWORKS = frameworks.from_config(ROOT)

HTML = ROOT / "_build" / "html"
CACHE = ROOT / "_build" / "framework_cache"
CHAPTER = ROOT / "chapters" / "chapter_optimization" / "minibatch-sgd.md"
CHAPTER_PAGE = "chapters/chapter_optimization/minibatch-sgd"
CHAPTER_HTML = HTML / (CHAPTER_PAGE + ".html")
SHIM_MODULE = {"mxnet": "mxnet", "pytorch": "torch", "tensorflow": "tensorflow"}


def require_build():
    if not CHAPTER_HTML.exists():
        pytest.fail("the book is not built: run `make book` (or `make test`, which builds it) first")


def executed_notebook(framework):
    """The executed notebook of one framework, exactly as the last build produced it."""
    require_build()
    fw = FRAMEWORKS.get(framework)
    nb = source.split(source.read(CHAPTER.read_text(encoding="utf-8")), fw, FRAMEWORKS)
    key = cache.key(nb, fw, search_path=(CHAPTER.parent, ROOT))
    if not cache.OutputCache(CACHE, note=pytest.fail).load(CHAPTER_PAGE, fw, key, nb):
        pytest.fail(f"no executed {framework} notebook for the current source: run `make book`")
    return nb


def stdout_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs
                   if o.output_type == "stream" and o.name == "stdout")


def cell_running(nb, pattern):
    """The one code cell whose source matches ``pattern``."""
    found = [c for c in nb.cells if c.cell_type == "code" and re.search(pattern, c.source)]
    assert len(found) == 1, f"{len(found)} cells match {pattern!r}"
    return found[0]


def read(path):
    return nbformat.read(path, as_version=4)


def built_pages():
    """docname -> parsed HTML (BeautifulSoup) of every page of the book."""
    from bs4 import BeautifulSoup

    require_build()
    found = {}
    for path in sorted(HTML.rglob("*.html")):
        name = path.relative_to(HTML).with_suffix("").as_posix()
        if name not in ("search", "genindex") and not name.startswith("_"):
            found[name] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return found


def search_index():
    """The search index the build wrote (searchindex.js is ``Search.setIndex({...})``)."""
    import json

    require_build()
    text = (HTML / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def pdf_text(path):
    """The text of a PDF as pdftotext reads it (poppler-utils)."""
    from pipeline import system
    why_not = system.require("pdf")          # in CI: an error
    if why_not:
        pytest.skip(why_not)
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
