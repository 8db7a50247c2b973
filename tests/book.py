"""Where the built book and its executed notebooks are, for the tests."""

import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import cache, frameworks, merge, source

FRAMEWORKS = frameworks.from_config(ROOT)

HTML = ROOT / "_build" / "html"
CACHE = ROOT / "_build" / "framework_cache"
CHAPTER = ROOT / "chapters" / "chapter_optimization" / "minibatch-sgd.md"
CHAPTER_PAGE = "chapters/chapter_optimization/minibatch-sgd"
CHAPTER_HTML = HTML / (CHAPTER_PAGE + ".html")
#: framework tag -> its d2lshim module's name (d2lshim.torch for pytorch)
SHIM_MODULE = {f.tag: f.module.rpartition(".")[2] for f in FRAMEWORKS}

# What the typography tests count as Chinese text, written out here from the
# Unicode blocks (Blocks.txt) and not taken from _ext/cjk_spacing.py: a range
# missing there is then a space the tests see.  The page uses the ideographs,
# 、。《》 and （），：；？; the rest is what Chinese text may bring.
CHINESE_BLOCKS = {
    "CJK Radicals Supplement": (0x2E80, 0x2EFF),
    "Kangxi Radicals": (0x2F00, 0x2FDF),
    "CJK Symbols and Punctuation": (0x3000, 0x303F),        # 、。《》「」
    "CJK Unified Ideographs Extension A": (0x3400, 0x4DBF),
    "CJK Unified Ideographs": (0x4E00, 0x9FFF),
    "CJK Compatibility Ideographs": (0xF900, 0xFAFF),
    "CJK Compatibility Forms": (0xFE30, 0xFE4F),             # ︵︶ vertical brackets
    "Halfwidth and Fullwidth Forms": (0xFF00, 0xFFEF),       # （），：；？
}
# From General Punctuation only the quotes and the ellipsis that Chinese writes
# (读取“被复制”数据, ……); not the dashes, around which Sphinx and English put spaces.
CHINESE_QUOTES = "\u2018\u2019\u201c\u201d\u2026"
#: A regular-expression character class (without brackets) of Chinese text.
CHINESE = "".join(f"{chr(first)}-{chr(last)}" for first, last in CHINESE_BLOCKS.values()) \
    + CHINESE_QUOTES


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


def lowest_possible_loss():
    """The lowest loss a linear model can reach on the chapter's training data:
    least squares on the first 1500 Airfoil rows, standardized (every column to
    mean 0 and variance 1, over all rows), in float64, as the page computes its
    loss_min, but here from the data file (d2lshim's cache, its sha1 checked)."""
    import numpy

    from d2lshim._data import download

    data = numpy.genfromtxt(download("airfoil"), dtype=numpy.float64, delimiter="\t")
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    features = numpy.hstack([data[:1500, :-1], numpy.ones((1500, 1))])   # and a bias
    labels = data[:1500, -1]
    weights = numpy.linalg.lstsq(features, labels, rcond=None)[0]
    return float(((features @ weights - labels) ** 2 / 2).mean())


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


def shown(markdown):
    """``markdown`` as a reader sees it: MyST comment lines (``% …``, such as
    the backing notes, ``% 依据：…``) are never shown."""
    return "\n".join(line for line in markdown.split("\n") if not line.startswith("%"))


#: The front matter that makes a MyST page a notebook (jupytext, kernelspec):
#: the small pages the tests write start with it.
MYST_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
