"""The build's speed goals, measured: ``python tools/bench_build.py`` (part of ``make bench``).

* an unchanged rebuild (``make book``'s build command with nothing changed):
  goal ≤ 3 s;
* a prose edit of the chapter (a sentence between two code cells), rebuilt
  in a copy of the book that shares the execution cache: goal ≤ 4 s.

Each is run ``--runs`` times after one warm-up; the report gives min, median
and max of the wall time, and says whether the median meets the goal.  The
tests check what these builds do (nothing executes, the new prose is on the
page); the timings live here, because a busy machine is not a defect.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import editions

CHAPTER = ROOT / "chapters" / "chapter_optimization" / "minibatch-sgd.md"
ANCHOR = "```{code-cell} ipython3\ndef time_to_reach"
#: What a copy of the book leaves out: environments, git, and what the build writes but the cache.
LEFT_OUT = shutil.ignore_patterns(".venv", ".venvs", ".git", "jupyter_execute", "assignments", *(
    editions.built_name(name, edition) for name in ("html", ".doctrees", "notebooks")
    for edition in editions.EDITIONS))
GOALS = {"unchanged rebuild": 3.0, "prose edit": 4.0}


def build(book):
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                           "--builder", "html", "-n", "-W", "--keep-going"],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"the build failed:\n{(done.stdout + done.stderr)[-3000:]}")
    if "] executed" in done.stdout + done.stderr:
        raise SystemExit("the build executed a framework: run `make book` first")
    return seconds


def measure(runs):
    results = {"unchanged rebuild": [build(ROOT) for _ in range(runs + 1)][1:]}
    with tempfile.TemporaryDirectory() as folder:
        book = pathlib.Path(folder) / "book"
        shutil.copytree(ROOT, book, symlinks=True, ignore=LEFT_OUT)
        build(book)                                   # the copy's first build reads every page
        chapter = book / CHAPTER.relative_to(ROOT)
        text = chapter.read_text(encoding="utf-8")
        edits = []
        for number in range(runs + 1):
            chapter.write_text(text.replace(ANCHOR, f"这是第 {number} 次改过的一句话。\n\n" + ANCHOR),
                               encoding="utf-8")
            edits.append(build(book))
        results["prose edit"] = edits[1:]
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"book build, wall seconds over {args.runs} runs after one warm-up")
    print(f"{'':<19}{'min':>7}{'median':>8}{'max':>7}{'goal':>7}")
    for name, seconds in measure(args.runs).items():
        median = statistics.median(seconds)
        verdict = "met" if median <= GOALS[name] else "NOT met"
        print(f"{name:<19}{min(seconds):>7.2f}{median:>8.2f}{max(seconds):>7.2f}"
              f"{GOALS[name]:>6.1f}  {verdict}")


if __name__ == "__main__":
    main()
