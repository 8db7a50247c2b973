"""The execution cache: each framework's outputs, keyed by what determines them.

An entry holds the outputs of one framework's code cells of one page, in
order, and nothing else: no prose.  On a hit they are put back onto the
freshly split notebook by code-cell order (as jupyter-cache does for MyST-NB),
so a prose edit never executes anything and never shows stale prose.

The key covers the framework's code cells in order, the framework entry (tag,
kernel, module), what the kernel has (its Python, every distribution
installed in its environment with its version, read from the environment's
metadata: ``pipeline/environments.py``), the source of the framework's
d2lshim package, every module and data file beside the page, the execution
settings and code, and ``FORMAT``.  A change in one framework's environment
thus re-executes that framework only.

Entries live in ``<cache>/<page>/<framework>/<key>.json``.  Each page and
framework keeps its :data:`KEEP` most recently used entries, so switching a
branch back and forth executes nothing the second time; older ones are
removed when a new one is written.

A broken entry (truncated, not JSON, another ``FORMAT``, cells that do not
match) is a miss, noted as information: the framework is executed again and
the entry rewritten.  Entries are written atomically (temporary file, then
rename) with mode 0644, so two builds at once never see a half-written one
and other users of a shared cache can read it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import pathlib
import tempfile

import nbformat

from . import environments, execute

#: Bump when the entry layout changes: older entries become misses.
FORMAT = 3

#: Entries kept per page and framework (the most recently used ones).
KEEP = 5

#: Files mode of everything the cache (and the build) writes.
FILE_MODE = 0o644

#: Beside a page, these are other pages, not files its code can read.
PAGE_SUFFIXES = (".md", ".ipynb")


def module_files(module, search_path=()):
    """The source files of ``module``'s top-level package (or the module itself).

    The whole package, not the one module: d2lshim's framework modules share
    code with their siblings.  Looked for in ``search_path`` first, then on
    ``sys.path``, without importing anything.
    """
    top = module.split(".")[0]
    for folder in map(pathlib.Path, search_path):
        if (folder / top / "__init__.py").exists():
            return sorted((folder / top).rglob("*.py"))
        if (folder / f"{top}.py").exists():
            return [folder / f"{top}.py"]
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        return []
    origin = pathlib.Path(spec.origin)
    return sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]


def source_digest(module, search_path):
    files = module_files(module, search_path)
    if not files:
        return f"{module}: not found"
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def page_files_digest(folder):
    """A digest of what a page's code can import or open beside it: the files
    in its folder (other pages and hidden files aside) and the Python files of
    the packages there."""
    folder = pathlib.Path(folder)
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
             and p.suffix not in PAGE_SUFFIXES]
    files += [p for init in folder.glob("*/__init__.py") for p in init.parent.rglob("*.py")]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def environment(framework, search_path=()):
    """What the kernel brings to a framework's outputs, as a dict: its Python,
    every distribution of its environment, d2lshim's source and (when the
    page's folder is the first of ``search_path``) the files beside the page."""
    kernel = environments.interpreter_environment(environments.kernel_interpreter(framework.kernel))
    search_path = tuple(str(p) for p in search_path)
    return {
        "python": kernel["python"],
        "packages": kernel["packages"],
        "module": framework.module,
        "module_source": source_digest(framework.module, search_path),
        "page_files": page_files_digest(search_path[0]) if search_path else None,
    }


def key(nb_framework, framework, settings=execute.DEFAULT, search_path=()):
    """The cache key of one framework's notebook (hex digest)."""
    code = [c.source for c in nb_framework.cells if c.cell_type == "code"]
    material = {
        "format": FORMAT,
        "framework": dataclasses.asdict(framework) | {"default": None, "label": None},
        "code": code,
        "environment": environment(framework, search_path),
        "settings": dataclasses.asdict(settings),
        "machine": execute.machine_settings(),
        "executor": hashlib.sha256(pathlib.Path(execute.__file__).read_bytes()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:24]


class OutputCache:
    """Outputs of executed framework notebooks, on disk below ``directory``."""

    def __init__(self, directory, note=print):
        self.directory = pathlib.Path(directory)
        self.note = note

    def path(self, page_name, framework, key):
        return self.directory / page_name / framework.tag / f"{key}.json"

    def load(self, page_name, framework, key, nb_framework):
        """Put the cached outputs onto ``nb_framework``; False on a miss."""
        path = self.path(page_name, framework, key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return self._broken(path, page_name, framework, f"unreadable ({error})")
        code = [c for c in nb_framework.cells if c.cell_type == "code"]
        try:
            if entry["format"] != FORMAT or entry["key"] != key:
                return self._broken(path, page_name, framework,
                                    f"format {entry['format']!r}, this build writes {FORMAT}")
            cells = entry["cells"]
            if [c["source"] for c in cells] != [c.source for c in code]:
                return self._broken(path, page_name, framework, "its cells are not the page's")
        except (KeyError, TypeError) as error:
            return self._broken(path, page_name, framework, f"malformed ({error!r})")
        try:
            for cell, saved in zip(code, cells):
                cell.outputs = [nbformat.from_dict(o) for o in saved["outputs"]]
                cell.execution_count = saved.get("execution_count")
            nbformat.validate(nb_framework)
        except (KeyError, TypeError, AttributeError, nbformat.ValidationError) as error:
            for cell in code:
                cell.outputs, cell.execution_count = [], None
            return self._broken(path, page_name, framework, f"malformed outputs ({error!r})")
        try:
            os.utime(path)        # most recently used: kept longest
        except OSError:
            pass                  # a read-only cache is still a cache
        return True

    def has(self, page_name, framework, key):
        return self.path(page_name, framework, key).is_file()

    def _broken(self, path, page_name, framework, why):
        self.note(f"{page_name}: [{framework.label}] ignoring the cache entry {path}: {why}; "
                  f"executing again")
        return False

    def store(self, page_name, framework, key, nb_framework, seconds=None):
        """Write the outputs of ``nb_framework`` atomically; keep the :data:`KEEP`
        most recently used entries of this page and framework."""
        path = self.path(page_name, framework, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"format": FORMAT, "key": key, "page": page_name, "framework": framework.tag,
                 "seconds": seconds,
                 "cells": [{"source": c.source, "execution_count": c.get("execution_count"),
                            "outputs": c.get("outputs", [])}
                           for c in nb_framework.cells if c.cell_type == "code"]}
        write_atomically(path, json.dumps(entry, ensure_ascii=False))
        self.prune(path.parent)

    @staticmethod
    def prune(folder, keep=KEEP):
        def used(entry):
            try:
                return entry.stat().st_mtime
            except FileNotFoundError:     # another build removed it already
                return 0
        for old in sorted(folder.glob("*.json"), key=used, reverse=True)[keep:]:
            old.unlink(missing_ok=True)


def write_atomically(path, text):
    """Write ``text`` to ``path`` so that no reader ever sees half of it."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, FILE_MODE)     # mkstemp makes it 0600: private to this user
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
