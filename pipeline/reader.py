"""What a reader's notebook says about itself: its framework, where its outputs
were made, and its exercises' solutions folded.

A downloaded notebook leaves the book's page behind, so it has to say itself
what the page says around it:

* its title names the framework (``# 小批量随机梯度下降（PyTorch 版）``, also in
  the notebook's ``title`` metadata);
* a note below the title says that the outputs, and the numbers the prose
  quotes from them, come from the book's run, on which machine (the CPU and
  its logical cores, as the page's run glued them: ``machine_cpu``,
  ``machine_logical_cores``), that the run checked the prose's claims, and
  that the reader's run will give other numbers;
* each worked solution is folded.

How the solutions are folded
----------------------------

A solution spans several cells (prose, code, outputs, figures), so it is
folded as a *section*: each exercise becomes a heading (``### 练习 1``), its
solution a heading one level below (``#### 解答``) that carries JupyterLab's
``jp-MarkdownHeadingCollapsed`` cell metadata, followed by the solution's
cells.  JupyterLab (since 3.1) and Jupyter Notebook 7 (built from JupyterLab's
notebook) hide every cell after a collapsed heading up to the next heading of
the same or a higher level, here the next exercise's, and show "N cells
hidden" with an arrow that unfolds the whole solution in one click; "Run All"
still runs the hidden cells, so the notebook runs as before.

The alternatives were weighed and left out:

* ``jupyter.source_hidden``/``outputs_hidden`` on each code cell: JupyterLab 4
  shows a hidden cell's first line in its placeholder, each cell needs its own
  click, and the prose of the solution would stay visible;
* ``<details>`` around the prose: HTML cannot span cells, so the code and its
  outputs would stay outside it, and a reader would unfold each paragraph.

Viewers without collapsible headings (classic Notebook 6, VS Code, GitHub's
preview) show the solutions unfolded, below their "解答" heading.
"""

from __future__ import annotations

import copy

import nbformat

from . import exercises, myst
from .errors import BookError

#: JupyterLab's (and Notebook 7's) cell metadata: this heading's section is folded.
COLLAPSED = "jp-MarkdownHeadingCollapsed"

#: Cell metadata used while a notebook is made: the solution region a cell
#: belongs to (the exercise's label); gone from the notebook readers get.
REGION = "solution_region"

#: What the page's run glues for the note: the machine that made the outputs.
MACHINE_VALUES = ("machine_cpu", "machine_logical_cores")

def heading_levels(markdown):
    """The levels of the top-level headings of a Markdown text (not the ``#``
    lines of its code blocks)."""
    return [heading.level for heading in myst.headings(markdown)]


def split_at_solutions(nb, path=None):
    """``nb`` (MyST) with its markdown cells cut at the exercises and solutions.

    Each exercise statement and each solution's start stand in a cell of their
    own, and every cell inside a solution region carries :data:`REGION`; the
    ``solution-end`` markers are dropped.  A single-block ``{solution}`` becomes
    a ``solution-start`` cell and its body.  Returns ``(notebook, whether it has
    a solution)``.
    """
    out = copy.deepcopy(nb)
    out.cells = []
    found = False

    def markdown(cell, text, region, line):
        new = copy.deepcopy(cell)
        new.source = text
        if line is not None:
            new.metadata["source_line"] = line
        if region is not None:
            new.metadata[REGION] = region
        out.cells.append(new)

    pending, pending_cell, pending_region, pending_line = [], None, None, None

    def flush():
        if pending:
            markdown(pending_cell, "\n\n".join(pending), pending_region, pending_line)
            pending.clear()

    for part in exercises.walk(nb, path):
        if part.piece is None:                      # a code cell
            flush()
            cell = copy.deepcopy(part.cell)
            if part.region is not None:
                cell.metadata[REGION] = part.region
            out.cells.append(cell)
            continue
        kind = part.piece.kind
        line = exercises.source_line(part.cell, part.piece)
        if kind in ("exercise", "start", "end", "solution"):
            flush()
            if kind == "exercise":
                markdown(part.cell, part.piece.text, None, line)
            elif kind == "start":
                found = True
                markdown(part.cell, part.piece.text, part.region, line)
            elif kind == "solution":
                found = True
                label = exercises.label(part.piece)
                markdown(part.cell, myst.directive_source("solution-start", label), label, line)
                markdown(part.cell, part.piece.body, label,
                         exercises.source_line(part.cell, part.piece, body=True))
            continue
        if part.cell is not pending_cell or part.region != pending_region:
            flush()
        if not pending:
            pending_line = line
        pending_cell, pending_region = part.cell, part.region
        pending.append(part.piece.text)
    flush()
    return out, found


def exercise_level(nb):
    """The heading level for exercises: one below the last heading before the
    first exercise (``## 练习`` → 3), so that the solution (one further below)
    stays a heading."""
    level = 1
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if any(p.kind == "exercise" for p in exercises.pieces(cell.source)):
            break
        level = (heading_levels(cell.source) or [level])[-1]
    return min(level + 1, 5)


def _where(page, label):
    """``path``/``line`` of a solution's ``solution-start`` in the page, for errors."""
    if page is None:
        return {}
    line = next((piece.line + 1 for piece in exercises.pieces(page.text)
                 if piece.kind in ("start", "solution") and exercises.label(piece) == label), None)
    return {"path": page.path, "line": line}


def fold_solutions(nb, level, page=None):
    """Mark each solution heading (level ``level + 1``) as collapsed and check
    that collapsing it hides exactly its solution; drop :data:`REGION`."""
    solution_level = level + 1
    cells = nb.cells
    for index, cell in enumerate(cells):
        region = cell.metadata.get(REGION)
        if region is None:
            continue
        starts = index == 0 or cells[index - 1].metadata.get(REGION) != region
        if starts:
            if cell.cell_type != "markdown" or heading_levels(cell.source) != [solution_level]:
                raise BookError(f"the solution of {region!r} does not start with its heading",
                                **_where(page, region))
            cell.metadata[COLLAPSED] = True
            continue
        if cell.cell_type == "markdown" and any(
                lv <= solution_level for lv in heading_levels(cell.source)):
            raise BookError(f"the solution of {region!r} has a heading of level "
                            f"{min(heading_levels(cell.source))}: in a reader's notebook it would "
                            f"end the folded solution early; use level {solution_level + 1} or below",
                            **_where(page, region))
    for index, cell in enumerate(cells[:-1]):
        after = cells[index + 1]
        # JupyterLab ends the fold at a cell whose highest heading is at most
        # as deep as the collapsed one
        if cell.metadata.get(REGION) is not None and after.metadata.get(REGION) is None and not (
                after.cell_type == "markdown"
                and min(heading_levels(after.source), default=7) <= solution_level):
            raise BookError(f"what follows the solution of {cell.metadata[REGION]!r} starts "
                            f"with no heading: a reader's notebook would fold it with the solution "
                            f"(end the exercises with a heading, such as the references')",
                            **_where(page, cell.metadata[REGION]))
    for cell in cells:
        cell.metadata.pop(REGION, None)
    return nb


def _title(cell):
    """The first level-1 heading of a markdown cell, or ``None``."""
    return next((h for h in myst.headings(cell.source) if h.level == 1), None)


def titled(nb, framework):
    """The title (the first level-1 heading of the first markdown cell) names
    the framework; so does the notebook's ``title`` metadata."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        heading = _title(cell)
        if heading is not None:
            title = f"{heading.title.strip()}（{framework.label} 版）"
            lines = cell.source.split("\n")
            lines[heading.start:heading.end] = [f"# {title}"]
            cell.source = "\n".join(lines)
            nb.metadata["title"] = title
        return nb
    return nb


def about_cell(nb, glued, claims, framework, setup, solutions):
    """The note below the title: what made the outputs and what that means
    for the reader's run.  ``glued`` are the values the page's run glued,
    ``claims`` the prose's claims it checked."""
    title = nb.metadata.get("title", "").removesuffix(f"（{framework.label} 版）")
    page = f"本书“{title}”一节" if title else "本书这一节"
    cpu, cores = (glued.get(name) for name in MACHINE_VALUES)
    machine = (f"：那台机器的 CPU 是 {cpu}，有 {cores} 个逻辑核心" if cpu and cores else "")
    versions = "；所用的软件版本写在下面第一个代码格里" if setup else ""
    checked = (f"构建时还用这次运行的输出逐一核对了文字中依据这些数字所下的 {claims} 个判断。"
               if claims else "")
    text = (f"> **关于这个 notebook**：这是{page}的 {framework.label} 版。其中的输出来自构建本书时的那次运行"
            f"{machine}{versions}。文字里引用的数字（用时、速度、损失等）都取自这次运行，{checked}"
            "你自己运行时，数字会有所不同，依据计时所下的判断（例如哪种做法更快、哪种先降到某个损失）"
            "也可能不再成立。")
    if solutions:
        text += ("\n>\n> 每道练习的解答都折叠在它的“解答”标题下：在 JupyterLab 或 Jupyter Notebook 7 中，"
                 "点击标题左边的箭头即可展开；“运行全部单元格”照样会运行折叠起来的代码。")
    return nbformat.v4.new_markdown_cell(text)


def insert_after_title(nb, cell):
    """Put ``cell`` right below the title (splitting the title's cell)."""
    for index, first in enumerate(nb.cells):
        if first.cell_type != "markdown":
            continue
        heading = _title(first)
        if heading is None:
            break
        lines = first.source.split("\n")
        rest = "\n".join(lines[heading.end:]).strip()
        first.source = "\n".join(lines[:heading.end])
        tail = copy.deepcopy(first)
        tail.source = rest
        nb.cells[index + 1:index + 1] = [cell] + ([tail] if rest else [])
        return nb
    nb.cells.insert(0, cell)
    return nb
