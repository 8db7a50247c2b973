"""Source → notebooks: read a page, check its tab groups, split it per framework.

A page is a jupytext MyST-Markdown notebook.  Code cells tagged with a
framework's tag belong to that framework; untagged code cells are shared.  A
run of consecutive framework cells (nothing else between them) is one *tab
group* and must hold a version for every framework.
"""

from __future__ import annotations

import copy
import dataclasses
import pathlib
import re

import jupytext

from .errors import BookError

#: Every notebook the pipeline writes runs in the environment's own kernel.
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

#: nbgrader's markers: kept in the source (for ``make assignments``), hidden
#: from readers of the book and of the downloadable notebooks.
GRADER_MARKER = re.compile(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$")

#: Tag of the cells that hold autograder tests: executed, never shown.
AUTOGRADER = "autograder"

#: Tag of the hidden cells that tie the prose to the run (``d2l.glue``,
#: ``d2l.claim``): executed in every build, never shown, not in any notebook.
BOOK = "book"

#: Cells a reader never sees (but the build executes).
HIDDEN = (AUTOGRADER, BOOK)


def is_hidden(cell):
    return bool(set(HIDDEN) & set(cell.get("metadata", {}).get("tags", [])))

CODE_CELL_LINE = re.compile(r"^\s*(`{3,}|~{3,})\{code-cell\}")


@dataclasses.dataclass(frozen=True)
class Page:
    """A page of the book: ``name`` is its path below the book root without
    suffix (Sphinx's docname), ``path`` the file, ``text`` its source."""
    name: str
    path: pathlib.Path
    text: str

    @classmethod
    def from_file(cls, path, book_root):
        path = pathlib.Path(path).resolve()
        name = path.relative_to(pathlib.Path(book_root).resolve()).with_suffix("").as_posix()
        return cls(name, path, path.read_text(encoding="utf-8"))


def without_grader_markers(source):
    return "\n".join(l for l in source.splitlines() if not GRADER_MARKER.match(l))


def renumber_cells(nb, prefix="cell"):
    """Give the cells stable, unique ids (copied cells keep theirs otherwise)."""
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{prefix}-{index}"
    return nb


def code_cell_lines(text):
    """Line numbers (1-based) of the ``{code-cell}`` directives, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if CODE_CELL_LINE.match(line)]


def read(text, path=None):
    """A MyST-Markdown text as a notebook; each code cell knows its source line.

    The line is kept in ``cell.metadata["source_line"]`` for error messages;
    it is never part of a cache key (prose edits move it).
    """
    nb = renumber_cells(jupytext.reads(text, fmt="md:myst"))
    code = [c for c in nb.cells if c.cell_type == "code"]
    lines = code_cell_lines(text)
    if len(lines) != len(code):   # e.g. an indented code-cell inside another directive
        lines = [None] * len(code)
    for cell, line in zip(code, lines):
        cell.metadata["source_line"] = line
    return nb


def is_framework_notebook(nb, frameworks):
    return any(c.cell_type == "code" and frameworks.of_cell(c) for c in nb.cells)


def tab_groups(nb, frameworks, path=None):
    """Indices of the cells of each tab group; raises if one lacks a framework."""
    groups, run = [], []
    for index, cell in enumerate([*nb.cells, None]):
        if cell is not None and cell.cell_type == "code" and _framework(cell, frameworks, path):
            run.append(index)
            continue
        if run:
            present = {frameworks.of_cell(nb.cells[i]).tag for i in run}
            missing = [f.label for f in frameworks if f.tag not in present]
            if missing:
                first = nb.cells[run[0]]
                raise BookError(
                    f"this group of framework cells has no {', '.join(missing)} version: "
                    f"every group of consecutive framework cells needs one cell (or more) for "
                    f"each of {', '.join(f.label for f in frameworks)}; a paragraph or a shared "
                    f"cell between them ends the group",
                    path=path, line=first.metadata.get("source_line"))
            groups.append(run)
            run = []
    return groups


def _framework(cell, frameworks, path):
    try:
        return frameworks.of_cell(cell)
    except ValueError as error:
        raise BookError(str(error), path=path, line=cell.metadata.get("source_line")) from None


def split(nb, framework, frameworks):
    """The notebook of one framework: prose, shared cells and its own cells.

    Every code cell remembers its index in the source (``source_index``), so
    that the merge can put each framework's cells back where they came from.
    """
    out = copy.deepcopy(nb)
    out.cells = []
    for index, cell in enumerate(nb.cells):
        owner = frameworks.of_cell(cell) if cell.cell_type == "code" else None
        if owner is not None and owner != framework:
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.metadata["source_index"] = index
        out.cells.append(cell)
    out.metadata["kernelspec"] = dict(KERNELSPEC, name=framework.kernel)
    out.metadata.pop("jupytext", None)
    out.metadata["framework"] = framework.tag
    return out
