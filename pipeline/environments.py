"""Every framework in a Python environment of its own, run as a Jupyter kernel.

A framework entry of ``_config.yml`` that names a lock file::

    - {tag: pytorch, ..., lock: environments/pytorch.txt, python: "3.11"}

runs its cells in ``.venvs/pytorch``: a virtual environment holding exactly
what the lock lists (the framework, NumPy, Matplotlib, ipykernel, pytest for
d2lshim's tests) and this checkout's d2lshim (as the wheel the site
publishes, brought up to date by every ``make book``), and nothing of any
other framework.  Each framework can thus be at the
newest release that works here: MXNet 1.9.1 keeps NumPy 1.26 in its own
environment while PyTorch and TensorFlow run on NumPy 2.

The environment is registered as the kernel ``book-<tag>`` of the book
environment, where the build, nbgrader and a reader's Jupyter find it.

A lock is made from the framework's d2lshim extra (``pyproject.toml``) plus the
``kernel`` extra by ``python tools/environments.py lock TAG`` (``uv pip
compile``) and committed.  ``make book`` makes every environment that is
missing or whose lock changed (``python tools/environments.py make``), before
anything executes; one that cannot be made stops it with the framework, the
package and what to do.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import pathlib
import re
import shutil
import subprocess
import sys

from . import installer

#: Where the framework environments live, below the book.
FOLDER = ".venvs"

#: Written last into an environment, holding :func:`wanted`: an environment
#: without it (half made) or with another content is made again.
STAMP = ".book-environment"

#: Versions every lock must keep (with the reason, in the file).
CONSTRAINTS = "environments/constraints.txt"

#: The extras of pyproject.toml that every framework's environment adds to
#: the framework's own: the kernel, and what d2lshim's tests need.
COMMON_EXTRAS = ("kernel",)


class EnvironmentFailed(Exception):
    """A framework's environment could not be made; says which, why and what to do."""


class NoKernel(EnvironmentFailed):
    """No Jupyter kernel of that name is registered here."""


def folder(root, framework):
    return pathlib.Path(root).resolve() / FOLDER / framework.tag


def python(root, framework):
    """The interpreter of a framework's environment (its kernel's)."""
    return folder(root, framework) / "bin" / "python"


def extra(framework):
    """The d2lshim extra of a framework: ``d2lshim.torch`` → ``torch``."""
    package, _, name = framework.module.partition(".")
    return name if package == "d2lshim" and name else None


def lock_path(root, framework):
    return pathlib.Path(root) / framework.lock


def wanted(root, framework):
    """What an up-to-date environment was made from: the lock and the interpreter."""
    lock = lock_path(root, framework).read_bytes()
    return json.dumps({"lock": hashlib.sha256(lock).hexdigest(), "python": framework.python,
                       "kernel": framework.kernel})


def is_current(root, framework):
    stamp = folder(root, framework) / STAMP
    try:
        return stamp.read_text(encoding="utf-8") == wanted(root, framework)
    except FileNotFoundError:
        return False


def _version_of(interpreter):
    try:
        return subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def interpreter(framework):
    """A Python of the version the framework's lock was made for: the one the
    book environment was made with, else ``pythonX.Y`` on PATH."""
    base = pathlib.Path(sys.base_prefix) / "bin" / "python3"
    for candidate in (str(base), shutil.which(f"python{framework.python}")):
        if candidate and _version_of(candidate) == framework.python:
            return candidate
    raise EnvironmentFailed(
        f"{framework.label}: its environment needs Python {framework.python} (its lock "
        f"{framework.lock} was made for it), and neither the book's Python ({base}) nor "
        f"python{framework.python} on PATH is that version. Install it (e.g. `uv python "
        f"install {framework.python}`, then put python{framework.python} on PATH) and run "
        f"make again.")


def _failed_package(message):
    """The package an installer's error is about, when it names one."""
    for pattern in (r"no version of ([A-Za-z0-9_.\-]+)", r"Because ([A-Za-z0-9_.\-]+) was not found",
                    r"Failed to (?:download|build|fetch|install) `([A-Za-z0-9_.\-]+)",
                    r"requirements? ([A-Za-z0-9_.\-]+)=="):
        found = re.search(pattern, message)
        if found:
            return found.group(1)
    return None


def _run(command, framework, what, log):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        message = (done.stderr or done.stdout).strip()
        package = _failed_package(message)
        raise EnvironmentFailed(
            f"{framework.label}: its environment could not be made ({what} failed"
            + (f" on the package {package}" if package else "") + f"):\n{message}\n"
            f"What to do: check that the package index pip uses here is reachable (uv reads "
            f"pip's settings: `pip config list`, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, "
            f"PIP_FIND_LINKS); if {package or 'a package'} has no release for this machine, "
            f"choose other versions in pyproject.toml and write the lock again: "
            f"python tools/environments.py lock {framework.tag}")
    return done


def make(root, framework, log=print):
    """(Re)make the environment of ``framework`` from its lock and register its kernel."""
    root = pathlib.Path(root).resolve()
    if not lock_path(root, framework).is_file():
        raise EnvironmentFailed(f"{framework.label}: its lock file {framework.lock} (named in "
                                f"_config.yml) does not exist: write it with "
                                f"python tools/environments.py lock {framework.tag}")
    target, uv = folder(root, framework), installer.uv()
    (target / STAMP).unlink(missing_ok=True)
    base = interpreter(framework)
    _run([uv, "venv", "--quiet", "--clear", "--python", base, str(target)], framework,
         "creating the virtual environment", log)
    env_python = str(python(root, framework))
    _run([uv, "pip", "install", "--quiet", "--python", env_python, *installer.index_args(),
          "-r", str(lock_path(root, framework))], framework, f"installing {framework.lock}", log)
    install_d2lshim(root, framework, log)
    _run([env_python, "-m", "ipykernel", "install", "--prefix", sys.prefix, "--name",
          framework.kernel, "--display-name", f"Python ({framework.label}, {FOLDER}/{framework.tag})"],
         framework, "registering its Jupyter kernel", log)
    (target / STAMP).write_text(wanted(root, framework), encoding="utf-8")
    interpreter_environment.cache_clear()


def installed_d2lshim(root, framework):
    """The version of d2lshim installed in a framework's environment, or ``None``."""
    for site in folder(root, framework).glob("lib/python*/site-packages"):
        for dist in importlib.metadata.distributions(path=[str(site)]):
            if dist.metadata["Name"] == "d2lshim":
                return dist.version
    return None


def install_d2lshim(root, framework, log=print):
    """Install this checkout's d2lshim into the framework's environment as the
    wheel the site publishes (``pipeline/wheel.py``): the version names the
    sources' digest, so the readers' setup cell, run in the book's own kernel
    (nbgrader grades there), finds the very d2lshim it asks for."""
    from . import export, wheel
    built = wheel.build(root, export.wheel_folder(root))
    _run([installer.uv(), "pip", "install", "--quiet", "--python", str(python(root, framework)),
          "--no-deps", "--reinstall-package", "d2lshim", str(built)], framework,
         "installing d2lshim from this checkout", log)


def ensure(root, frameworks, log=print):
    """Make every framework environment that is missing or out of date, and
    bring its d2lshim up to this checkout's; the frameworks without a lock run
    in a kernel the machine already has."""
    from . import wheel
    for framework in frameworks:
        if not framework.lock:
            continue
        if not is_current(root, framework):
            log(f"making the environment of {framework.label} in {FOLDER}/{framework.tag} "
                f"from {framework.lock}")
            make(root, framework, log)
        elif installed_d2lshim(root, framework) != wheel.version(root):
            log(f"installing d2lshim {wheel.version(root)} into {FOLDER}/{framework.tag}")
            install_d2lshim(root, framework, log)


def lock(root, framework, log=print):
    """Write the framework's lock: its d2lshim extra and the common extras,
    resolved to exact versions for its Python by ``uv pip compile``."""
    root = pathlib.Path(root)
    extras = [e for e in (extra(framework), *COMMON_EXTRAS) if e]
    command = [installer.uv(), "pip", "compile", "--quiet", str(root / "pyproject.toml"),
               *(a for e in extras for a in ("--extra", e)), "--python", interpreter(framework),
               "--custom-compile-command", f"python tools/environments.py lock {framework.tag}",
               "-c", str(root / CONSTRAINTS),
               *installer.index_args(), "-o", str(lock_path(root, framework))]
    lock_path(root, framework).parent.mkdir(parents=True, exist_ok=True)
    _run(command, framework, "resolving its requirements", log)


def fingerprint(root, framework):
    """Something that changes whenever a distribution is added to, removed from
    or upgraded in the framework's environment, cheap enough to check at every
    build: the names of the ``*.dist-info`` folders (name and version) in its
    site-packages, listed, not read.  For a kernel without a lock: everything
    :func:`interpreter_environment` reads."""
    if not framework.lock:
        return interpreter_environment(kernel_interpreter(framework.kernel))
    target = folder(root, framework)
    stamp = target / STAMP
    return {"stamp": stamp.read_text(encoding="utf-8") if stamp.exists() else None,
            "distributions": sorted(p.name for site in target.glob("lib/python*/site-packages")
                                    for p in site.glob("*.dist-info"))}


def kernel_interpreter(kernel_name):
    """The Python a Jupyter kernel runs (its spec's first argument)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except NoSuchKernel:
        raise NoKernel(f"no Jupyter kernel named {kernel_name!r}") from None
    if argv[0] in ("python", "python3"):    # the native kernel: this very interpreter
        return sys.executable
    return argv[0]


@functools.lru_cache(maxsize=None)
def interpreter_environment(interpreter):
    """``{"python": version, "packages": {name: version}}`` of an interpreter:
    every distribution on its ``sys.path``, read from their metadata (the
    interpreter prints its path; no kernel starts, nothing is imported)."""
    probe = ("import json, sys; print(json.dumps({'version': sys.version, "
             "'path': [p for p in sys.path if p]}))")
    try:
        found = json.loads(subprocess.run([interpreter, "-I", "-c", probe], capture_output=True,
                                          text=True, check=True).stdout)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
        raise EnvironmentFailed(f"cannot ask the kernel's Python {interpreter} for its packages "
                                f"({error}): run `make book` to make the environments") from None
    packages = {}
    for dist in importlib.metadata.distributions(path=found["path"]):
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        packages.setdefault(name, dist.version)     # the first on the path wins, as in import
    return {"python": found["version"], "packages": dict(sorted(packages.items()))}
