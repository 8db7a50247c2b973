"""Coursework: one framework's notebook of a page → an nbgrader instructor notebook.

The notebook holds, in order:

* a title and what to do (for students);
* the setup cell of the downloadable notebooks (installs d2lshim where it
  is missing) and the page's code cells tagged ``coursework``: the
  definitions the exercises use.  The main text's prose and experiments stay
  in the book, which keeps a submission quick to grade;
* every exercise: its statement, then its solution region (see
  :mod:`pipeline.exercises`) as nbgrader cells —

  - a ``{task}`` block: the instruction, read-only;
  - a code cell with ``### BEGIN SOLUTION`` … ``### END SOLUTION``: an
    answer cell; students get a stub in place of each marked part, and keep
    the rest (signatures, docstrings, what to print);
  - any other code cell: given as it is;
  - an ``autograder`` cell: a test worth its ``points`` (cell metadata,
    ``:points: 2`` in the source); ``### BEGIN HIDDEN TESTS`` parts never
    reach students;
  - the rest of the solution's prose: the worked answer, in one manually
    graded answer cell at the end of the solution, worth
    :data:`ANSWER_POINTS`.

The book's hidden cells (tag ``book``) are left out.  Grade ids name the
exercise: ``<label>-answer``, ``<label>-code<k>``, ``<label>-<check function>``.
The student version is made from this notebook by ``nbgrader
generate_assignment`` (``tools/assignments.py``).
"""

from __future__ import annotations

import copy
import re

import nbformat

from . import exercises, export, source, values
from .errors import BookError
from .myst_to_markdown import convert_notebook

#: Tag of the page's code cells that the exercises need (readers' notebooks drop it).
TAG = export.AUTHORING_TAGS[0]

#: Points of each exercise's written answer (graded by hand).
ANSWER_POINTS = 1

SOLUTION_MARKER = re.compile(r"^\s*### BEGIN SOLUTION\s*$", re.M)
DEFINITION = re.compile(r"^def (\w+)\(", re.M)

INTRODUCTION = """\
# {title}：练习（{label}）

这份作业由本书《{title}》一节的练习组成。先读完这一节，再从头到尾运行这个 notebook。

* “准备”部分的代码取自正文，定义了练习要用到的数据、优化算法和训练函数：直接运行，不要修改。
* 每道练习先说明要做什么。代码中写着 `raise NotImplementedError()` 的地方由你来实现或补全；\
函数的签名和文档字符串都已给出。
* 每道练习的最后一个单元格留给你的结论：根据你的实验输出，回答练习提出的问题。
* 调用 `check_…` 的单元格是自动评分的测试，可以随时运行，检查你的实现；评分时还会运行更多的测试。"""


def _nbgrader(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "task": False,
            "grade_id": grade_id, "schema_version": 3}
    if grade:
        meta["points"] = points
    return meta


def _read_only(cell, grade_id):
    cell.metadata["nbgrader"] = _nbgrader(grade_id, locked=True)
    return cell


def _points(cell, label, path):
    points = cell.metadata.get("points")
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
        raise BookError(f"an autograder cell of {label!r} has no positive `points` "
                        f"(write `:points: 1` under its tags)", path=path,
                        line=cell.metadata.get("source_line"))
    return points


def _title(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "本节"


def instructor_notebook(nb_framework, framework, *, bibliography=None, install_from=None,
                        page=None):
    """The nbgrader instructor notebook of an executed framework notebook.

    ``nb_framework`` supplies the values quoted in the prose (its outputs are
    not kept); ``install_from`` is where the setup cell installs d2lshim
    from (see :func:`pipeline.export.install_source`).
    """
    path = page.path if page is not None else None
    glued = values.collect(nb_framework)

    def prose(text):
        return values.for_framework(text, glued, page, framework)

    title = _title(nb_framework)
    intro = [_read_only(nbformat.v4.new_markdown_cell(
        INTRODUCTION.format(title=prose(title), label=framework.label)), "introduction")]
    setup = export.setup_cell(framework, install_from)
    preparation = [_read_only(nbformat.v4.new_markdown_cell("## 准备"), "preparation")]
    if setup is not None:
        preparation.append(_read_only(setup, "setup"))
    work = [_read_only(nbformat.v4.new_markdown_cell("## 练习"), "exercises")]
    answers, numbers = [], {}

    def number(kind, label):
        numbers[kind, label] = numbers.get((kind, label), 0) + 1
        return numbers[kind, label]

    for part in exercises.walk(nb_framework, path):
        cell, label = part.cell, part.region
        if part.piece is None:
            tags = cell.metadata.get("tags", [])
            if source.BOOK in tags:
                continue
            if label is None:
                if source.AUTOGRADER in tags:
                    raise BookError("an autograder cell outside a solution: tests belong to an "
                                    "exercise", path=path, line=cell.metadata.get("source_line"))
                if TAG in tags:
                    preparation.append(_read_only(nbformat.v4.new_code_cell(cell.source),
                                                  f"preparation-{len(preparation)}"))
                continue
            new = nbformat.v4.new_code_cell(cell.source)
            if source.AUTOGRADER in tags:
                defined = DEFINITION.findall(cell.source)
                name = defined[-1] if defined else f"test{number('test', label)}"
                new.metadata["nbgrader"] = _nbgrader(f"{label}-{name}", grade=True, locked=True,
                                                     points=_points(cell, label, path))
            elif SOLUTION_MARKER.search(cell.source):
                new.metadata["nbgrader"] = _nbgrader(f"{label}-code{number('code', label)}",
                                                     solution=True)
            work.append(new)
            continue
        piece = part.piece
        if piece.kind == "exercise":
            work.append(_read_only(nbformat.v4.new_markdown_cell(prose(piece.text)),
                                   f"{exercises.label(piece) or len(work)}-statement"))
        elif piece.kind == "task":
            work.append(_read_only(nbformat.v4.new_markdown_cell(prose(piece.body)),
                                   f"{label}-task{number('task', label)}"))
        elif piece.kind == "start":
            answers = []
        elif piece.kind == "text" and label is not None:
            answers.append(prose(piece.text))
        elif piece.kind == "end" and answers:
            work.append(_answer_cell("\n\n".join(answers), label))
        elif piece.kind == "solution":
            work.append(_answer_cell(prose(piece.body), exercises.label(piece) or f"solution{len(work)}"))

    nb = copy.deepcopy(nb_framework)
    nb.cells = intro + preparation + work
    # the student's own Python kernel (nbgrader grades in the framework's: see tools/assignments.py)
    nb.metadata["kernelspec"] = dict(source.KERNELSPEC)
    tag = nb.metadata.pop("framework", None)
    graded = _graded_ids(nb)
    nb = convert_notebook(nb, bibliography, framework=tag)
    lost = graded - _graded_ids(nb)
    if lost:
        raise BookError(f"the answers {sorted(lost)} are empty in the {framework.label} "
                        f"notebook: an answer needs prose for every framework", path=path)
    return source.renumber_cells(nb)


def _answer_cell(text, label):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["nbgrader"] = _nbgrader(f"{label}-answer", grade=True, solution=True,
                                          points=ANSWER_POINTS)
    return cell


def _graded_ids(nb):
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def graded_cells(nb):
    """``{grade_id: points}`` of an instructor notebook's graded cells."""
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
