"""A downloaded notebook says what it is (issue 16).

Away from the book's page, a reader's notebook has to say itself which
framework it is, where its outputs and the numbers of its prose come from,
and it must not show the exercises' worked solutions before the reader asks
for them.  Checked on the notebooks the build wrote, for every framework and
both editions:

* the title (and the ``title`` metadata) names the framework;
* a note right below the title names the machine the outputs were made on
  (CPU and logical cores, as the page's own run printed them in the same
  notebook's outputs), says that the
  prose's numbers and its checked claims come from that run and that the
  reader's run will differ;
* every solution is folded the way JupyterLab and Notebook 7 fold a
  section: simulated here from JupyterLab's own rules, every cell of every
  solution (its prose, its code, and so its outputs) is hidden, and nothing
  else is.  The solutions are read from the chapter's MyST text, not
  through the pipeline.
"""

import pathlib
import re

import nbformat
import pytest

from chromium import browser  # noqa: F401 (a fixture: skips without Chromium)
from book import CHAPTER, CHAPTER_PAGE, CHINESE, FRAMEWORKS, MYST_HEADER, ROOT, require_build

EDITIONS = {"full": ROOT / "_build" / "notebooks", "course": ROOT / "_build" / "notebooks-course"}
COLLAPSED = "jp-MarkdownHeadingCollapsed"      # JupyterLab's cell metadata, written out here
#: what the chapter's run prints about its machine (the measurement of the peak)
MACHINE_LINE = re.compile(r"本机 (?P<cores>\d+) 个逻辑核心，CPU：(?P<cpu>[^\n]+)")
GRADER_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")
HIDDEN_TAGS = {"book", "autograder"}           # cells no notebook shows


def notebook(framework, edition="full"):
    require_build()
    path = EDITIONS[edition] / f"{CHAPTER_PAGE}-{framework.tag}.ipynb"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make book` and `make book EDITION=course`")
    return nbformat.read(path, 4)


def chapter_title():
    return next(line[2:].strip() for line in CHAPTER.read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


# -- JupyterLab's rules, written out from its sources ---------------------------------------

def lab_heading_levels(markdown):
    """The heading levels JupyterLab 4 finds in a markdown cell
    (``TableOfContentsUtils.Markdown.getHeadings``): ``# …`` lines, setext
    headings and ``<hN>`` lines, outside fenced code."""
    lines, levels, fence = markdown.split("\n"), [], None
    for index, line in enumerate(lines):
        if not line:
            continue
        opening = re.match(r"^(`{3,}|~{3,})", line)
        if opening:
            if fence is None:
                fence = opening.group(1)
                continue
            if line[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        if fence is not None:
            continue
        atx = re.match(r"^(#{1,6}) ", line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        setext = re.match(r"^ {0,3}(={2,}|-{2,})\s*$", following) if following else None
        html = re.search(r"<h([1-6]).*>.*</h\1>", line, re.I)
        if atx:
            levels.append(len(atx.group(1)))
        elif setext:
            levels.append(1 if setext.group(1)[0] == "=" else 2)
        elif html:
            levels.append(int(html.group(1)))
    return levels


def hidden_when_opened(nb):
    """The indices of the cells JupyterLab and Notebook 7 hide when they open
    ``nb`` (``NotebookActions.setHeadingCollapse``): below a markdown cell
    marked collapsed, every cell up to the next markdown cell whose highest
    heading is at most as deep as the collapsed one's."""
    hidden = set()
    for index, cell in enumerate(nb.cells):
        levels = lab_heading_levels(cell.source) if cell.cell_type == "markdown" else []
        if not (cell.metadata.get(COLLAPSED) and levels):
            continue
        for after in range(index + 1, len(nb.cells)):
            other = nb.cells[after]
            if other.cell_type == "markdown" and min(lab_heading_levels(other.source),
                                                     default=7) <= min(levels):
                break
            hidden.add(after)
    return hidden


# -- the solutions, read from the chapter's MyST text -----------------------------------------

def chapter_parts():
    """``(solution code cells, solution prose lines, other prose lines)`` of
    the chapter: a code cell is ``(tags, source)``; prose lines are outside
    code cells, directive fences and options."""
    code, solution_prose, other_prose = [], [], []
    inside, cell, tags = False, None, ()
    for line in CHAPTER.read_text(encoding="utf-8").split("\n"):
        if cell is not None:                        # inside a code cell
            if line.startswith(":tags:"):
                tags = tuple(t.strip() for t in line.split("[", 1)[1].rstrip("]").split(","))
            elif re.match(r"^`{3,}\s*$", line):
                if inside:
                    code.append((tags, "\n".join(cell)))
                cell, tags = None, ()
            elif not line.startswith(":"):
                cell.append(line)
            continue
        if re.match(r"^`{3,}\{code-cell\}", line):
            cell = []
        elif re.match(r"^`{3,}\{solution-start\}", line):
            inside = True
        elif re.match(r"^`{3,}\{solution-end\}", line):
            inside = False
        elif not re.match(r"^(`{3,}|:[\w-]+:|%)", line):    # % : a MyST comment, never shown
            (solution_prose if inside else other_prose).append(line)
    return code, solution_prose, other_prose


def normalized(code):
    return "\n".join(l for l in code.strip().split("\n") if not GRADER_MARKER.match(l)).strip()


def chinese_runs(lines, length=8):
    """Runs of Chinese text (``length`` characters or more) of the lines, with
    roles, inline code and math taken out first."""
    text = "\n".join(lines)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\$[^$]*\$", "\0", text)
    return {run for run in re.findall(f"[{CHINESE}]{{{length},}}", text)}


def solution_needles():
    """Runs of the solutions' prose that the chapter writes nowhere else."""
    _, solution_prose, other_prose = chapter_parts()
    elsewhere = "\n".join(other_prose)
    return sorted(run for run in chinese_runs(solution_prose) if run not in elsewhere)


def exercise_statements():
    """The body of each ``{exercise}`` directive of the chapter."""
    statements, body = [], None
    for line in CHAPTER.read_text(encoding="utf-8").split("\n"):
        if body is None:
            if re.match(r"^`{3,}\{exercise\}", line):
                body = []
        elif re.match(r"^`{3,}\s*$", line):
            statements.append("\n".join(body).strip())
            body = None
        elif not re.match(r"^(:[\w-]+:|%)", line):              # options and MyST comments
            body.append(line)
    return statements


def solution_cells(nb, framework):
    """The indices of the cells of ``nb`` that belong to a solution (read from
    the chapter): its code cells, and markdown cells holding its prose."""
    code, _, _ = chapter_parts()
    others = {f.tag for f in FRAMEWORKS} - {framework.tag}
    solution_code = {normalized(source) for tags, source in code
                     if not set(tags) & (HIDDEN_TAGS | others)}
    needles = solution_needles()
    return {i for i, cell in enumerate(nb.cells)
            if (cell.cell_type == "code" and normalized(cell.source) in solution_code)
            or (cell.cell_type == "markdown" and any(n in cell.source for n in needles))}


# -- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS.tags)
def test_the_title_names_the_framework(framework, edition):
    nb = notebook(framework, edition)
    expected = f"{chapter_title()}（{framework.label} 版）"
    titles = [line for c in nb.cells if c.cell_type == "markdown"
              for line in c.source.split("\n") if line.startswith("# ")]
    assert titles == [f"# {expected}"], titles
    assert nb.cells[0].source.split("\n")[0] == f"# {expected}"
    assert nb.metadata.get("title") == expected
    nbformat.validate(nb)                    # `title` is a field of the notebook format


def checked_claims(note):
    shown = re.search(r"逐一核对了文字中依据这些数字所下的 (\d+) 个判断", note)
    assert shown, f"the note does not say how many claims the run checked:\n{note}"
    return int(shown.group(1))


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS.tags)
def test_a_note_below_the_title_names_the_machine_of_the_run(framework, edition):
    nb = notebook(framework, edition)
    # the machine as the run itself printed it, in this notebook's outputs
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    machine = MACHINE_LINE.search(printed)
    assert machine, ("the chapter's run no longer prints its machine "
                     f"({MACHINE_LINE.pattern!r}): this test reads the machine from there")
    note = nb.cells[1]
    assert note.cell_type == "markdown" and note.source.startswith("> **关于这个 notebook**")
    text = note.source
    assert f"那台机器的 CPU 是 {machine['cpu'].strip()}，有 {machine['cores']} 个逻辑核心" in text
    assert f"这是本书“{chapter_title()}”一节的 {framework.label} 版" in text
    assert "输出来自构建本书时的那次运行" in text and "文字里引用的数字" in text
    assert "你自己运行时，数字会有所不同" in text
    # the claims the run checked, of what this edition shows: the course
    # edition leaves the solutions out, and their claims with them
    assert checked_claims(text) > 0
    if edition == "full":
        assert checked_claims(text) > checked_claims(notebook(framework, "course").cells[1].source)
    # the setup cell, which names the software, is the first code cell after it
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert first_code > 1 and nb.cells[first_code].source.startswith("# 准备运行环境")
    assert "下面第一个代码格" in text
    assert ("“解答”标题下" in text) == (edition == "full")


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS.tags)
def test_every_solution_is_folded_and_nothing_of_it_shows(framework):
    nb = notebook(framework)
    hidden = hidden_when_opened(nb)
    code, _, _ = chapter_parts()
    others = {f.tag for f in FRAMEWORKS} - {framework.tag}
    solution_code = {normalized(source) for tags, source in code
                     if not set(tags) & (HIDDEN_TAGS | others)}
    needles = solution_needles()
    assert len(solution_code) >= 8 and len(needles) >= 30      # the chapter has solutions

    folds = [i for i, c in enumerate(nb.cells) if c.metadata.get(COLLAPSED)]
    assert len(folds) == len(exercise_statements()) == 4
    for index in folds:                      # the heading itself shows nothing of the solution
        assert index not in hidden
        assert lab_heading_levels(nb.cells[index].source)
        assert nb.cells[index].source.lstrip("#").strip() == "解答"

    shown_code = set()
    for index, cell in enumerate(nb.cells):
        text = cell.source
        if cell.cell_type == "code" and normalized(text) in solution_code:
            assert index in hidden, f"a solution's code cell shows unfolded:\n{text[:200]}"
            shown_code.add(normalized(text))
        elif cell.cell_type == "markdown":
            found = [n for n in needles if n in text]
            assert not found or index in hidden, f"a solution's prose shows unfolded: {found[:3]}"
            assert found or index not in hidden, f"folded with a solution, but not part of one:\n{text[:200]}"
        else:
            assert index not in hidden, f"folded with a solution, but not part of one:\n{text[:200]}"
    assert shown_code == solution_code       # every solution cell is there (and folded)
    assert all(any(n in nb.cells[i].source for i in hidden) for n in needles)
    # every exercise's statement shows
    for statement in exercise_statements():
        runs = chinese_runs([statement], 6)
        assert runs and all(any(r in nb.cells[i].source for i in range(len(nb.cells))
                                if i not in hidden) for r in runs), statement


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS.tags)
def test_the_course_edition_has_nothing_to_fold(framework):
    nb = notebook(framework, "course")
    assert not any(c.metadata.get(COLLAPSED) for c in nb.cells)
    assert not hidden_when_opened(nb)
    text = "\n".join(c.source for c in nb.cells)
    assert not [n for n in solution_needles() if n in text]


def test_the_fold_simulation_follows_jupyterlab():
    """The rules above on small notebooks: a collapsed heading hides up to the
    next heading as deep or deeper up; the highest heading of a cell counts;
    fenced code holds no headings; a collapsed cell without a heading hides nothing."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [md("### 练习 1"), md("#### 解答"), md("text"), code("x = 1"),
                md("```\n# not a heading\n```"), md("##### deeper"), md("text\n\n### 练习 2"),
                md("#### 解答"), code("y"), md("Title\n==="), md("no heading"), code("z")]
    nb.cells[1].metadata[COLLAPSED] = True
    nb.cells[7].metadata[COLLAPSED] = True
    nb.cells[10].metadata[COLLAPSED] = True
    assert hidden_when_opened(nb) == {2, 3, 4, 5, 8}
    assert lab_heading_levels("<h2>x</h2>\n## y\nz\n--") == [2, 2, 2]


PAGE = MYST_HEADER + """
# T

## 练习

```{{exercise}}
:label: ex-a
Q1
```

```{{solution-start}} ex-a
:class: dropdown
```

A1 {inside}

```{{code-cell}} ipython3
x = 1
```

```{{solution-end}}
```

{after}
"""


def reader_notebook(inside="", after="## 参考文献"):
    from pipeline import export, source
    text = PAGE.format(inside=inside, after=after)
    page = source.Page("page", ROOT / "page.md", text)
    return export.runnable_notebook(source.read(text), page=page)


def test_a_solution_that_would_not_fold_exactly_stops_the_build():
    """What JupyterLab would fold with a solution, or show of it, is an error
    of the page, named, before any reader gets the notebook."""
    from pipeline.errors import BookError
    nb = reader_notebook()
    assert [c.source for c in nb.cells] == ["# T\n\n## 练习", "### 练习 1\n\nQ1", "#### 解答",
                                            "A1", "x = 1", "## 参考文献"]
    assert hidden_when_opened(nb) == {3, 4}
    start = PAGE.splitlines().index("```{{solution-start}} ex-a") + 1     # the error names it
    with pytest.raises(BookError, match=f"page.md:{start}: what follows the solution of 'ex-a' "
                                        "starts with no heading"):
        reader_notebook(after="Prose after the exercises.")
    with pytest.raises(BookError, match=f"page.md:{start}: the solution of 'ex-a' has a heading "
                                        "of level 3"):
        reader_notebook(inside="\n\n### A heading inside")



@pytest.mark.parametrize("markdown", [
    "```\n# a comment\n```\n~~~\n# a comment\n~~~\n## 练习\n\n练习 1\n===\n",
    "text\n\n解答\n--\n\n#### 更深的一级\n",
    "````\n```\n# still code\n```\n````\n### 练习 2\n",
])
def test_the_pipeline_finds_the_headings_jupyterlab_finds(markdown):
    """What folds a solution is what JupyterLab calls a heading (setext ones
    included); ``#`` lines in code are not headings."""
    from pipeline import reader
    assert reader.heading_levels(markdown) == lab_heading_levels(markdown)


def test_the_title_is_the_first_level_1_heading():
    from pipeline import reader
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("```\n# not the title\n```\n\n小批量\n===\n正文")]
    reader.titled(nb, FRAMEWORKS.get("jax"))
    assert nb.cells[0].source == "```\n# not the title\n```\n\n# 小批量（JAX 版）\n正文"
    assert nb.metadata["title"] == "小批量（JAX 版）"
    reader.insert_after_title(nb, nbformat.v4.new_markdown_cell("note"))
    assert [c.source for c in nb.cells] == ["```\n# not the title\n```\n\n# 小批量（JAX 版）",
                                            "note", "正文"]

@pytest.fixture
def jupyter(tmp_path):
    """Starts ``jupyter lab`` or ``jupyter notebook`` (Notebook 7) of the book's
    environment on 127.0.0.1 over ``tmp_path``, with its own settings and
    home; returns the URL of the server."""
    import os
    import shutil
    import socket
    import subprocess
    import sys
    import time
    servers = []

    def start(app):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "HOME": str(tmp_path / "home"),
               **{f"JUPYTER_{d}_DIR": str(tmp_path / d.lower()) for d in ("CONFIG", "DATA", "RUNTIME")}}
        jupyter_command = shutil.which("jupyter", path=str(pathlib.Path(sys.executable).parent))
        server = subprocess.Popen(
            [jupyter_command, app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={tmp_path}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers.append(server)
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                return f"http://127.0.0.1:{port}"
            except OSError:
                assert server.poll() is None, f"jupyter {app} stopped with {server.returncode}"
                time.sleep(0.5)
        pytest.fail(f"jupyter {app} did not answer on port {port}")

    yield start
    for server in servers:
        server.terminate()
        server.wait(30)


HIDDEN_CELLS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'))
    .map((cell, index) => cell.classList.contains('lm-mod-hidden') ? index : -1)
    .filter(index => index >= 0)"""


@pytest.mark.parametrize("app, path", [("lab", "lab/tree"), ("notebook", "notebooks")],
                         ids=["JupyterLab", "Notebook 7"])
def test_jupyterlab_and_notebook_7_open_the_notebook_with_the_solutions_folded(
        browser, jupyter, tmp_path, app, path):
    """The real thing: the book environment's JupyterLab and Notebook 7 open
    the PyTorch notebook and hide exactly the cells of the solutions (the
    simulation above stands for them in the tests of every framework)."""
    import shutil
    require_build()
    source = EDITIONS["full"] / f"{CHAPTER_PAGE}-pytorch.ipynb"
    shutil.copyfile(source, tmp_path / "reader.ipynb")
    nb = nbformat.read(source, 4)
    expected = sorted(solution_cells(nb, FRAMEWORKS.get("pytorch")))
    assert len(expected) > 10
    url = jupyter(app)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{url}/{path}/reader.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        try:    # every cell is there, and the collapse is restored once their headings are read
            page.wait_for_function(
                f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length == {len(nb.cells)}"
                f" && ({HIDDEN_CELLS})().length >= {len(expected)}", timeout=90_000)
        except Exception:
            pass                               # the assertions below say what is there
        assert page.evaluate("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length") \
            == len(nb.cells)
        assert page.evaluate(HIDDEN_CELLS) == expected
    finally:
        page.close()
    assert pathlib.Path(tmp_path / "reader.ipynb").read_bytes() == source.read_bytes()
