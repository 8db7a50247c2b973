"""The book's environments: the book's own (.venv) and one per framework (.venvs/<tag>).

    python tools/environments.py book          # fill .venv from requirements.txt (make env)
    python tools/environments.py make [TAG …]  # make the framework environments that are
                                               # missing or out of date (make book does)
    python tools/environments.py lock TAG|book # write a lock: environments/<tag>.txt, or
                                               # requirements.txt from environments/book.in
    python tools/environments.py python TAG    # print a framework environment's interpreter
    python tools/environments.py pytest [ARGS] # d2lshim's tests in every framework's
                                               # environment, then the book's tests here
    python tools/environments.py bench [ARGS]  # d2lshim's benchmark, each framework in its
                                               # environment (make bench)

Everything is installed with uv, from the indexes pip's configuration names
(``pipeline/installer.py``).  See ``pipeline/environments.py``.
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import sysconfig

ROOT = pathlib.Path(__file__).resolve().parents[1]

# installed first of all by `make env` (pipeline/pyproject.toml); installer
# needs the standard library only, as this runs before .venv is filled
from pipeline import installer

#: d2lshim's own tests: run in each framework's environment.
D2LSHIM_TESTS = "tests/d2lshim"


def fill_book_environment():
    """Install requirements.txt, d2lshim and the book's pipeline package (both
    editable) into this interpreter's environment."""
    uv = installer.uv()
    for args in (["-r", str(ROOT / "requirements.txt")],
                 ["--no-deps", "-e", str(ROOT), "-e", str(ROOT / "pipeline")]):
        subprocess.run([uv, "pip", "install", "--quiet", "--python", sys.executable,
                        *installer.index_args(), *args], check=True)
    # Every build starts Sphinx and its extensions (about 1 s of imports).
    # Without .pyc files beside them, where Python may not write them
    # (PYTHONDONTWRITEBYTECODE is set on some machines), each build compiled
    # jupyter-cache and SQLAlchemy from source again: another 0.8-1.3 s.
    # compileall skips what is compiled already; a file that does not compile
    # (some packages ship such test data) would not import either.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0",
                    sysconfig.get_paths()["purelib"]], stdout=subprocess.DEVNULL)


def lock_book():
    """requirements.txt from environments/book.in; uv keeps the versions it
    already lists where they still fit (delete a line to upgrade that package)."""
    subprocess.run([installer.uv(), "pip", "compile", "--quiet", str(ROOT / "environments" / "book.in"),
                    "--python", sys.executable, "--no-annotate", "--custom-compile-command",
                    "python tools/environments.py lock book", *installer.index_args(),
                    "-o", str(ROOT / "requirements.txt")], check=True)


def book_frameworks():
    from pipeline import frameworks
    return frameworks.from_config(ROOT)


def chosen(tags):
    every = book_frameworks()
    unknown = [t for t in tags if t not in every.tags]
    if unknown:
        raise SystemExit(f"unknown framework {', '.join(unknown)}: the book has {', '.join(every.tags)}")
    return [f for f in every if not tags or f.tag in tags]


def run_tests(pytest_args):
    """d2lshim's tests once per framework, in its environment (that framework's
    module is the one under test), then the book's tests in this environment.
    Returns the first non-zero exit status, after running everything."""
    from pipeline import environments
    status = 0
    for framework in book_frameworks():
        if not framework.lock:
            continue
        print(f"\n=== d2lshim's tests with {framework.label}, in {environments.FOLDER}/{framework.tag}",
              flush=True)
        done = subprocess.run([str(environments.python(ROOT, framework)), "-m", "pytest",
                               D2LSHIM_TESTS, f"--framework-module={framework.module}",
                               *pytest_args], cwd=ROOT)
        status = status or done.returncode
    print("\n=== the book's tests, in the book environment", flush=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "--ignore", D2LSHIM_TESTS, *pytest_args],
                          cwd=ROOT)
    from pipeline import system
    skipped = system.skipped_line()          # CI has failed already when it is not None
    if skipped:
        print(skipped)
    return status or done.returncode


def run_bench(bench_args):
    """``python -m d2lshim.bench`` with every framework measured in its own
    environment, and the NumPy loop in the default framework's."""
    from pipeline import environments
    every = book_frameworks()
    frameworks = [f for f in every if f.lock and environments.extra(f)]
    default = every.default
    pairs = [f"{environments.extra(f)}={environments.python(ROOT, f)}" for f in frameworks]
    pairs.append(f"numpy={environments.python(ROOT, default)}")
    return subprocess.run([str(environments.python(ROOT, default)), "-m", "d2lshim.bench",
                           "--frameworks", *(environments.extra(f) for f in frameworks), "numpy",
                           *(a for pair in pairs for a in ("--interpreter", pair)), *bench_args],
                          cwd=ROOT).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("book")
    commands.add_parser("make").add_argument("tags", nargs="*")
    commands.add_parser("lock").add_argument("tags", nargs="+")
    commands.add_parser("python").add_argument("tag")
    commands.add_parser("pytest").add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser("bench").add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "book":
        fill_book_environment()
        return 0
    from pipeline import environments
    try:
        if args.command == "make":
            environments.ensure(ROOT, chosen(args.tags))
        elif args.command == "lock":
            tags = [t for t in args.tags if t != "book"]
            if "book" in args.tags:
                lock_book()
            for framework in chosen(tags) if tags else []:
                environments.lock(ROOT, framework)
                print(f"wrote {framework.lock}")
        elif args.command == "python":
            print(environments.python(ROOT, chosen([args.tag])[0]))
        elif args.command == "pytest":
            return run_tests([a for a in args.args if a != "--"])
        elif args.command == "bench":
            return run_bench([a for a in args.args if a != "--"])
    except environments.EnvironmentFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
