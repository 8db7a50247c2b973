"""What the built sites publish.

Every file of both built sites (``_build/html``, ``_build/html-course``,
their downloadable notebooks included) and of the notebook folders the
builds write is read as text — HTML also without its tags and entities,
JSON (notebooks, the search index) also by its strings, the zlib part of
``objects.inv`` decompressed — with all white space removed, and searched:

* nowhere a hidden test: no nbgrader marker, no line of a hidden test;
* in the course edition no solution either: no line of a solution's code,
  no clause of a solution's prose or task.
"""

import html
import json
import re
import zlib

import pytest

from book import CHAPTER, CHAPTER_PAGE, FRAMEWORKS, HTML, ROOT, pdf_text, read, require_build, shown
from pipeline import editions, exercises, hidden_tests, source, values

BUILD = ROOT / "_build"
COURSE_HTML = BUILD / editions.built_name("html", "course")
#: Published, or offered for download by a published page.
FOLDERS = {edition: [BUILD / editions.built_name(folder, edition) for folder in ("html", "notebooks")]
           for edition in editions.EDITIONS}
MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")


def squeeze(text):
    return re.sub(r"\s+", "", text)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def readable(path):
    """The text of a file, in every form a reader could see it, white space removed."""
    if path.suffix == ".pdf":           # the PDFs a site links: their text
        return squeeze(pdf_text(path))
    data = path.read_bytes()
    if path.name == "objects.inv":
        header_end = data.index(b"zlib.\n") + len(b"zlib.\n")
        data = data[:header_end] + zlib.decompress(data[header_end:])
    text = data.decode("utf-8", errors="replace")
    views = [text]
    if path.suffix in (".html", ".htm", ".xml", ".svg"):
        views.append(html.unescape(re.sub(r"<[^>]+>", "", text)))
    json_text = text
    if path.suffix == ".js" and "Search.setIndex(" in text:
        json_text = text[text.index("(") + 1:text.rindex(")")]
    if path.suffix in (".ipynb", ".json") or json_text is not text:
        try:
            views.append("\n".join(_strings(json.loads(json_text))))
        except ValueError:
            pass
    return squeeze("\n".join(views))


def page_text(path):
    """What a reader of an HTML page sees, white space removed."""
    return squeeze(html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))))


def published_files(edition):
    for folder in FOLDERS[edition]:
        yield from (p for p in sorted(folder.rglob("*")) if p.is_file())


def find(needles, files):
    """``[(file, needle)]`` for every needle (already squeezed) found in a file."""
    found = []
    for path in files:
        text = readable(path)
        found += [(str(path), needle) for needle in needles if needle in text]
    return found


def _regions():
    return list(exercises.walk(source.read(CHAPTER.read_text(encoding="utf-8"))))


def hidden_test_files():
    """The chapter's hidden tests: the files of its folder of hidden tests."""
    folder = hidden_tests.configured_folder(ROOT)
    assert folder is not None, "_config.yml names no folder of hidden tests (coursework: hidden_tests:)"
    files = sorted((folder / CHAPTER_PAGE).glob("*.py"))
    assert files, f"no hidden tests in {folder / CHAPTER_PAGE}: this test would look for nothing"
    return files


def _chapter_cells(tests):
    """The chapter's test cells (``tests``) or all its other cells."""
    nb = source.read(CHAPTER.read_text(encoding="utf-8"))
    return [c for c in nb.cells
            if ("autograder" in c.metadata.get("tags", [])) == tests]


def hidden_lines():
    """Every line of the chapter's hidden tests that appears nowhere in the chapter
    but in its test cells (where a hidden test must not be either)."""
    hidden = [path.read_text(encoding="utf-8") for path in hidden_test_files()]
    others = {line.strip() for cell in _chapter_cells(tests=False)
              for line in cell.source.splitlines()}
    return sorted({line.strip() for block in hidden for line in block.splitlines()
                   if len(line.strip()) >= 12 and line.strip() not in others})


def hidden_needles():
    return [squeeze(line) for line in hidden_lines()] + [squeeze(m) for m in MARKERS]


def solution_needles():
    """Code lines and prose clauses of the solutions that the rest of the chapter lacks."""
    parts = _regions()
    outside = "\n".join(p.piece.text if p.piece else p.cell.source for p in parts
                        if p.region is None)
    needles = set()
    for part in parts:
        if part.region is None or (part.piece and part.piece.kind in ("start", "end")):
            continue
        if part.piece is None:
            needles |= {line.strip() for line in source.without_grader_markers(part.cell.source)
                        .splitlines() if len(line.strip()) >= 12}
            continue
        prose = re.sub(r"```.*?```|\$[^$]*\$|`[^`]*`|[*]", " ",
                       values.ROLE.sub(" ", part.piece.body or part.piece.text), flags=re.S)
        needles |= {clause.strip() for clause in re.split(r"[，。；：、（）()！？\n]", prose)
                    if len(clause.strip()) >= 8}
    return sorted(squeeze(n) for n in needles if squeeze(n) not in squeeze(outside))


@pytest.mark.parametrize("edition", list(FOLDERS))
def test_both_editions_were_built_with_their_downloads(edition):
    require_build()
    site = FOLDERS[edition][0]
    assert (site / f"{CHAPTER_PAGE}.html").is_file(), f"run `make book EDITION={edition}`"
    downloads = list(site.glob("_downloads/*/*.ipynb"))
    assert len(downloads) == len(FRAMEWORKS)
    for notebook in downloads:              # plain Markdown: no MyST left for Jupyter to show
        prose = "\n".join(c.source for c in read(notebook).cells if c.cell_type == "markdown")
        assert "```{" not in prose and "{value}`" not in prose and "{task}" not in prose
    assert not (site / "_sources").exists()


@pytest.mark.parametrize("edition", list(FOLDERS))
def test_no_hidden_test_in_any_published_file(edition):
    require_build()
    needles = hidden_needles()
    assert len(needles) >= 10
    files = list(published_files(edition))
    assert len(files) > 100
    assert find(needles, files) == []


def test_the_page_source_holds_no_hidden_test():
    """The source is public (the repository, a reader's clone): the hidden tests
    are in their folder, each test cell has only a placeholder for them."""
    text = CHAPTER.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text
    lines = hidden_lines()
    assert len(lines) >= 10
    tests = squeeze("\n".join(cell.source for cell in _chapter_cells(tests=True)))
    assert [line for line in lines if squeeze(line) in tests] == []
    assert text.count("### HIDDEN TESTS") == len(hidden_test_files())


def test_the_search_finds_a_leak_wherever_it_hides(tmp_path):
    """The scan above can fail: a hidden line highlighted in HTML, in a
    notebook's JSON or in the search index, a marker anywhere."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    line = hidden_lines()[0]
    (tmp_path / "page.html").write_text(highlight(f"    {line}\n", PythonLexer(), HtmlFormatter()))
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [{"source": [f"  {line}\n"]}]}))
    (tmp_path / "searchindex.js").write_text("Search.setIndex(" + json.dumps({"t": line}) + ")")
    (tmp_path / "notes.txt").write_text("### BEGIN HIDDEN TESTS")
    assert "<span" in (tmp_path / "page.html").read_text()
    files = sorted(tmp_path.iterdir())
    assert sorted({path for path, _ in find(hidden_needles(), files)}) == [str(p) for p in files]


def test_the_course_edition_has_no_solution():
    require_build()
    needles = solution_needles()
    assert len(needles) >= 50
    full = list(published_files("full"))
    assert find(needles[:5], full)                     # they are in the full edition …
    assert find(needles, published_files("course")) == []   # … and nowhere in the course edition


def test_the_course_edition_keeps_the_exercises_and_says_who_has_the_solutions():
    require_build()
    statements = [shown(p.piece.body) for p in _regions() if p.piece and p.piece.kind == "exercise"]
    note = squeeze(editions.NOTE.strip("*"))
    page = page_text(COURSE_HTML / f"{CHAPTER_PAGE}.html")
    assert all(squeeze(re.sub(r"[`*]", "", s)) in page for s in statements)
    assert page.count(note) == len(statements) == 4
    notebooks = list((BUILD / editions.built_name("notebooks", "course")).rglob("*.ipynb"))
    assert len(notebooks) == len(FRAMEWORKS)
    for notebook in notebooks:
        text = squeeze("".join(c.source for c in read(notebook).cells))
        assert text.count(note) == 4 and "**练习4**" in text
    # the instructor guide is not part of it, not even as a link
    assert not (COURSE_HTML / "instructors.html").exists()
    assert not any("instructors.html" in p.read_text(encoding="utf-8")
                   for p in COURSE_HTML.rglob("*.html"))
    assert (HTML / "instructors.html").exists()


def test_the_course_edition_quotes_only_values_of_the_main_text():
    """Every number quoted on the course edition's page comes from a sentence
    outside the solutions: as many framework values as such {value} roles."""
    require_build()
    outside = [m["name"] for p in _regions() if p.piece and p.region is None
               for m in values.ROLE.finditer(p.piece.text)]
    inside = {m["name"] for p in _regions() if p.piece and p.region is not None
              for m in values.ROLE.finditer(p.piece.text)}
    assert inside - set(outside), "the solutions quote values of their own"
    page = (COURSE_HTML / f"{CHAPTER_PAGE}.html").read_text(encoding="utf-8")
    assert page.count('class="framework-value"') == len(outside)
    full = (HTML / f"{CHAPTER_PAGE}.html").read_text(encoding="utf-8")
    assert full.count('class="framework-value"') > len(outside)
