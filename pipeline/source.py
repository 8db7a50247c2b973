"""Source → notebooks: read a page, check its tab groups, split it per framework.

A page is a MyST-Markdown notebook (read with MyST-NB's own reader, the one
Sphinx renders it with).  Code cells tagged with a framework's tag belong to
that framework; untagged code cells are shared.  A run of consecutive
framework cells (nothing else between them) is one *tab group* and must hold
a version for every framework.

Every cell knows the line of the ``.md`` file it starts on
(``cell.metadata["source_line"]``), from MyST-NB's source map: errors of the
pipeline name it, and the notebook MyST-NB renders gets it back as its
``source_map`` (:func:`with_source_map`), so that Sphinx's and MyST's
warnings name it too.
"""

from __future__ import annotations

import copy
import dataclasses
import pathlib
import re

from myst_nb.core.read import MystMetadataParsingError, read_myst_markdown_notebook
from myst_parser.config.main import MdParserConfig

from . import myst
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


def read(text, path=None, extensions=myst.EXTENSIONS):
    """A MyST-Markdown text as a notebook, read as MyST-NB reads it (with the
    MyST ``extensions`` the book enables); every cell knows its source line.

    ``cell.metadata["source_line"]`` is the 1-based line of the ``.md`` file:
    a code cell's ``{code-cell}`` fence, a markdown cell's first line.  It is
    for messages only, never part of a cache key (prose edits move it).
    """
    config = MdParserConfig(enable_extensions=set(extensions))
    try:
        nb = read_myst_markdown_notebook(text, config, add_source_map=True, path=path)
    except MystMetadataParsingError as error:
        # MyST-NB's message says "… cell N at line L could not be read: why"
        line = re.search(r"\bat line (\d+)\b", str(error))
        raise BookError(f"{error} (a cell's options are a YAML block between --- lines or "
                        f":key: value lines; a +++ line's metadata a JSON object)", path=path,
                        line=int(line[1]) if line else None) from None
    lines = text.splitlines()
    for cell, start in zip(nb.cells, nb.metadata.pop("source_map")):
        cell.metadata["source_line"] = _first_line(cell, start, lines)
    return renumber_cells(nb)


def _first_line(cell, start, lines):
    """The 1-based line of ``cell``'s first line, from MyST-NB's ``start``.

    For a code (or raw) cell MyST-NB's map holds the 1-based line of its
    fence.  For a markdown cell it holds the 0-based line where the text
    after the previous cell begins, before the blank lines that MyST-NB
    strips from the cell's start: skip those.
    """
    if cell.cell_type != "markdown":
        return start
    while start < len(lines) and not lines[start]:
        start += 1
    return start + 1


#: How far the lines that warnings name are past a cell's ``source_map``
#: entry: MyST-NB starts a cell's tokens at its entry + 1
#: (``myst_nb.core.nb_to_tokens``), and MyST-Parser makes every token's line
#: 1-based (+1 again, ``DocutilsRenderer._render_tokens``).  So line ``k``
#: (0-based) of cell ``i`` is reported as ``source_map[i] + 2 + k``.
SOURCE_MAP_SHIFT = 2


def with_source_map(nb, keep_lines=False):
    """``nb`` (changed in place) for MyST-NB: each cell's ``source_line`` moved
    into the notebook's ``source_map``, so that Sphinx's and MyST's warnings
    on a cell's first line name its ``source_line`` (and a code cell's, its
    ``{code-cell}`` fence).  A cell without a line (none the pipeline makes)
    stands at the line of the cell before it.  ``keep_lines``: copied, not
    moved (a conversion that follows names them in its errors)."""
    line, source_map = 1, []
    for cell in nb.cells:
        found = cell.metadata.get("source_line") if keep_lines else cell.metadata.pop("source_line", None)
        line = found or line
        source_map.append(line - SOURCE_MAP_SHIFT)
    nb.metadata["source_map"] = source_map
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
