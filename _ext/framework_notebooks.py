"""One chapter source, three framework notebooks: split, execute, cache, merge.

A chapter is a jupytext MyST-Markdown notebook.  Code cells tagged ``mxnet``,
``pytorch`` or ``tensorflow`` belong to one framework; untagged code cells
are shared.  For each framework this module

* splits out that framework's notebook (prose, shared cells, its own cells),
* executes it in a kernel of its own (frameworks one after another, never
  side by side, so that timing cells do not share the cores),
* caches the executed notebook under a key made of its code cells, the code
  of d2lshim and requirements.txt, so that an unchanged framework is never
  executed again,

and merges the three executed notebooks back into one notebook for MyST-NB,
in which every run of framework cells becomes a tab set (see
``framework_tabs.py``, the Sphinx side).

It has no Sphinx dependency: ``python _ext/framework_notebooks.py notebooks
--out DIR`` writes the runnable per-framework notebooks (``make notebooks``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import pathlib
import re
import sys
import tempfile
import time

import jupytext
import nbformat

from myst_to_markdown import convert_notebook

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: (tag, label) of each framework, in tab order.
FRAMEWORKS = (("mxnet", "MXNet"), ("pytorch", "PyTorch"), ("tensorflow", "TensorFlow"))
TAGS = tuple(tag for tag, _ in FRAMEWORKS)
LABELS = dict(FRAMEWORKS)
DEFAULT_FRAMEWORK = "pytorch"

#: Files whose content is part of every cache key: a change re-executes.
KEY_FILES = sorted((ROOT / "d2lshim").glob("*.py")) + [ROOT / "requirements.txt"]

#: The kernels must not print TensorFlow's start-up log lines into the outputs.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0",
              "PYDEVD_DISABLE_FILE_VALIDATION": "1"}

CELL_TIMEOUT = 600  # seconds

#: Every notebook this module writes runs in the environment's own kernel.
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


class CellFailed(RuntimeError):
    """A cell raised: the message names the page, its line and the framework."""


#: nbgrader's markers: kept in the source (for ``make assignments``), hidden
#: from readers of the book and of the downloadable notebooks.
GRADER_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")

#: Tag of the cells that hold autograder tests: executed, never shown.
AUTOGRADER = "autograder"


def without_grader_markers(source):
    return "\n".join(l for l in source.splitlines() if not GRADER_MARKER.match(l))


def framework_of(cell):
    """The framework tag of a code cell, or ``None`` for a shared cell."""
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in TAGS]
    if len(tags) > 1:
        raise ValueError(f"a cell carries more than one framework tag: {tags}")
    return tags[0] if tags else None


def is_framework_notebook(nb):
    return any(c.cell_type == "code" and framework_of(c) for c in nb.cells)


def renumber_cells(nb, prefix="cell"):
    """Give the cells stable, unique ids (copied cells keep theirs otherwise)."""
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{prefix}-{index}"
    return nb


def read_source(text):
    """A jupytext MyST-Markdown text as a notebook, with stable cell ids."""
    return renumber_cells(jupytext.reads(text, fmt="md:myst"))


def code_cell_lines(text):
    """Line numbers (1-based) of the code cells, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1)
            if re.match(r"^\s*(`{3,}|~{3,})\{code-cell\}", line)]


def split(nb, framework):
    """The notebook of one framework: prose, shared cells and its own cells.

    Every code cell remembers its index in the source (``source_index``).
    """
    out = copy.deepcopy(nb)
    out.cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and framework_of(cell) not in (None, framework):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.metadata["source_index"] = index
        out.cells.append(cell)
    out.metadata["kernelspec"] = dict(KERNELSPEC)
    out.metadata.pop("jupytext", None)
    out.metadata["framework"] = framework
    return out


def cache_key(nb_framework):
    """Content hash of what determines the outputs of a framework notebook."""
    digest = hashlib.sha256()
    digest.update(nb_framework.metadata["framework"].encode())
    for cell in nb_framework.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell.source.encode())
    for path in KEY_FILES:
        digest.update(b"\0file\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def execute(nb_framework, cwd):
    """Execute a framework notebook in a fresh kernel; raise CellFailed on error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    saved = {k: os.environ.get(k) for k in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)  # the kernel inherits this environment
    client = NotebookClient(nb_framework, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as error:
        # the traceback comes with terminal colour codes; a build log wants none
        raise CellFailed(re.sub(r"\x1b\[[0-9;]*m", "", str(error))) from None
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return nb_framework


class ExecutionCache:
    """Executed framework notebooks on disk, one file per page and framework."""

    def __init__(self, directory):
        self.directory = pathlib.Path(directory)

    def path(self, page, framework, key):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", page)
        return self.directory / safe / f"{framework}-{key}.ipynb"

    def get(self, page, framework, key):
        path = self.path(page, framework, key)
        return nbformat.read(path, as_version=4) if path.exists() else None

    def put(self, page, framework, key, nb):
        path = self.path(page, framework, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{framework}-*.ipynb"):
            old.unlink()           # one entry per page and framework
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)      # never a half-written cache entry


def executed_notebooks(text, page, source_path, cache, log=print):
    """``{framework: executed notebook}`` for a chapter, from the cache or executed.

    Returns also the source notebook.  ``log`` receives one line per framework
    saying whether it was executed (and how long it took) or cached.
    """
    nb = read_source(text)
    code_indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    line_of = dict(zip(code_indices, code_cell_lines(text)))
    results = {}
    for framework in TAGS:
        nb_framework = split(nb, framework)
        key = cache_key(nb_framework)
        cached = cache.get(page, framework, key)
        if cached is not None:
            results[framework] = cached
            log(f"{page}: {framework} outputs from the cache ({key})")
            continue
        start = time.perf_counter()
        try:
            execute(nb_framework, pathlib.Path(source_path).parent)
        except CellFailed as error:
            failed = _failed_cell(nb_framework)
            line = line_of.get(failed.metadata["source_index"], "?") if failed else "?"
            raise CellFailed(f"{source_path}:{line}: a {LABELS[framework]} cell failed "
                             f"(framework '{framework}'):\n{error}") from None
        log(f"{page}: executed {framework} in {time.perf_counter() - start:.1f} s")
        cache.put(page, framework, key, nb_framework)
        results[framework] = nb_framework
    return nb, results


def _failed_cell(nb_framework):
    for cell in nb_framework.cells:
        if cell.cell_type == "code" and any(o.get("output_type") == "error"
                                            for o in cell.get("outputs", [])):
            return cell
    return None


def outputs_by_source_index(nb_framework):
    return {c.metadata["source_index"]: c.get("outputs", [])
            for c in nb_framework.cells if c.cell_type == "code"}


def _comparable(outputs):
    """Outputs without what differs between identical runs (counts, metadata)."""
    keep = []
    for output in outputs:
        output = dict(output)
        output.pop("execution_count", None)
        output.pop("metadata", None)
        output.pop("transient", None)
        keep.append(output)
    return json.dumps(keep, sort_keys=True)


def _tab_set(slot_prefix):
    """A MyST tab set with one slot per framework (filled by framework_tabs.py)."""
    items = []
    for tag, label in FRAMEWORKS:
        selected = "\n:selected:" if tag == DEFAULT_FRAMEWORK else ""
        items.append(f"````{{tab-item}} {label}\n:sync: {tag}{selected}\n"
                     f"```{{framework-slot}} {slot_prefix}-{tag}\n```\n````")
    return "`````{tab-set}\n:sync-group: framework\n" + "\n".join(items) + "\n`````"


def _slot_cell(source, slot, framework, outputs, remove_input=False):
    tags = [framework] + (["remove-input"] if remove_input else [])
    cell = nbformat.v4.new_code_cell(without_grader_markers(source),
                                     metadata={"tags": tags, "framework_slot": slot})
    cell.outputs = outputs
    return cell


def merge(nb, executed):
    """One notebook for MyST-NB with every framework's outputs.

    * A run of consecutive framework cells becomes a tab set: each tab holds
      that framework's cells with their outputs.
    * A shared cell is shown once; if its outputs differ between frameworks,
      they follow it in a tab set of their own.
    """
    outputs = {fw: outputs_by_source_index(executed[fw]) for fw in TAGS}
    cells = []
    index, group = 0, 0
    while index < len(nb.cells):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            cells.append(copy.deepcopy(cell))
            index += 1
            continue
        if framework_of(cell) is None:
            per_framework = {fw: outputs[fw][index] for fw in TAGS}
            shared = copy.deepcopy(cell)
            shared.source = without_grader_markers(shared.source)
            if AUTOGRADER in shared.metadata.get("tags", []):
                shared.metadata["tags"].append("remove-cell")
            if len({_comparable(o) for o in per_framework.values()}) == 1:
                shared.outputs = per_framework[DEFAULT_FRAMEWORK]
                cells.append(shared)
            else:
                group += 1
                shared.outputs = []
                cells.append(shared)
                cells.append(nbformat.v4.new_markdown_cell(_tab_set(f"g{group}")))
                for fw in TAGS:
                    cells.append(_slot_cell(cell.source, f"g{group}-{fw}", fw,
                                            per_framework[fw], remove_input=True))
            index += 1
            continue
        # a run of framework cells
        run = []
        while (index < len(nb.cells) and nb.cells[index].cell_type == "code"
               and framework_of(nb.cells[index]) is not None):
            run.append(index)
            index += 1
        group += 1
        missing = [fw for fw in TAGS if not any(framework_of(nb.cells[i]) == fw for i in run)]
        if missing:
            raise ValueError(f"framework cells starting at cell {run[0]} have no "
                             f"{', '.join(missing)} version: every tab set needs all three")
        cells.append(nbformat.v4.new_markdown_cell(_tab_set(f"g{group}")))
        for fw in TAGS:
            for i in run:
                if framework_of(nb.cells[i]) == fw:
                    cells.append(_slot_cell(nb.cells[i].source, f"g{group}-{fw}", fw,
                                            outputs[fw][i]))
    merged = copy.deepcopy(nb)
    merged.cells = cells
    renumber_cells(merged, "merged")
    merged.metadata["kernelspec"] = dict(KERNELSPEC)
    # The outputs are already there: MyST-NB must not execute anything.
    merged.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    return merged


def runnable_notebook(nb_framework):
    """A clean notebook for readers: plain Markdown, no tests, no bookkeeping."""
    nb = copy.deepcopy(nb_framework)
    nb.cells = [c for c in nb.cells if AUTOGRADER not in c.metadata.get("tags", [])]
    renumber_cells(nb)
    for cell in nb.cells:
        cell.metadata.pop("source_index", None)
        if cell.cell_type == "code":
            cell.source = without_grader_markers(cell.source)
    nb.metadata.pop("framework", None)
    return convert_notebook(nb)


def chapter_sources(root=ROOT):
    """(page name, path) of every framework chapter under chapters/."""
    for path in sorted((root / "chapters").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---") and is_framework_notebook(read_source(text)):
            yield str(path.relative_to(root).with_suffix("")), path


def write_notebooks(out, cache_dir):
    out = pathlib.Path(out)
    cache = ExecutionCache(cache_dir)
    for page, path in chapter_sources():
        _, executed = executed_notebooks(path.read_text(encoding="utf-8"), page, path, cache)
        for fw, nb in executed.items():
            target = out / f"{path.stem}-{fw}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(runnable_notebook(nb), target)
            print(f"wrote {target}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="framework notebooks of the chapters")
    sub = parser.add_subparsers(dest="command", required=True)
    notebooks = sub.add_parser("notebooks", help="write one runnable notebook per framework")
    notebooks.add_argument("--out", default="notebooks")
    notebooks.add_argument("--cache", default=str(ROOT / "_build" / "framework_cache"))
    args = parser.parse_args(argv)
    try:
        write_notebooks(args.out, args.cache)
    except CellFailed as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
