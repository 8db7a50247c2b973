"""`make test` on a machine with Python alone: what needs more is skipped and named.

The programs beyond Python are listed once, in environments/debian.txt;
these tests hide them from PATH.
"""

import os
import pathlib
import subprocess
import sys

import pytest

from book import ROOT
from pipeline import system

PROGRAMS = {"xelatex", "latexmk", "rsvg-convert", "pdftotext", "chromium"}


@pytest.fixture
def bare_path(tmp_path, monkeypatch):
    """PATH without the programs of environments/debian.txt (but with sh and python)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("sh", "env"):
        (bin_dir / name).symlink_to(f"/bin/{name}")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("CI", raising=False)
    return bin_dir


def test_the_list_names_every_program_the_checks_use():
    assert {program for _, program, _ in system.entries() if program} == PROGRAMS
    assert {need for _, _, need in system.entries()} == set(system.NEEDS)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "environments/debian.txt" in ci and "texlive" not in ci     # one list, not two
    assert "environments/debian.txt" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_without_the_programs_the_last_line_says_what_and_how(bare_path):
    assert set(system.missing("pdf")) == PROGRAMS - {"chromium"}
    assert system.missing("browser") == ["chromium"]
    line = system.skipped_line()
    assert line.startswith("skipped: the PDFs and their checks (no xelatex, latexmk, rsvg-convert, "
                           "pdftotext); the browser tests (no chromium)")
    assert line.endswith(system.install_command())
    assert all(package in line for package in system.packages())


def test_with_the_programs_nothing_is_skipped(bare_path):
    for program in PROGRAMS:
        (bare_path / program).write_text("#!/bin/sh\n")
        (bare_path / program).chmod(0o755)
    assert system.skipped_line() is None
    assert system.require("pdf") is None


def test_in_ci_a_missing_program_is_an_error(bare_path, monkeypatch):
    assert "chromium" in system.require("browser")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(SystemExit, match="CI=true: nothing may be skipped"):
        system.require("browser")


def test_make_pdf_skips_without_tex_and_fails_in_ci(bare_path):
    command = [sys.executable, str(ROOT / "tools" / "build_pdf.py"), "--edition", "full"]
    env = {"PATH": str(bare_path), "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("skipping the full edition's PDFs: the PDFs and their checks "
                                  "need xelatex, latexmk, rsvg-convert, pdftotext")
    done = subprocess.run(command, env={**env, "CI": "true"}, capture_output=True, text=True)
    assert done.returncode != 0 and "nothing may be skipped" in done.stderr
