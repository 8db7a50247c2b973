"""How long nbgrader takes to autograde a class: ``python tools/grading_time.py``.

    python tools/grading_time.py [--copies 30] [--frameworks pytorch …]

Generates the coursework into a temporary course directory (nothing
executes there after ``make book``), hands in the instructor version once
and then ``--copies`` times (as students ``s01``, ``s02``, …) and times
``nbgrader autograde`` for one submission and for the whole class, per
framework.  The instructor version runs every experiment of the exercises,
as a complete submission does.  Timings depend on the machine and on what
else runs on it.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time


import assignments


def autograde(course, name, students):
    """Seconds (wall, and CPU of nbgrader and its kernels) to autograde the
    submissions of ``students`` (an nbgrader pattern: ``s*``)."""
    command, env = assignments.nbgrader_command("autograde", name, "--force",
                                                f"--student={students}",
                                                framework=name.rsplit("-", 1)[-1])
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"nbgrader autograde failed:\n{result.stderr[-3000:]}")
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def measure(course, framework, copies):
    name = assignments.assignment_name(framework)
    instructor = course / "source" / name / f"{name}.ipynb"
    students = [f"s{k:02d}" for k in range(1, copies + 1)]
    for student in ["one", *students]:
        target = course / "submitted" / student / name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(instructor, target)
    one = autograde(course, name, "one")
    everyone = autograde(course, name, "s*")
    return one, everyone


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--frameworks", nargs="+", default=list(assignments.FRAMEWORKS.tags),
                        choices=assignments.FRAMEWORKS.tags)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        course = assignments.write_course(pathlib.Path(folder) / "course", args.frameworks)
        for framework in args.frameworks:
            (wall, cpu), (class_wall, class_cpu) = measure(course, framework, args.copies)
            print(f"{framework}: one submission {wall:.1f} s (CPU {cpu:.1f} s); "
                  f"{args.copies} submissions {class_wall:.0f} s (CPU {class_cpu:.0f} s), "
                  f"{class_wall / args.copies:.1f} s each", flush=True)


if __name__ == "__main__":
    main()
