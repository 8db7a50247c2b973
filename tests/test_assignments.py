"""`make assignments`: nbgrader coursework, graded by nbgrader itself.

For every framework, `nbgrader autograde` grades these submissions:

* the instructor version: every autograded point;
* the untouched student version: none, and it runs cleanly up to its first stub;
* alternative correct solutions, written differently from the instructor's
  (``tests/submissions.py``): every point;
* typical wrong solutions: exactly the tests of what they get wrong fail.

The student version keeps every exercise, every task and every skeleton,
and holds no solution and no hidden test.
"""

import re
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from book import CHAPTER, FRAMEWORKS, ROOT
from pipeline import coursework, exercises, source
from submissions import ALTERNATIVE, WRONG, answer_source

sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

AUTOGRADED_POINTS = 6      # decay 2, sampling 1 + 1, duplication 1 + 1
ANSWERS = 4                # one written conclusion per exercise
SUBMISSIONS = ("instructor", "student", *ALTERNATIVE, *WRONG)
STUB = "raise NotImplementedError()"


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


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_version_keeps_every_exercise_and_task(course, framework):
    text = all_source(notebook(course, "release", framework))
    statements = [p.piece.body for p in chapter_pieces() if p.piece and p.piece.kind == "exercise"]
    for number, statement in enumerate(statements, 1):
        assert f"**练习 {number}**：{statement}" in text
    tasks = [p.piece.body for p in chapter_pieces() if p.piece and p.piece.kind == "task"]
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
