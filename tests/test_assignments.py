"""`make assignments`: nbgrader coursework, graded by nbgrader itself.

For every framework, `nbgrader autograde` grades these submissions:

* the instructor version: every autograded point;
* the untouched student version: none, and it runs cleanly up to its first stub;
* alternative correct solutions, written differently from the instructor's
  (``tests/submissions.py``): every point;
* typical wrong solutions: exactly the tests of what they get wrong fail.

The student version keeps every exercise, every task and every skeleton,
and holds no solution and no hidden test; it says what each exercise is
worth, which cells are graded how, and (in the tasks) the names and forms the
tests and the given code expect.  The hidden tests come from their folder
(``coursework: hidden_tests:``, ``pipeline/hidden_tests.py``); without it
``make assignments`` says so.
"""

import ast
import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from book import CHAPTER, CHAPTER_PAGE, FRAMEWORKS, ROOT, shown
from pipeline import coursework, exercises, hidden_tests, source
from submissions import ALTERNATIVE, WRONG, answer_source

import assignments

AUTOGRADED_POINTS = 6      # decay 2, sampling 1 + 1, duplication 1 + 1
ANSWERS = 4                # one written conclusion per exercise
SUBMISSIONS = ("instructor", "student", *ALTERNATIVE, *WRONG)
STUB = "raise NotImplementedError()"
SOLUTION_MARKER = re.compile(r"^\s*### BEGIN SOLUTION\s*$", re.M)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def grade_id_defining(nb, function):
    found = [nbgrader_meta(c)["grade_id"] for c in nb.cells
             if nbgrader_meta(c).get("solution") and f"def {function}(" in c.source]
    assert len(found) == 1, (function, found)
    return found[0]


def submission(release, instructor, answers):
    """The student version with ``answers`` (tests/submissions.py) filled in."""
    nb = nbformat.from_dict(release)
    for answer in answers:
        grade_id = grade_id_defining(instructor, answer.function)
        given = next(c for c in instructor.cells if nbgrader_meta(c).get("grade_id") == grade_id)
        cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
        cell.source = answer_source(answer, source.without_grader_markers(given.source) + "\n")
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"), "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    filled = {**ALTERNATIVE, **{name: answers for name, (answers, _) in WRONG.items()}}
    for framework in FRAMEWORKS.tags:
        name = assignments.assignment_name(framework)
        instructor, release = (notebook(out, version, framework) for version in ("source", "release"))
        versions = {"instructor": instructor, "student": release,
                    **{student: submission(release, instructor, answers[framework])
                       for student, answers in filled.items()}}
        for student, nb in versions.items():
            target = out / "submitted" / student / name
            target.mkdir(parents=True)
            nbformat.write(nb, target / f"{name}.ipynb")
        command, env = assignments.nbgrader_command("autograde", name, "--force",
                                                    framework=framework)
        start = time.perf_counter()
        graded = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True)
        assert graded.returncode == 0, graded.stderr[-3000:]
        print(f"autograde {name}: {len(versions)} submissions in "
              f"{time.perf_counter() - start:.0f} s")
    return out


def notebook(course, version, framework):
    name = assignments.assignment_name(framework)
    return nbformat.read(course / version / name / f"{name}.ipynb", as_version=4)


def all_source(nb):
    return "\n".join(c.source for c in nb.cells)


def chapter_pieces():
    nb = source.read(CHAPTER.read_text(encoding="utf-8"))
    return [part for part in exercises.walk(nb)]


def test_the_chapter_marks_its_tasks_and_answers():
    """Every solution has a task and an answer: the coursework can be made of it."""
    parts = chapter_pieces()
    labels = {p.region for p in parts if p.region}
    assert len(labels) == ANSWERS
    for label in labels:
        kinds = [p.piece.kind for p in parts if p.region == label and p.piece]
        assert "task" in kinds and "text" in kinds, label


def framework_regions(framework):
    """``{label: [parts]}`` of the solution regions of one framework's notebook."""
    nb = source.split(source.read(CHAPTER.read_text(encoding="utf-8")), FRAMEWORKS.get(framework),
                      FRAMEWORKS)
    regions = {}
    for part in exercises.walk(nb):
        if part.region is not None:
            regions.setdefault(part.region, []).append(part)
    return regions


def solution_lines(code):
    """Line numbers (1-based) inside the ``### BEGIN/END SOLUTION`` regions of ``code``."""
    inside, lines = False, set()
    for number, line in enumerate(code.splitlines(), 1):
        if line.strip() == "### BEGIN SOLUTION":
            inside = True
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif inside:
            lines.add(number)
    return lines


class _ModuleLevel(ast.NodeVisitor):
    """The names a cell binds (or changes by item or attribute) and reads at
    module level, with their lines: function and class bodies and
    comprehensions have scopes of their own."""

    def __init__(self):
        self.stored, self.loaded = [], []

    def visit_FunctionDef(self, node):
        for decorator in node.decorator_list:
            self.visit(decorator)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def visit_ListComp(self, node):
        # the first iterable is evaluated in the cell's scope; the rest reads the
        # cell's names too, except those the comprehension binds itself
        self.visit(node.generators[0].iter)
        inner = _ModuleLevel()
        for part in [getattr(node, "elt", None), getattr(node, "key", None),
                     getattr(node, "value", None), *node.generators[1:],
                     *(test for generator in node.generators for test in generator.ifs)]:
            if part is not None:
                inner.visit(part)
        own = {target.id for generator in node.generators
               for target in ast.walk(generator.target) if isinstance(target, ast.Name)}
        own |= {name for name, _ in inner.stored}
        self.loaded += [(name, line) for name, line in inner.loaded if name not in own]

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_Name(self, node):
        (self.stored if isinstance(node.ctx, ast.Store) else self.loaded).append((node.id, node.lineno))

    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
            self.stored.append((node.value.id, node.lineno))     # grid[key] = … changes grid
        self.generic_visit(node)


def names_the_given_code_reads(parts):
    """Names that a solution binds and the given code of the exercise reads
    afterwards (and does not bind again first): a student must produce
    exactly these, so the task has to name them."""
    expected, produced, rebound = set(), set(), set()
    for part in parts:
        if part.piece is not None or "book" in part.cell.metadata.get("tags", []):
            continue
        code = part.cell.source
        solution = solution_lines(code)
        names = _ModuleLevel()
        names.visit(ast.parse(code))
        events = sorted([(line, 0, name, "store") for name, line in names.stored] +
                        [(line, 1, name, "load") for name, line in names.loaded])
        for line, _, name, kind in events:
            if kind == "store" and line in solution:
                produced.add(name)
                rebound.discard(name)
            elif kind == "store":
                rebound.add(name)
            elif name in produced and name not in rebound and line not in solution:
                expected.add(name)
    return expected


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_tasks_name_what_the_given_code_and_the_tests_read(framework):
    """A student must not guess names from print code: every name a solution
    produces for the given code (``grid``, ``finals``, ``gd_dup`` …) is named
    in a task of its exercise."""
    regions = framework_regions(framework)
    found = {}
    for label, parts in regions.items():
        tasks = "\n".join(p.piece.body for p in parts if p.piece and p.piece.kind == "task")
        names = names_the_given_code_reads(parts)
        found[label] = names
        missing = sorted(name for name in names if not re.search(rf"`{re.escape(name)}\b", tasks))
        assert missing == [], f"{label}: the tasks do not name {missing}"
    # what the check looks for exists: the exercises' experiments hand their results on
    assert found["ex-batch-lr"] == {"grid"}
    assert found["ex-lr-decay"] == {"rates", "decay_losses", "constant_losses"}
    assert found["ex-replacement"] == {"finals"}
    assert found["ex-duplicated"] == {"gd_orig", "gd_dup", "mini_orig", "mini_dup"}


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_every_function_to_write_has_its_docstring(framework):
    """The student version promises a signature and a docstring for every
    function whose body the student writes."""
    functions = []
    for parts in framework_regions(framework).values():
        for part in parts:
            if part.piece is not None:
                continue
            solution = solution_lines(part.cell.source)
            for node in ast.walk(ast.parse(part.cell.source)):
                body_lines = set(range(node.lineno, getattr(node, "end_lineno", node.lineno) + 1)) \
                    if isinstance(node, ast.FunctionDef) else set()
                if body_lines & solution and node.lineno not in solution:
                    functions.append(node.name)
                    assert ast.get_docstring(node), f"{node.name} has no docstring"
    assert {"wobble", "train_decay_ch11", "late_wobble", "load_array_with_replacement",
            "train_replacement", "get_data_duplicated", "train_on"} <= set(functions)


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_sampling_exercise_hands_out_no_sampler(framework):
    """Exercise 3 asks for the sampling with replacement: no random draw in the
    code the student is given (MXNet's sampler used to be)."""
    given = []
    for part in framework_regions(framework)["ex-replacement"]:
        if part.piece is None and "autograder" not in part.cell.metadata.get("tags", []):
            solution = solution_lines(part.cell.source)
            given += [line for number, line in enumerate(part.cell.source.splitlines(), 1)
                      if number not in solution and not line.strip().startswith("#")]
    assert any("def load_array_with_replacement" in line for line in given)
    assert [line for line in given if re.search(r"random|randint|replace=|Sampler", line)] == []


def test_every_exercise_says_what_its_conclusion_must_address():
    """A task of each exercise, after its experiments, says what the written
    conclusion has to answer (the rubric itself stays with the instructor)."""
    for label, parts in framework_regions(FRAMEWORKS.default.tag).items():
        conclusions = [i for i, p in enumerate(parts)
                       if p.piece and p.piece.kind == "task" and p.piece.body.startswith("结论要")]
        assert len(conclusions) == 1, label
        code = [i for i, p in enumerate(parts) if p.piece is None
                and SOLUTION_MARKER.search(p.cell.source)]
        assert conclusions[0] > max(code), label


def test_no_task_gives_the_answer_away():
    """Sentences that stated an exercise's conclusion in its instruction."""
    tasks = [p.piece.body for p in chapter_pieces() if p.piece and p.piece.kind == "task"]
    for answer in ("道理相同", "应当重合", "不比恒定学习率差", "约 63%", "37%"):
        assert not [task for task in tasks if answer in task], answer


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_version_keeps_every_exercise_and_task(course, framework):
    text = all_source(notebook(course, "release", framework))
    statements = [shown(p.piece.body) for p in chapter_pieces()
                  if p.piece and p.piece.kind == "exercise"]
    for number, statement in enumerate(statements, 1):
        assert f"**练习 {number}**：{statement}" in text
    tasks = [shown(p.piece.body) for p in chapter_pieces() if p.piece and p.piece.kind == "task"]
    assert len(tasks) >= ANSWERS
    for task in tasks:
        assert task in text, task
    assert "```{" not in text and "{eq}`" not in text and "{value}`" not in text   # plain Markdown


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_skeletons_keep_everything_but_the_solutions(course, framework):
    """Each answer cell is the instructor's cell with every marked part replaced by a stub:
    signatures, docstrings and what to print stay; no line of a solution does."""
    instructor, student = notebook(course, "source", framework), notebook(course, "release", framework)
    answer_cells = [c for c in instructor.cells if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
    assert len(answer_cells) >= 7          # three functions, four experiments
    given_lines = {line.strip() for c in instructor.cells for line in
                   re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", c.source, flags=re.S).splitlines()}
    for cell in answer_cells:
        stubbed = next(c for c in student.cells
                       if nbgrader_meta(c).get("grade_id") == nbgrader_meta(cell)["grade_id"])
        kept = re.sub(r"[ \t]*### BEGIN SOLUTION.*?### END SOLUTION", "\0", cell.source, flags=re.S)
        pattern = "".join(re.escape(p) if p != "\0" else r"[ \t]*# 在这里写你的代码\n[ \t]*raise NotImplementedError\(\)"
                          for p in re.split("(\0)", kept))
        assert re.fullmatch(pattern, stubbed.source), stubbed.source
        for solution in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", cell.source, re.S):
            for line in solution.strip().splitlines():
                if line.strip() and line.strip() not in given_lines:
                    assert line.strip() not in stubbed.source, line


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_every_graded_cell_is_worth_points_and_answers_are_conclusions(course, framework):
    instructor, student = notebook(course, "source", framework), notebook(course, "release", framework)
    points = coursework.graded_cells(instructor)
    assert all(p > 0 for p in points.values()), points
    answers = {g: p for g, p in points.items() if g.endswith("-answer")}
    assert len(answers) == ANSWERS and sum(answers.values()) == ANSWERS
    assert sum(points.values()) - sum(answers.values()) == AUTOGRADED_POINTS
    stubs = [c.source for c in student.cells if nbgrader_meta(c).get("grade_id") in answers]
    assert stubs == ["在这里写下你的结论：根据上面的实验输出，回答练习提出的问题。"] * ANSWERS
    assert "输出印证了上面的分析" in all_source(instructor)        # a worked conclusion
    assert "输出印证了上面的分析" not in all_source(student)
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_each_exercise_states_its_points_from_its_graded_cells(course, framework):
    """Below each statement the student reads the exercise's points, each test
    cell by its check function with its points, and the conclusion's points,
    as the graded cells' metadata has them."""
    student = notebook(course, "release", framework)
    points = coursework.graded_cells(notebook(course, "source", framework))
    sources = [c.source for c in student.cells]
    labels = sorted({grade_id.rsplit("-", 1)[0] for grade_id in points if grade_id.endswith("-answer")})
    assert len(labels) == ANSWERS
    for label in labels:
        statement = next(c for c in student.cells
                         if nbgrader_meta(c).get("grade_id") == f"{label}-statement")
        grading = sources[sources.index(statement.source) + 1]
        own = {g[len(label) + 1:]: p for g, p in points.items() if g.startswith(f"{label}-")}
        assert f"本题共 {sum(own.values()):g} 分" in grading, grading
        assert f"本题最后的结论单元格 {own.pop('answer'):g} 分" in grading
        for function, value in own.items():
            assert f"调用 `{function}` 的测试单元格 {value:g} 分（另有隐藏测试）" in grading
    assert f"全部练习共 {sum(points.values()):g} 分" in sources[0]
    assert "函数的签名和文档字符串都已给出" not in sources[0]


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_reference_answers_are_framed_as_the_books_run(course, framework):
    instructor, student = notebook(course, "source", framework), notebook(course, "release", framework)
    answers = [c for c in instructor.cells if nbgrader_meta(c).get("grade_id", "").endswith("-answer")]
    assert len(answers) == ANSWERS
    assert all(c.source.startswith(coursework.ANSWER_HEADING + "\n\n") for c in answers)
    assert coursework.ANSWER_HEADING not in all_source(student)


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_instructor_version_has_every_hidden_test(course, framework):
    """Each hidden test file is in its cell, between nbgrader's markers."""
    instructor = notebook(course, "source", framework)
    folder = hidden_tests.configured_folder(ROOT) / CHAPTER_PAGE
    files = sorted(folder.glob("*.py"))
    assert len(files) == 5
    for path in files:
        cell = next(c for c in instructor.cells if nbgrader_meta(c).get("grade_id") == path.stem)
        hidden = re.search(r"\n( *)### BEGIN HIDDEN TESTS\n(.*?)\1### END HIDDEN TESTS\n",
                           cell.source, re.S)
        assert hidden, path.stem
        assert re.sub(r"(?m)^" + hidden[1], "", hidden[2]) == path.read_text(encoding="utf-8")
    assert "### HIDDEN TESTS" not in all_source(instructor).replace("### BEGIN HIDDEN TESTS", "") \
        .replace("### END HIDDEN TESTS", "")


def test_without_the_hidden_tests_make_assignments_says_what_that_means(tmp_path):
    """The coursework is made all the same, with the visible tests only, and
    the tool says that grading checks less."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"),
                             "--out", str(tmp_path / "course"), "--frameworks", FRAMEWORKS.default.tag,
                             "--hidden-tests", str(tmp_path / "private")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (f"WARNING: no hidden tests: the folder {tmp_path / 'private'} does not exist.  The "
            f"instructor notebooks hold only the visible tests of 5 test cells, which students see "
            f"and can run before they hand in: grading checks less") in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("WARNING: no hidden tests")   # seen last
    instructor = notebook(tmp_path / "course", "source", FRAMEWORKS.default.tag)
    student = notebook(tmp_path / "course", "release", FRAMEWORKS.default.tag)
    assert "HIDDEN TESTS" not in all_source(instructor)
    assert "隐藏测试" not in all_source(student)
    assert "check_decay(train_decay_ch11)" in all_source(student)
    # with the folder: where the tests came from
    with_them = subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"),
                                "--out", str(tmp_path / "with"), "--frameworks", FRAMEWORKS.default.tag],
                               capture_output=True, text=True)
    assert with_them.returncode == 0, with_them.stderr[-3000:]
    assert (f"hidden tests: 5 test cells of {CHAPTER_PAGE} from "
            f"{hidden_tests.configured_folder(ROOT) / CHAPTER_PAGE}") in with_them.stdout


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_no_hidden_test_reaches_the_student(course, framework):
    from test_publication import hidden_lines
    text = all_source(notebook(course, "release", framework))
    assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert not [line for line in hidden_lines() if line in text]
    assert "check_decay(train_decay_ch11)" in text          # the visible tests are there


def grades(course, framework, student):
    """``{grade_id: (score, max_score)}`` of a submission's autograded test cells."""
    from nbgrader.api import Gradebook
    name = assignments.assignment_name(framework)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission_notebook(name, name, student)
        return {g.name: (g.score, g.max_score) for g in graded.grades if g.cell_type == "code"}


def failed(scores):
    return {name for name, (score, _) in scores.items() if score != _}


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
@pytest.mark.parametrize("student", ["instructor", *ALTERNATIVE])
def test_correct_solutions_get_every_autograded_point(course, framework, student):
    scores = grades(course, framework, student)
    assert sum(m for _, m in scores.values()) == AUTOGRADED_POINTS
    assert failed(scores) == set(), scores


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_untouched_student_version_gets_no_autograded_point(course, framework):
    scores = grades(course, framework, "student")
    assert sum(s for s, _ in scores.values()) == 0, scores


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
@pytest.mark.parametrize("student", list(WRONG))
def test_a_wrong_solution_loses_exactly_its_points(course, framework, student):
    scores = grades(course, framework, student)
    assert failed(scores) == WRONG[student][1], scores
    assert all(score == 0 for name, (score, _) in scores.items() if name in WRONG[student][1])


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_student_version_names_the_plain_python_kernel(course, framework):
    """Students open it in their own Jupyter; nbgrader grades in the framework's kernel."""
    assert notebook(course, "release", framework).metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_version_runs_until_the_first_stub(course, framework):
    nb = notebook(course, "autograded/student", framework)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed_cells = [i for i, c in enumerate(code) if any(o.output_type == "error" for o in c.outputs)]
    assert failed_cells, "the untouched student notebook should stop at a stub"
    first = code[failed_cells[0]]
    assert STUB in first.source
    assert any(o.get("ename") == "NotImplementedError" for o in first.outputs)
    # everything before it (the definitions taken from the chapter) ran and trained
    assert any("loss:" in "".join(o.get("text", "") for o in c.outputs) for c in code[:failed_cells[0]])
