"""`make pdf`: one PDF per framework, in Chinese, from the same executed outputs.

`make test` builds the PDFs first (`make pdf`, which needs XeLaTeX and the Noto
CJK fonts: see the README); these tests read what it wrote.
"""

import pathlib
import re

import pytest

from book import CHAPTER, CHAPTER_HTML, FRAMEWORKS, HTML, ROOT, executed_notebook, pdf_text
from pipeline import editions, source, system

PDF = ROOT / "_build" / "pdf"
#: The LaTeX file the PDFs are made from (named in _config.yml)
LATEX = pathlib.PurePosixPath(editions.latex_target(ROOT))
IMPORT_LINE = {fw.tag: f"from d2lshim import {fw.module.rpartition('.')[2]} as d2l"
               for fw in FRAMEWORKS}


@pytest.fixture(autouse=True)
def pdf_programs():
    """Without XeLaTeX and its companions `make pdf` skipped, and so do these (in CI: an error)."""
    why_not = system.require("pdf")
    if why_not:
        pytest.skip(why_not)


def pdf_of(tag, edition="full"):
    path = PDF / editions.pdf_name(ROOT, tag, edition)
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make pdf EDITION={edition}` (or `make test`, "
                    "which builds both editions' PDFs)")
    return path


def text_of(tag, edition="full"):
    return pdf_text(pdf_of(tag, edition))


def latex_dir(tag, edition="full"):
    return ROOT / "_build" / "pdf-build" / tag / "_build" / editions.built_name("latex", edition)


@pytest.fixture(params=[fw.tag for fw in FRAMEWORKS])
def tag(request):
    return request.param


@pytest.fixture(params=editions.EDITIONS)
def edition(request):
    return request.param


def headings():
    prose = "\n".join(c.source for c in source.read(CHAPTER.read_text(encoding="utf-8")).cells
                      if c.cell_type == "markdown")
    return ["小批量随机梯度下降", *re.findall(r"^##+ (.+)$", prose, re.M)]


def test_the_pdf_holds_every_heading_in_chinese(tag, edition):
    text = re.sub(r"\s+", "", text_of(tag, edition))   # pdftotext breaks lines anywhere
    missing = [h for h in headings() if re.sub(r"\s+", "", h) not in text]
    assert not missing and len(headings()) >= 8, missing
    assert "Ioffe" in text                                # the bibliography
    assert all(f"练习{number}" in text for number in range(1, 5))
    solutions = [f"解答：练习{number}" for number in range(1, 5)]
    note = re.sub(r"\s+", "", editions.NOTE.strip("*"))
    if edition == "full":                                 # the solutions follow the exercises
        assert all(part in text for part in solutions) and note not in text
    else:                                                 # the course edition has none
        assert not any(part in text for part in solutions) and text.count(note) == 4


def test_only_this_frameworks_code(tag, edition):
    lines = {line.strip() for line in text_of(tag, edition).splitlines()}
    assert IMPORT_LINE[tag] in lines
    for other, line in IMPORT_LINE.items():
        if other != tag:
            assert line not in lines, f"the {tag} PDF shows {other}'s code: {line}"


def test_the_values_in_the_prose_are_this_frameworks(tag):
    nb = executed_notebook(tag)
    from pipeline import values
    glued = values.collect(nb)
    text = re.sub(r"\s+", "", text_of(tag))
    # the sentence that quotes the SGD and GD epoch times, formatted as the page formats them
    assert (f"随机梯度下降每一轮的用时远远多于梯度下降（{glued['sec_sgd']:.3g}秒对"
            f"{glued['sec_gd']:.3g}秒）") in text


def test_no_glyph_is_missing(tag, edition):
    log = (latex_dir(tag, edition) / LATEX.with_suffix(".log")).read_text(errors="replace")
    assert "Missing character" not in log


def test_every_figure_of_the_run_is_in_the_pdf(tag):
    nb = executed_notebook(tag)
    figures = sum(1 for c in nb.cells if c.cell_type == "code" and not source.is_hidden(c)
                  for o in c.outputs if any(m.startswith("image/") for m in o.get("data", {})))
    tex = (latex_dir(tag) / LATEX).read_text(encoding="utf-8")
    assert figures >= 9 and tex.count("\\sphinxincludegraphics") == figures


def test_results_tables_are_tables_in_the_pdf(tag):
    """d2l.table's results (exercises 1, 3, 4) reach LaTeX as tables (its
    text/markdown, rendered as GitHub-flavoured Markdown), not as monospaced
    lines: exercise 1's is 5 columns, a header row and its 9 runs, each run's
    numbers as the run printed them."""
    nb = executed_notebook(tag)
    tex = (latex_dir(tag) / LATEX).read_text(encoding="utf-8")
    tables = re.findall(r"\\begin\{tabulary\}.*?\\end\{tabulary\}", tex, re.S)
    grids = [t for t in tables if "第二轮的波动" in t]
    assert len(grids) == 1, f"exercise 1's results are {len(grids)} LaTeX tables, not one"
    grid = grids[0]
    rows = [[re.sub(r"\\\w+|\s+", "", cell) for cell in row.split("&")]
            for row in re.split(r"\\\\\s*\n", grid.split("\\sphinxmidrule", 1)[1]) if "&" in row]
    assert len(rows) == 9 and all(len(row) == 5 for row in rows), rows
    output = next(o for c in nb.cells if c.cell_type == "code" and "d2l.table(['批量大小'" in c.source
                  for o in c.outputs if "text/markdown" in o.get("data", {}))
    assert rows[0] == [cell.strip() for cell in
                       output["data"]["text/markdown"].splitlines()[2].strip("| ").split(" | ")]
    assert sum("不放回（每轮一个排列）" in t for t in tables) == 1
    assert sum("gd：每轮秒数" in t for t in tables) == 1


def test_each_edition_links_its_own_three_pdfs(edition):
    site = ROOT / "_build" / editions.built_name("html", edition)
    page = site / CHAPTER_HTML.relative_to(HTML)
    html = page.read_text(encoding="utf-8")
    for fw in FRAMEWORKS:
        href = f"../../pdf/{editions.pdf_name(ROOT, fw.tag)}"
        assert f'href="{href}"' in html
        linked = (page.parent / href).resolve()
        assert linked.is_file()
        assert linked.read_bytes() == pdf_of(fw.tag, edition).read_bytes()
