"""Exercise markup on small made-up pages: tasks, solution regions, the course
edition and the coursework notebook.  Nothing executes: the framework
notebooks are split from the source and given outputs by hand."""

import nbformat
import pytest

from book import FRAMEWORKS
from pipeline import coursework, editions, errors, exercises, merge, source, values

HEADER = """---
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


def code(text, *tags, points=None):
    options = f":tags: [{', '.join(tags)}]\n" if tags else ""
    options += f":points: {points}\n" if points is not None else ""
    return f"```{{code-cell}} ipython3\n{options}{chr(10) if options else ''}{text}\n```\n"


def group(text, *tags):
    return "".join(code(text.format(fw=fw.tag), fw.tag, *tags) for fw in FRAMEWORKS)


PAGE = "\n".join([
    HEADER,
    "# 一节\n",
    "正文的第一段。\n",
    group("x = '{fw}'", "coursework"),
    "正文引用一个值：{value}`speed:.1f`。\n",
    code("d2l_glue('speed', 2.0)", "book"),
    code("main_experiment = 1"),
    "## 练习\n",
    "```{exercise}\n:label: ex-one\n\n第一题的题目。\n```\n",
    "```{solution-start} ex-one\n:class: dropdown\n```\n",
    "```{task}\n实现 `double`，再打印结果。\n```\n",
    "分析：翻倍就是乘以 2。\n",
    code("def double(v):\n    \"\"\"v 的两倍。\"\"\"\n    ### BEGIN SOLUTION\n    return 2 * v\n"
         "    ### END SOLUTION"),
    code("def check_double(double):\n    assert double(1) == 2\n    ### BEGIN HIDDEN TESTS\n"
         "    assert double(3) == 6\n    ### END HIDDEN TESTS\n\ncheck_double(double)",
         "autograder", points=2),
    code("print(double(21))"),
    code("d2l_glue('secret', 42)", "book"),
    "结论：答案是 {value}`secret`。\n",
    "```{solution-end}\n```\n",
    "```{exercise}\n:label: ex-two\n\n第二题。\n```\n",
    "```{solution-start} ex-two\n:class: dropdown\n```\n",
    "第二题的解答。\n",
    "```{solution-end}\n```\n",
    "## 参考文献\n",
])

VALUES = {"speed": 2.0, "secret": 42}


def executed(text=PAGE, glued=VALUES):
    """The page's framework notebooks, as if executed: book cells carry their glue records."""
    nb = source.read(text)
    result = {}
    for fw in FRAMEWORKS:
        split = source.split(nb, fw, FRAMEWORKS)
        for cell in split.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            for name in glued:
                if f"d2l_glue('{name}'" in cell.source:
                    cell.outputs = [nbformat.v4.new_output(
                        "display_data", data={values.VALUE_MIME: {"name": name, "value": glued[name]},
                                              "text/plain": ""})]
            if cell.source.startswith("print("):
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
        result[fw.tag] = split
    return nb, result


def test_pieces_split_at_structure_directives_only():
    text = ("before\n\n```{exercise}\n:label: ex\n\nquestion\n```\n\n"
            "````{task}\ndo this:\n```python\nx = 1\n```\n````\n\n"
            "```{framework-only} mxnet\nmxnet only\n```\n\n```python\n```{task}\n```\nafter")
    kinds = [(p.kind, p.body or p.text) for p in exercises.pieces(text)]
    assert kinds[0] == ("text", "before")
    assert kinds[1] == ("exercise", "question")
    assert kinds[2] == ("task", "do this:\n```python\nx = 1\n```")
    # another directive and a code block (even one showing task markup) are plain text
    assert kinds[3][0] == "text" and "mxnet only" in kinds[3][1] and "after" in kinds[3][1]
    assert len(kinds) == 4


@pytest.mark.parametrize("broken, message", [
    ("```{solution-start} ex\n```\n\nno end", "has no solution-end"),
    ("```{solution-end}\n```", "without a solution-start"),
    ("```{task}\nloose\n```", "task block outside a solution"),
    ("```{solution-start} a\n```\n\n```{solution-start} b\n```", "inside the solution of 'a'"),
    ("```{solution-start}\n```\n\n```{solution-end}\n```", "needs the exercise's label"),
])
def test_malformed_regions_are_errors(broken, message):
    nb = source.read(HEADER + "\n" + broken + "\n")
    with pytest.raises(errors.BookError, match=message):
        list(exercises.walk(nb))


def test_course_edition_drops_every_solution_and_keeps_the_rest():
    nb, framework_nbs = executed()
    kept, kept_executed = editions.course(nb, framework_nbs)
    for notebook in (kept, *kept_executed.values()):
        text = "\n".join(c.source for c in notebook.cells)
        assert "正文的第一段。" in text and "main_experiment" in text
        assert "第一题的题目。" in text and "第二题。" in text and "## 参考文献" in text
        assert text.count(editions.NOTE) == 2
        for solution in ("实现 `double`", "分析", "def double", "check_double", "print(double",
                         "secret", "第二题的解答", "solution-start", "solution-end"):
            assert solution not in text, solution
    # merged by the cells' indices in the full source: outputs stay on their cells
    merged = merge.merge(kept, kept_executed, FRAMEWORKS)
    sources = {c.source for c in merged.cells if c.cell_type == "code"}
    assert {f"x = '{fw.tag}'" for fw in FRAMEWORKS} <= sources
    assert any("{framework-value}`" in c.source for c in merged.cells if c.cell_type == "markdown")
    assert editions.for_edition("full", nb, framework_nbs) == (nb, framework_nbs)


def test_course_edition_refuses_prose_that_quotes_a_solution_value():
    text = PAGE.replace("正文的第一段。", "正文偷看了 {value}`secret`。")
    nb, framework_nbs = executed(text)
    page = source.Page("page", __import__("pathlib").Path("page.md"), text)
    line = text.splitlines().index("正文偷看了 {value}`secret`。") + 1
    with pytest.raises(errors.BookError, match=rf"page.md:{line}: .*quotes \{{value\}}`secret`, "
                                               r"which only a solution"):
        editions.course(nb, framework_nbs, page)


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def test_coursework_keeps_tasks_and_grades_every_graded_cell():
    _, framework_nbs = executed()
    nb = coursework.instructor_notebook(framework_nbs["pytorch"], FRAMEWORKS.get("pytorch"))
    text = [c.source for c in nb.cells]
    joined = "\n".join(text)
    # the definitions the exercises need, and no other main-text code or prose
    assert "x = 'pytorch'" in text and "main_experiment" not in joined
    assert "正文的第一段。" not in joined and "d2l_glue" not in joined
    # statements and tasks stay, read-only
    task = next(c for c in nb.cells if c.source == "实现 `double`，再打印结果。")
    assert nbgrader(task)["locked"] and not nbgrader(task)["solution"]
    assert "**练习 1**：第一题的题目。" in text and "**练习 2**：第二题。" in text
    # code: marked parts are solutions, unmarked code is given, tests carry their points
    double = next(c for c in nb.cells if "def double" in c.source)
    assert nbgrader(double) | {"grade_id": None} == {
        "grade": False, "solution": True, "locked": False, "task": False, "grade_id": None,
        "schema_version": 3}
    assert "nbgrader" not in next(c for c in nb.cells if c.source == "print(double(21))").metadata
    # one answer per exercise, after its code, holding all of the answer's prose
    assert coursework.graded_cells(nb) == {"ex-one-check_double": 2, "ex-one-answer": 1,
                                          "ex-two-answer": 1}
    answer = next(c for c in nb.cells if nbgrader(c).get("grade_id") == "ex-one-answer")
    assert answer.source == "分析：翻倍就是乘以 2。\n\n结论：答案是 42。"
    assert text.index(answer.source) > text.index("print(double(21))")


def test_a_test_without_points_is_an_error():
    _, framework_nbs = executed(PAGE.replace(":points: 2\n", ""))
    with pytest.raises(errors.BookError, match="ex-one.*no positive `points`"):
        coursework.instructor_notebook(framework_nbs["mxnet"], FRAMEWORKS.get("mxnet"))


def test_a_hidden_framework_cell_never_reaches_a_tab():
    """Framework-specific tests (tag autograder) in a tab group: the tab shows the rest."""
    text = "\n".join([HEADER, "# T\n", group("shown = '{fw}'"),
                      group("assert secret_check('{fw}')", "autograder"), "end\n"])
    nb, framework_nbs = executed(text, {})
    merged = merge.merge(nb, framework_nbs, FRAMEWORKS)
    sources = [c.source for c in merged.cells]
    assert not [s for s in sources if "secret_check" in s]
    assert {f"shown = '{fw.tag}'" for fw in FRAMEWORKS} <= set(sources)
    assert sum("{tab-set}" in s for s in sources) == 1
