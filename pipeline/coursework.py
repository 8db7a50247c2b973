"""Coursework: one framework's notebook of a page → an nbgrader instructor notebook.

The notebook holds, in order:

* a title and what to do (for students);
* the setup cell of the downloadable notebooks (installs d2lshim where it
  is missing) and the page's code cells tagged ``coursework``: the
  definitions the exercises use.  The main text's prose and experiments stay
  in the book, which keeps a submission quick to grade;
* every exercise: its statement, what it is worth and how it is graded
  (made from its graded cells: one source for the points), then its
  solution region (see :mod:`pipeline.exercises`) as nbgrader cells —

  - a ``{task}`` block: the instruction, read-only;
  - a code cell with ``### BEGIN SOLUTION`` … ``### END SOLUTION``: an
    answer cell; students get a stub in place of each marked part, and keep
    the rest (signatures, docstrings, what to print);
  - any other code cell: given as it is;
  - an ``autograder`` cell: a test worth its ``points`` (cell metadata,
    ``:points: 2`` in the source); its hidden tests come from the private
    folder (:mod:`pipeline.hidden_tests`) between nbgrader's markers, which
    never reach students;
  - the rest of the solution's prose: the worked answer, in one manually
    graded answer cell at the end of the solution, worth
    :data:`ANSWER_POINTS`, headed by :data:`ANSWER_HEADING` (it describes
    the book's run, not the student's).

The book's hidden cells (tag ``book``) are left out.  Grade ids name the
exercise: ``<label>-answer``, ``<label>-code<k>``, ``<label>-<check function>``.
The student version is made from this notebook by ``nbgrader
generate_assignment`` (``tools/assignments.py``).
"""

from __future__ import annotations

import copy
import re

import nbformat

from . import exercises, export, hidden_tests, myst, source, values
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
* 每道练习先给出题目，再写明它的分值和评分方式，然后说明要做什么。代码中写着 \
`raise NotImplementedError()` 的地方由你来实现或补全：要你实现的函数都给出了签名和文档字符串；\
测试和后面的代码要用到的变量和返回值，任务说明中写明了名字和形式。
* 每道练习的最后一个单元格留给你的结论：依据你自己的实验输出，回答任务说明中要求结论回答的各点。
* 调用 `check_…` 的单元格是自动评分的测试，可以随时运行，检查你的实现{hidden}。

全部练习共 {total} 分：自动评分 {auto} 分，手工评分 {manual} 分。"""

#: What the introduction says when some test cells have hidden tests.
HIDDEN_NOTE = "；评分时，其中注明了“另有隐藏测试”的单元格还会运行你看不到的测试"

#: Heads the worked answer in the instructor's answer cell: it is the book's run.
ANSWER_HEADING = ("**参考答案**：下面描述的是本书构建时的那一次运行。作业中的数字会与这里不同："
                  "用时取决于机器和它当时的负载，损失取决于随机的初始参数和抽样。"
                  "重要的是结论以作业自己的输出为依据，并回答了任务说明中要求结论回答的各点，"
                  "而不是数字与这里相同。")


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
    """The page's title: its first level-1 heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for heading in myst.headings(cell.source):
                if heading.level == 1:
                    return heading.title
    return "本节"


def autograder_cells(nb_framework, path=None):
    """``(cell, grade id)`` of every ``autograder`` cell of a framework notebook,
    in order; the grade id is ``<label>-<last function it defines>``, or
    ``<label>-test<k>`` for a cell that defines none."""
    numbers = {}
    for part in exercises.walk(nb_framework, path):
        cell = part.cell
        if part.piece is not None or source.AUTOGRADER not in cell.metadata.get("tags", []):
            continue
        if part.region is None:
            raise BookError("an autograder cell outside a solution: tests belong to an "
                            "exercise", path=path, line=cell.metadata.get("source_line"))
        defined = DEFINITION.findall(cell.source)
        if defined:
            name = defined[-1]
        else:
            numbers[part.region] = numbers.get(part.region, 0) + 1
            name = f"test{numbers[part.region]}"
        yield cell, f"{part.region}-{name}"


def hidden_test_ids(nb, frameworks, path=None):
    """Grade ids of the test cells of a page (its source notebook, every
    framework's cells) that have a ``### HIDDEN TESTS`` line."""
    return {grade_id for framework in frameworks
            for cell, grade_id in autograder_cells(source.split(nb, framework, frameworks), path)
            if hidden_tests.PLACEHOLDER.search(cell.source)}


def instructor_notebook(nb_framework, framework, *, bibliography=None, install_from=None,
                        page=None, hidden=None):
    """The nbgrader instructor notebook of an executed framework notebook.

    ``nb_framework`` supplies the values quoted in the prose (its outputs are
    not kept); ``install_from`` is where the setup cell installs d2lshim
    from (see :func:`pipeline.export.install_source`); ``hidden`` the page's
    hidden tests (:func:`pipeline.hidden_tests.for_page`), ``None`` when they
    are not at hand: the test cells then keep their visible tests only.
    """
    path = page.path if page is not None else None
    glued = values.collect(nb_framework)

    def prose(text):
        return values.for_framework(text, glued, page, framework)

    title = _title(nb_framework)
    setup = export.setup_cell(framework, install_from)
    preparation = [_read_only(nbformat.v4.new_markdown_cell("## 准备"), "preparation")]
    if setup is not None:
        preparation.append(_read_only(setup, "setup"))
    work = [_read_only(nbformat.v4.new_markdown_cell("## 练习"), "exercises")]
    answers, numbers = [], {}
    grade_ids = {id(cell): grade_id for cell, grade_id in autograder_cells(nb_framework, path)}
    # per exercise: where its statement is, its tests (function, points, hidden?),
    # its answer's points and whether it has code to write
    statements, tests, answer_points, code = {}, {}, {}, set()

    def number(kind, label):
        numbers[kind, label] = numbers.get((kind, label), 0) + 1
        return numbers[kind, label]

    def answer(text, label, line):
        work.append(_at(_answer_cell(text, label), line))
        answer_points[label] = ANSWER_POINTS

    for part in exercises.walk(nb_framework, path):
        cell, label = part.cell, part.region
        if part.piece is None:
            tags = cell.metadata.get("tags", [])
            if source.BOOK in tags:
                continue
            if label is None:
                if TAG in tags:
                    preparation.append(_read_only(nbformat.v4.new_code_cell(cell.source),
                                                  f"preparation-{len(preparation)}"))
                continue
            line = cell.metadata.get("source_line")
            if source.AUTOGRADER in tags:
                grade_id = grade_ids[id(cell)]
                hidden_tests.check_not_inline(cell.source, grade_id, path, line)
                merged = hidden_tests.merge(cell.source, grade_id, hidden, path, line)
                new = nbformat.v4.new_code_cell(merged)
                points = _points(cell, label, path)
                new.metadata["nbgrader"] = _nbgrader(grade_id, grade=True, locked=True,
                                                     points=points)
                tests.setdefault(label, []).append(
                    (grade_id[len(label) + 1:], points, "### BEGIN HIDDEN TESTS" in merged))
            else:
                new = nbformat.v4.new_code_cell(cell.source)
                if SOLUTION_MARKER.search(cell.source):
                    new.metadata["nbgrader"] = _nbgrader(f"{label}-code{number('code', label)}",
                                                         solution=True)
                    code.add(label)
            work.append(new)
            continue
        piece = part.piece
        if piece.kind == "exercise":
            work.append(_at(_read_only(nbformat.v4.new_markdown_cell(prose(piece.text)),
                                       f"{exercises.label(piece) or len(work)}-statement"),
                            exercises.source_line(cell, piece)))
            statements[exercises.label(piece)] = len(work)
        elif piece.kind == "task":
            work.append(_at(_read_only(nbformat.v4.new_markdown_cell(prose(piece.body)),
                                       f"{label}-task{number('task', label)}"),
                            exercises.source_line(cell, piece, body=True)))
        elif piece.kind == "start":
            answers = []
        elif piece.kind == "text" and label is not None:
            answers.append((prose(piece.text), exercises.source_line(cell, piece)))
        elif piece.kind == "end" and answers:
            answer("\n\n".join(text for text, _ in answers), label, answers[0][1])
        elif piece.kind == "solution":
            answer(prose(piece.body), exercises.label(piece) or f"solution{len(work)}",
                   exercises.source_line(cell, piece, body=True))

    # each exercise's points, right below its statement (from the back: indices stay valid)
    for label, index in sorted(statements.items(), key=lambda item: -item[1]):
        text = grading(tests.get(label, []), answer_points.get(label, 0), label in code)
        work.insert(index, _read_only(nbformat.v4.new_markdown_cell(text), f"{label}-grading"))
    auto = sum(p for found in tests.values() for _, p, _ in found)
    manual = sum(answer_points.values())
    hidden_note = HIDDEN_NOTE if any(h for found in tests.values() for _, _, h in found) else ""
    intro = [_read_only(nbformat.v4.new_markdown_cell(INTRODUCTION.format(
        title=prose(title), label=framework.label, hidden=hidden_note, total=_number(auto + manual),
        auto=_number(auto), manual=_number(manual))), "introduction")]

    nb = copy.deepcopy(nb_framework)
    nb.cells = intro + preparation + work
    # the student's own Python kernel (nbgrader grades in the framework's: see tools/assignments.py)
    nb.metadata["kernelspec"] = dict(source.KERNELSPEC)
    tag = nb.metadata.pop("framework", None)
    graded = _graded_ids(nb)
    nb = convert_notebook(nb, bibliography, framework=tag, path=path)
    for cell in nb.cells:           # the lines served the conversion's errors
        cell.metadata.pop("source_line", None)
    lost = graded - _graded_ids(nb)
    if lost:
        raise BookError(f"the answers {sorted(lost)} are empty in the {framework.label} "
                        f"notebook: an answer needs prose for every framework", path=path)
    for cell in nb.cells:       # after the check above: the heading alone is no answer
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-answer"):
            cell.source = f"{ANSWER_HEADING}\n\n{cell.source}"
    return source.renumber_cells(nb)


def _number(points):
    return f"{points:g}"


def grading(tests, answer_points, has_code):
    """What an exercise is worth and how it is graded, for the students.

    ``tests``: ``(check function, points, has hidden tests)`` of its test
    cells; ``answer_points``: its written conclusion's; ``has_code``: whether
    it has code to write.
    """
    auto = sum(points for _, points, _ in tests)
    total = auto + answer_points
    if not total:
        return "**评分**：本题不计分。"
    if tests and answer_points:
        head = (f"**评分**：本题共 {_number(total)} 分，自动评分 {_number(auto)} 分，"
                f"手工评分 {_number(answer_points)} 分。")
    elif tests:
        head = f"**评分**：本题共 {_number(total)} 分，全部自动评分。"
    else:
        head = f"**评分**：本题共 {_number(total)} 分，由教师手工评分。"
    items = []
    if tests:
        cells = "；".join(f"调用 `{function}` 的测试单元格 {_number(points)} 分"
                         + ("（另有隐藏测试）" if hidden else "")
                         for function, points, hidden in tests)
        items.append(f"* 自动评分：{cells}。测试单元格是只读的，可以随时运行，检查你的实现。")
        if any(hidden for _, _, hidden in tests):
            items.append("* 注明“另有隐藏测试”的单元格，评分时还会运行你看不到的测试："
                         "通过可见的测试，不等于拿到这一格的分数。")
    elif has_code:
        items.append("* 本题的代码不单独评分，但结论要以它的输出为依据。")
    if answer_points:
        items.append(f"* 手工评分：本题最后的结论单元格 {_number(answer_points)} 分。")
    return "\n".join([head, "", *items])


def _at(cell, line):
    """``cell`` with the page's line its text comes from, for the conversion's errors."""
    if line is not None:
        cell.metadata["source_line"] = line
    return cell


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
