"""`make book` on a machine without a supported Python stops at once and says what to do."""

import os
import subprocess
import time

import pytest

from book import ROOT

SCRIPT = ROOT / "tools" / "supported_python.sh"


def fake_python(folder, name, version):
    """An executable that answers the version question like Python ``version`` would."""
    path = folder / name
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return path


def run(env, *command):
    start = time.perf_counter()
    result = subprocess.run(command or ["sh", str(SCRIPT)], capture_output=True, text=True,
                            env=env, cwd=ROOT)
    return result, time.perf_counter() - start


@pytest.fixture
def bare_path(tmp_path):
    """A PATH with the shell tools but no Python at all."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "make", "cat", "echo", "test", "mkdir", "touch"):
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True)
        if found.stdout.strip().startswith("/"):
            (bin_dir / tool).symlink_to(found.stdout.strip())
    return bin_dir


def test_the_newest_supported_python_is_chosen(bare_path):
    fake_python(bare_path, "python3", "3.13")
    fake_python(bare_path, "python3.11", "3.11")
    result, _ = run({"PATH": str(bare_path)})
    assert result.returncode == 0 and result.stdout.strip() == "python3.11"
    fake_python(bare_path, "python3.12", "3.12")
    assert run({"PATH": str(bare_path)})[0].stdout.strip() == "python3.12"


def test_no_supported_python_fails_with_what_to_do(bare_path):
    fake_python(bare_path, "python3", "3.13")
    result, _ = run({"PATH": str(bare_path)})
    assert result.returncode == 1 and result.stdout == ""
    assert "no Python 3.11 or 3.12 found" in result.stderr
    assert "uv python install 3.12" in result.stderr and "PYTHON=" in result.stderr


def test_a_named_unsupported_python_is_refused(bare_path):
    python = fake_python(bare_path, "python3.14", "3.14")
    result, _ = run({"PATH": str(bare_path), "PYTHON": str(python)})
    assert result.returncode == 1
    assert f"PYTHON={python} is Python 3.14" in result.stderr


def test_make_book_stops_within_seconds_without_a_supported_python(bare_path, tmp_path):
    fake_python(bare_path, "python3", "3.14")
    env = {"PATH": str(bare_path), "HOME": str(tmp_path)}
    result, seconds = run(env, "make", "book", f"VENV={tmp_path / 'venv'}")
    assert result.returncode != 0 and seconds < 5
    assert "no Python 3.11 or 3.12 found" in result.stderr
    assert not (tmp_path / "venv").exists()
