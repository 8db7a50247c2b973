"""`make assignments`: nbgrader coursework, graded by nbgrader itself.

For every framework the instructor version is submitted as one student and
the generated student version as another; `nbgrader autograde` runs both.
The instructor version must get every autograder point, the untouched
student version none, and the student version must run cleanly up to its
first stub.
"""

import shutil
import subprocess
import sys

import nbformat
import pytest

from book import FRAMEWORKS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import assignments  # noqa: E402

AUTOGRADER_POINTS = 3 * assignments.TEST_POINTS


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"), "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    for framework in FRAMEWORKS.tags:
        name = assignments.assignment_name(framework)
        for student, version in (("instructor", "source"), ("student", "release")):
            target = out / "submitted" / student / name
            target.mkdir(parents=True)
            shutil.copy(out / version / name / f"{name}.ipynb", target)
        command, env = assignments.nbgrader_command("autograde", name, "--force")
        graded = subprocess.run(command, cwd=out, env=env, capture_output=True, text=True)
        assert graded.returncode == 0, graded.stderr[-3000:]
    return out


def notebook(course, version, framework):
    name = assignments.assignment_name(framework)
    return nbformat.read(course / version / name / f"{name}.ipynb", as_version=4)


def all_source(nb):
    return "\n".join(c.source for c in nb.cells)


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_version_has_stubs_and_no_solutions(course, framework):
    student, teacher = notebook(course, "release", framework), notebook(course, "source", framework)
    text = all_source(student)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert text.count("raise NotImplementedError()") >= 7   # 3 functions, 4 experiments
    assert "输出印证了上面的分析" not in text               # a worked conclusion
    assert "输出印证了上面的分析" in all_source(teacher)
    assert all(f"**练习 {n}**" in text for n in range(1, 5))
    assert "```{" not in text and "{eq}`" not in text        # plain Markdown for Jupyter
    assert all(c.outputs == [] for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_autograder_passes_the_instructor_and_fails_the_student(course, framework):
    from nbgrader.api import Gradebook
    name = assignments.assignment_name(framework)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        instructor = gradebook.find_submission(name, "instructor")
        student = gradebook.find_submission(name, "student")
        assert instructor.max_code_score == AUTOGRADER_POINTS
        assert instructor.code_score == AUTOGRADER_POINTS
        assert student.code_score == 0


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_student_version_runs_until_the_first_stub(course, framework):
    nb = notebook(course, "autograded/student", framework)
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [i for i, c in enumerate(code) if any(o.output_type == "error" for o in c.outputs)]
    assert failed, "the untouched student notebook should stop at a stub"
    first = code[failed[0]]
    assert "raise NotImplementedError()" in first.source
    assert any(o.get("ename") == "NotImplementedError" for o in first.outputs)
    # everything before the first stub (the whole chapter) produced its outputs
    assert any("loss:" in "".join(o.get("text", "") for o in c.outputs) for c in code[:failed[0]])
