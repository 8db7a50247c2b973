"""Installing into the book's environments with uv, from the indexes pip uses.

uv creates and fills an environment in a fraction of pip's time (from a warm
cache, PyTorch's environment in under a second instead of half a minute), but
it does not read pip's configuration.  Machines that install from a mirror or
from a folder of wheels (``PIP_FIND_LINKS``; PyTorch's CPU-only index in
``PIP_EXTRA_INDEX_URL``, see the README) tell pip so, in its configuration
files or its environment variables.  :func:`index_args` reads both through
``pip config list`` and hands them to uv, so that both install from the same
places: without it uv would fetch the 3 GB CUDA build of PyTorch.

Only the standard library: this runs before the book environment is filled.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

#: pip's settings that say where packages come from, and uv's flag for each.
PIP_TO_UV = {"index-url": "--index-url", "extra-index-url": "--extra-index-url",
             "find-links": "--find-links"}


def pip_settings(python=sys.executable):
    """pip's index settings as ``{name: [values]}``, from every place pip reads
    them (``pip config list``: files of every scope and ``PIP_*`` variables,
    the variables listed as ``:env:``).  The variables win over files, as in pip."""
    try:
        listed = subprocess.run([python, "-m", "pip", "config", "list"], capture_output=True,
                                text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    found, from_env = {}, {}
    for line in listed.splitlines():
        scope_name, _, value = line.partition("=")
        scope, _, name = scope_name.rpartition(".")
        if name in PIP_TO_UV:
            values = shlex.split(value.strip().strip("'\""))
            (from_env if scope == ":env:" else found)[name] = values
    # pip config list reads the environment too, but it is not always
    # installed (a bare interpreter): read the variables here as well.
    for name in PIP_TO_UV:
        variable = "PIP_" + name.upper().replace("-", "_")
        if os.environ.get(variable):
            from_env[name] = os.environ[variable].split()
    return found | from_env


def index_args(python=sys.executable):
    """uv's command-line flags for pip's index settings.

    pip takes the best version from all its indexes alike; uv by default only
    from the first index that has the package: ``unsafe-best-match`` is pip's way.
    """
    args = ["--index-strategy", "unsafe-best-match"]
    for name, values in pip_settings(python).items():
        for value in values:
            args += [PIP_TO_UV[name], value]
            if name == "index-url":
                break      # one index url; pip takes the last one set
    return args


def uv():
    """The ``uv`` executable of the book environment (pinned in requirements.txt)."""
    here = os.path.join(os.path.dirname(sys.executable), "uv")
    found = here if os.path.exists(here) else shutil.which("uv")
    if not found:
        raise SystemExit("uv is missing from the book environment: run `make env` "
                         "(it installs the uv that requirements.txt pins)")
    return found
