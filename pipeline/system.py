"""What the tests and the PDFs need beyond Python: ``environments/debian.txt``.

Each line names a Debian package, the program it provides (``-`` for fonts
and TeX packages, which no program shows) and what needs it (``pdf``: the
PDFs and their checks; ``browser``: the browser tests).  Without a program
``make test`` skips what needs it and its last line says what and how to get
it; with ``CI=true`` a missing program is an error.  Standard library only.
"""

from __future__ import annotations

import os
import pathlib
import shutil

LIST = pathlib.Path(__file__).resolve().parents[1] / "environments" / "debian.txt"

#: What each need is called in a sentence.
NEEDS = {"pdf": "the PDFs and their checks", "browser": "the browser tests"}


def entries(path=LIST):
    """``[(package, program or None, need)]`` in the order of the list."""
    found = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        fields = line.split("#")[0].split()
        if fields:
            package, program, need = fields
            found.append((package, None if program == "-" else program, need))
    return found


def packages(path=LIST):
    return [package for package, _, _ in entries(path)]


def missing(need, path=LIST):
    """The programs ``need`` requires that are not on PATH."""
    return [program for _, program, wanted in entries(path)
            if wanted == need and program and shutil.which(program) is None]


def in_ci():
    """CI sets ``CI`` (to ``true``); there nothing may be skipped."""
    return bool(os.environ.get("CI"))


def install_command(path=LIST):
    return "apt-get install " + " ".join(packages(path))


def skipped_line(path=LIST):
    """The one line that ends ``make test`` when something was skipped, or ``None``."""
    gaps = {need: missing(need, path) for need in NEEDS}
    gaps = {need: programs for need, programs in gaps.items() if programs}
    if not gaps:
        return None
    what = "; ".join(f"{NEEDS[need]} (no {', '.join(programs)})" for need, programs in gaps.items())
    return f"skipped: {what}. Install them with: {install_command(path)}"


def require(need, path=LIST):
    """``None`` when ``need`` can run; else why not (in CI, an error: SystemExit)."""
    lacking = missing(need, path)
    if not lacking:
        return None
    message = (f"{NEEDS[need]} need {', '.join(lacking)}, not on PATH; "
               f"install: {install_command(path)}")
    if in_ci():
        raise SystemExit(f"error: {message} (CI=true: nothing may be skipped)")
    return message
