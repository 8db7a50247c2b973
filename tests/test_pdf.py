"""`make pdf`: one PDF per framework, in Chinese, from the same executed outputs.

`make test` builds the PDFs first (`make pdf`, which needs XeLaTeX and the Noto
CJK fonts: see the README); these tests read what it wrote.
"""

import pathlib
import re
import subprocess

import pytest

from book import CHAPTER, FRAMEWORKS, ROOT, executed_notebook
from pipeline import source

PDF = ROOT / "_build" / "pdf"
IMPORT_LINE = {"mxnet": "from d2lshim import mxnet as d2l", "pytorch": "from d2lshim import torch as d2l",
               "tensorflow": "from d2lshim import tensorflow as d2l"}


def pdf_of(tag, edition="full"):
    suffix = "" if edition == "full" else f"-{edition}"
    path = PDF / f"minibatch-sgd-{tag}{suffix}.pdf"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make pdf EDITION={edition}` (or `make test`, "
                    "which builds both editions' PDFs)")
    return path


def text_of(tag, edition="full"):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_of(tag, edition)), "-"],
                          capture_output=True, text=True, check=True).stdout


def latex_dir(tag, edition="full"):
    suffix = "" if edition == "full" else f"-{edition}"
    return ROOT / "_build" / "pdf-build" / tag / "_build" / f"latex{suffix}"


@pytest.fixture(params=[fw.tag for fw in FRAMEWORKS])
def tag(request):
    return request.param


def headings():
    prose = "\n".join(c.source for c in source.read(CHAPTER.read_text(encoding="utf-8")).cells
                      if c.cell_type == "markdown")
    return ["小批量随机梯度下降", *re.findall(r"^##+ (.+)$", prose, re.M)]


def test_the_pdf_holds_every_heading_in_chinese(tag):
    text = re.sub(r"\s+", "", text_of(tag))       # pdftotext breaks lines anywhere
    missing = [h for h in headings() if re.sub(r"\s+", "", h) not in text]
    assert not missing and len(headings()) >= 8, missing
    for part in ("解答：练习1", "解答：练习4", "Ioffe"):   # the solutions and the bibliography
        assert part in text, part


def test_only_this_frameworks_code(tag):
    lines = {line.strip() for line in text_of(tag).splitlines()}
    assert IMPORT_LINE[tag] in lines
    for other, line in IMPORT_LINE.items():
        if other != tag:
            assert line not in lines, f"the {tag} PDF shows {other}'s code: {line}"


def test_the_values_in_the_prose_are_this_frameworks(tag):
    nb = executed_notebook(tag)
    from pipeline import values
    glued = values.collect(nb)
    text = re.sub(r"\s+", "", text_of(tag))
    # the sentence that quotes the SGD epoch time, formatted as the page formats it
    assert f"随机梯度下降每一轮的用时（{glued['sec_sgd']:.3f}秒）" in text


def test_no_glyph_is_missing(tag):
    log = (latex_dir(tag) / "minibatch-sgd.log").read_text(errors="replace")
    assert "Missing character" not in log


def test_every_figure_of_the_run_is_in_the_pdf(tag):
    nb = executed_notebook(tag)
    figures = sum(1 for c in nb.cells if c.cell_type == "code" and not source.is_hidden(c)
                  for o in c.outputs if any(m.startswith("image/") for m in o.get("data", {})))
    tex = (latex_dir(tag) / "minibatch-sgd.tex").read_text(encoding="utf-8")
    assert figures >= 9 and tex.count("\\sphinxincludegraphics") == figures


def test_the_page_links_the_three_pdfs():
    from book import CHAPTER_HTML
    html = CHAPTER_HTML.read_text(encoding="utf-8")
    for fw in FRAMEWORKS:
        href = f"../../pdf/minibatch-sgd-{fw.tag}.pdf"
        assert f'href="{href}"' in html
        assert (CHAPTER_HTML.parent / href).resolve().is_file()


# --- the course edition's PDFs: the same book without the solutions ---

def test_the_course_pdf_keeps_the_exercises_without_solutions(tag):
    from pipeline import editions
    text = re.sub(r"\s+", "", text_of(tag, "course"))
    solution_headings = {"解答：练习1", "解答：练习2", "解答：练习3", "解答：练习4"}
    missing = [h for h in headings() if re.sub(r"\s+", "", h) not in text]
    assert not missing, missing
    assert not any(h in text for h in solution_headings)
    assert text.count(re.sub(r"\s+", "", editions.NOTE.strip("*"))) == 4
    for number in range(1, 5):
        assert f"练习{number}" in text
    lines = {line.strip() for line in text_of(tag, "course").splitlines()}
    assert IMPORT_LINE[tag] in lines
    assert not [line for other, line in IMPORT_LINE.items() if other != tag and line in lines]
    log = (latex_dir(tag, "course") / "minibatch-sgd.log").read_text(errors="replace")
    assert "Missing character" not in log


def test_the_course_page_links_its_own_pdfs():
    from book import CHAPTER_HTML
    course_page = ROOT / "_build" / "html-course" / CHAPTER_HTML.relative_to(ROOT / "_build" / "html")
    html = course_page.read_text(encoding="utf-8")
    for fw in FRAMEWORKS:
        href = f"../../pdf/minibatch-sgd-{fw.tag}.pdf"
        assert f'href="{href}"' in html
        linked = (course_page.parent / href).resolve()
        assert linked.is_file()
        assert linked.read_bytes() == pdf_of(fw.tag, "course").read_bytes()
