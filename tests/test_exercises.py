"""Exercise markup on small made-up pages: tasks, solution regions, the course
edition and the coursework notebook.  Nothing executes: the framework
notebooks are split from the source and given outputs by hand."""

import pathlib

import nbformat
import pytest

from book import FRAMEWORKS, MYST_HEADER as HEADER
from pipeline import coursework, editions, errors, exercises, hidden_tests, merge, source, values



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
    code("def check_double(double):\n    assert double(1) == 2\n    ### HIDDEN TESTS\n\n"
         "check_double(double)", "autograder", points=2),
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


def kinds_of(text):
    return [p.kind for p in exercises.pieces(text)]


@pytest.mark.parametrize("opening, closing", [(":::", ":::"), ("~~~", "~~~"), ("::::", "::::"),
                                              ("~~~~", "~~~~")])
def test_colon_and_tilde_fences_are_exercise_directives_too(opening, closing):
    """``_config.yml`` enables colon_fence: MyST renders these as directives."""
    text = (f"before\n\n{opening}{{exercise}}\n:label: ex-c\n\nthe question\n{closing}\n\n"
            f"{opening}{{solution-start}} ex-c\n{closing}\n\n"
            f"{opening}{{task}}\ndo it\n{closing}\n\nworked\n\n"
            f"{opening}{{solution-end}}\n{closing}\nafter")
    found = exercises.pieces(text)
    assert [(p.kind, p.text if p.kind == "text" else p.body) for p in found] == [
        ("text", "before"), ("exercise", "the question"), ("start", ""), ("task", "do it"),
        ("text", "worked"), ("end", ""), ("text", "after")]
    assert exercises.label(found[1]) == "ex-c" and exercises.label(found[2]) == "ex-c"


def test_options_may_be_a_yaml_block():
    text = "```{exercise}\n---\nlabel: ex-yaml\nclass: hard\n---\nthe question\n```"
    (piece,) = exercises.pieces(text)
    assert (piece.kind, piece.body, exercises.label(piece)) == ("exercise", "the question", "ex-yaml")
    assert dict(piece.options) == {"label": "ex-yaml", "class": "hard"}
    colon = exercises.pieces(":::{exercise}\n:label: ex-colon\n:class: hard\n\nq\n:::")[0]
    assert (colon.body, exercises.label(colon)) == ("q", "ex-colon")


@pytest.mark.parametrize("text", [
    "````markdown\n```{task}\nshown, not a task\n```\n````",            # a longer fence
    "~~~markdown\n```{task}\nshown, not a task\n```\n~~~",              # a tilde fence
    "  ```text\n```{task}\nshown, not a task\n  ```",                    # an indented fence
    "<!--\n```{task}\na draft, commented out\n```\n-->",                # an HTML comment
    "    ```{task}\n    indented code\n    ```",                          # indented code
    "1. a step:\n\n   ```{task}\n   in a list\n   ```",                  # inside a list item
])
def test_a_directive_line_inside_code_or_another_block_does_not_split(text):
    found = exercises.pieces("before\n\n" + text + "\n\nafter")
    assert [(p.kind, p.text) for p in found] == [("text", "before\n\n" + text + "\n\nafter")]


def test_nested_directives_stay_inside_their_piece():
    exercise = ("::::{exercise}\n:label: ex-n\n\nthe question\n\n:::{note}\na hint\n:::\n\n"
                "```python\nx = 1\n```\n::::")
    task = "````{task}\ndo this:\n\n```{task}\nnot a second task\n```\n````"
    framework_only = "````{framework-only} mxnet\n```{task}\nnot a task here\n```\n````"
    found = exercises.pieces("\n\n".join([exercise, task, framework_only]))
    assert [p.kind for p in found] == ["exercise", "task", "text"]
    assert found[0].body == "the question\n\n:::{note}\na hint\n:::\n\n```python\nx = 1\n```"
    assert found[1].body == "do this:\n\n```{task}\nnot a second task\n```"
    assert found[2].text == framework_only


def test_a_piece_is_the_exact_source_and_knows_its_line():
    """Editions and notebooks copy ``Piece.text``: byte for byte what the author wrote
    (trailing spaces, option spelling, fence length), without the blank lines around."""
    exercise = "````{exercise}   \n:label:   ex-x  \n\n  the question  \n````  "
    start = "```{solution-start}  ex-x\n:class:dropdown\n```"
    text = f"\n\n  intro  \nline two\n\n\n{exercise}\n{start}\n\nend\n"
    found = exercises.pieces(text)
    assert [p.text for p in found] == ["intro  \nline two", exercise, start, "end"]
    assert [p.line for p in found] == [2, 6, 11, 15]
    assert [p.kind for p in found] == ["text", "exercise", "start", "text"]
    assert (found[1].body, exercises.label(found[1]), found[2].arg) == ("the question", "ex-x", "ex-x")


@pytest.mark.parametrize("broken, message, line", [
    ("```{solution-start} ex\n```\n\nno end", "has no solution-end", 3),
    ("text\n\n```{solution-end}\n```", "without a solution-start", 5),
    ("```{task}\nloose\n```", "task block outside a solution", 3),
    ("```{solution-start} a\n```\n\n```{solution-start} b\n```", "inside the solution of 'a' "
                                                                   r"\(line 3\)", 6),
])
def test_region_errors_name_the_line_when_the_cells_know_theirs(broken, message, line):
    nb = source.read(HEADER + "\n" + broken + "\n")
    for cell in nb.cells:            # as pipeline/source.py records it: the cell's first line
        cell.metadata["source_line"] = 3
    with pytest.raises(errors.BookError, match=rf"^page.md:{line}: .*{message}"):
        list(exercises.walk(nb, "page.md"))


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
    assert answer.source == f"{coursework.ANSWER_HEADING}\n\n分析：翻倍就是乘以 2。\n\n结论：答案是 42。"
    assert text.index(answer.source) > text.index("print(double(21))")


def test_a_reference_answer_says_it_describes_the_books_run():
    """The heading frames the worked answer; it is not the answer itself."""
    assert "本书构建时的那一次运行" in coursework.ANSWER_HEADING
    assert "作业中的数字会与这里不同" in coursework.ANSWER_HEADING
    assert "重要的是" in coursework.ANSWER_HEADING


def cell_with(nb, grade_id):
    return next(c for c in nb.cells if nbgrader(c).get("grade_id") == grade_id)


def test_each_exercise_says_what_it_is_worth_from_its_graded_cells():
    """Below each statement: the points, which cells are graded automatically
    and which by hand, made from the cells' points (one source)."""
    _, framework_nbs = executed(PAGE.replace(":points: 2\n", ":points: 3\n"))
    nb = coursework.instructor_notebook(framework_nbs["pytorch"], FRAMEWORKS.get("pytorch"))
    sources = [c.source for c in nb.cells]
    one, two = cell_with(nb, "ex-one-grading"), cell_with(nb, "ex-two-grading")
    assert sources.index(one.source) == sources.index("**练习 1**：第一题的题目。") + 1
    assert sources.index(two.source) == sources.index("**练习 2**：第二题。") + 1
    assert one.source == ("**评分**：本题共 4 分，自动评分 3 分，手工评分 1 分。\n\n"
                          "* 自动评分：调用 `check_double` 的测试单元格 3 分。"
                          "测试单元格是只读的，可以随时运行，检查你的实现。\n"
                          "* 手工评分：本题最后的结论单元格 1 分。")
    assert two.source == ("**评分**：本题共 1 分，由教师手工评分。\n\n"
                          "* 手工评分：本题最后的结论单元格 1 分。")
    assert nbgrader(one)["locked"] and not nbgrader(one)["grade"]
    assert "全部练习共 5 分：自动评分 3 分，手工评分 2 分。" in nb.cells[0].source
    # the introduction promises no hidden tests when there are none
    assert "隐藏" not in "\n".join(sources)


def test_an_exercise_with_code_but_no_test_says_the_code_counts_through_its_conclusion():
    assert coursework.grading([], 1, True) == (
        "**评分**：本题共 1 分，由教师手工评分。\n\n"
        "* 本题的代码不单独评分，但结论要以它的输出为依据。\n"
        "* 手工评分：本题最后的结论单元格 1 分。")


def hidden_folder(tmp_path, files):
    folder = tmp_path / "hidden"
    (folder / "page").mkdir(parents=True)
    for name, text in files.items():
        (folder / "page" / name).write_text(text, encoding="utf-8")
    return folder


def test_hidden_tests_come_from_their_folder_into_the_instructor_notebook(tmp_path):
    folder = hidden_folder(tmp_path, {"ex-one-check_double.py":
                                      "assert double(3) == 6\n\nfor v in (4, 5):\n    assert double(v) == 2 * v\n"})
    _, framework_nbs = executed()
    nb = coursework.instructor_notebook(framework_nbs["mxnet"], FRAMEWORKS.get("mxnet"),
                                        hidden=hidden_tests.for_page(folder, "page"))
    assert cell_with(nb, "ex-one-check_double").source == (
        "def check_double(double):\n    assert double(1) == 2\n"
        "    ### BEGIN HIDDEN TESTS\n    assert double(3) == 6\n\n"
        "    for v in (4, 5):\n        assert double(v) == 2 * v\n    ### END HIDDEN TESTS\n\n"
        "check_double(double)")
    assert "调用 `check_double` 的测试单元格 2 分（另有隐藏测试）" in cell_with(nb, "ex-one-grading").source
    assert coursework.HIDDEN_NOTE in nb.cells[0].source


def test_without_the_folder_the_test_cells_keep_their_visible_tests():
    _, framework_nbs = executed()
    nb = coursework.instructor_notebook(framework_nbs["mxnet"], FRAMEWORKS.get("mxnet"),
                                        hidden=hidden_tests.for_page(pathlib.Path("/nonexistent"), "page"))
    assert cell_with(nb, "ex-one-check_double").source == (
        "def check_double(double):\n    assert double(1) == 2\n\ncheck_double(double)")
    assert "隐藏" not in "\n".join(c.source for c in nb.cells)


def test_hidden_tests_that_are_missing_or_unused_or_in_the_page_are_errors(tmp_path):
    _, framework_nbs = executed()
    empty = hidden_tests.for_page(hidden_folder(tmp_path, {}), "page")
    with pytest.raises(errors.BookError, match=r"'ex-one-check_double' has a `### HIDDEN TESTS` "
                                               r"line, and .*hidden/page/ex-one-check_double.py "
                                               r"does not exist"):
        coursework.instructor_notebook(framework_nbs["mxnet"], FRAMEWORKS.get("mxnet"), hidden=empty)
    stray = hidden_tests.for_page(hidden_folder(tmp_path / "b", {"ex-one-check_triple.py": "pass\n"}), "page")
    nb = source.read(PAGE)
    ids = coursework.hidden_test_ids(nb, FRAMEWORKS)
    assert ids == {"ex-one-check_double"}
    with pytest.raises(errors.BookError, match=r"no test cell of the page takes: .*ex-one-check_triple.py"):
        hidden_tests.check_all_used(stray, ids)
    inline = PAGE.replace("    ### HIDDEN TESTS\n", "    ### BEGIN HIDDEN TESTS\n    assert double(3) == 6\n"
                                                  "    ### END HIDDEN TESTS\n")
    _, framework_nbs = executed(inline)
    with pytest.raises(errors.BookError, match="holds its hidden tests in the page, which is public"):
        coursework.instructor_notebook(framework_nbs["mxnet"], FRAMEWORKS.get("mxnet"))


def test_the_configuration_names_the_folder(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    assert hidden_tests.configured_folder(tmp_path) is None
    (tmp_path / "_config.yml").write_text("coursework:\n  hidden_tests: private/tests\n",
                                          encoding="utf-8")
    assert hidden_tests.configured_folder(tmp_path) == (tmp_path / "private" / "tests").resolve()
    (tmp_path / "_config.yml").write_text("coursework:\n  hidden_tests: /srv/course/hidden\n",
                                          encoding="utf-8")
    assert hidden_tests.configured_folder(tmp_path) == pathlib.Path("/srv/course/hidden")


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
