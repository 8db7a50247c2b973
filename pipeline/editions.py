"""Editions of the book: the full one, and the course edition without solutions.

``full``
    everything: the public book, each exercise with its worked solution
    (folded on the page).
``course``
    for a class that grades the exercises: every solution region (see
    :mod:`pipeline.exercises`) is replaced by :data:`NOTE`; the exercises
    stay.  Its code, outputs, figures and quoted values go with it, on the
    page and in the downloadable notebooks.

An edition is made from the executed notebooks, after the cache: the course
edition executes nothing the full one has not.
"""

from __future__ import annotations

import copy

import nbformat

from . import exercises, values
from .errors import BookError

EDITIONS = ("full", "course")

#: What the course edition shows in place of a solution.
NOTE = "*本练习的解答由任课教师提供。*"


def check(edition):
    if edition not in EDITIONS:
        raise BookError(f"unknown edition {edition!r}: use one of {', '.join(EDITIONS)}")
    return edition


def folder_suffix(edition):
    """What ``edition`` adds to the names of its built folders and files:
    nothing for the full edition, ``-course`` for the course edition
    (``_build/html-course``, ``minibatch-sgd-pytorch-course.pdf``)."""
    return "" if check(edition) == "full" else f"-{edition}"


def without_solutions(nb, note=NOTE, path=None):
    """``nb`` without its solution regions; each leaves ``note`` behind.

    Works on a page's source notebook and on a framework's executed notebook
    alike; cells keep their metadata (``source_index`` included).  A cell
    made of what is left of a markdown cell starts at the ``source_line`` of
    its first piece (the note at its solution's); further down, its lines
    are off by what was left out above them in that cell.
    """
    out = copy.deepcopy(nb)
    out.cells = []
    kept, current, first_line = [], None, None
    lines = _PieceLines()

    def flush():
        if kept:
            cell = copy.deepcopy(current)
            cell.source = "\n\n".join(kept)
            if first_line is not None:
                cell.metadata["source_line"] = first_line
            out.cells.append(cell)
            kept.clear()

    for part in exercises.walk(nb, path):
        if part.cell is not current:
            flush()
            current = part.cell
        if part.piece is None:                     # a code cell
            if part.region is None:
                out.cells.append(copy.deepcopy(part.cell))
            continue
        line = lines.of(part.piece, part.cell)
        if part.piece.kind in ("start", "solution"):
            kept.append(note)
        elif part.region is None and part.piece.kind != "end":
            kept.append(part.piece.text)
        else:
            continue
        if len(kept) == 1:
            first_line = line
    flush()
    return out


class _PieceLines:
    """The ``.md`` line of each piece of a markdown cell, pieces asked in order
    (each piece's text is a part of its cell's source, after the previous one)."""

    def __init__(self):
        self.cell, self.searched = None, 0

    def of(self, piece, cell):
        if cell is not self.cell:
            self.cell, self.searched = cell, 0
        start = cell.source.find(piece.text, self.searched)
        line = cell.metadata.get("source_line")
        if start < 0 or line is None:
            return line
        self.searched = start + len(piece.text)
        return line + cell.source.count("\n", 0, start)


def solution_only_values(nb_framework, path=None):
    """Names glued inside solution regions and nowhere else."""
    inside, outside = set(), set()
    for part in exercises.walk(nb_framework, path):
        if part.piece is None:
            names = {name for name in values.collect(_alone(part.cell))}
            (inside if part.region is not None else outside).update(names)
    return inside - outside


def _alone(cell):
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    return nb


def course(nb, executed, page=None):
    """The course edition of a page: ``(source notebook, {tag: executed notebook})``.

    Code cells of the source remember their index in the full source
    (``source_index``), which is how :func:`pipeline.merge.merge` finds
    their outputs.  Prose outside the solutions must not quote a value
    glued only inside one: the course edition could not show it.
    """
    path = page.path if page is not None else None
    stamped = copy.deepcopy(nb)
    for index, cell in enumerate(stamped.cells):
        if cell.cell_type == "code":
            cell.metadata["source_index"] = index
    kept = without_solutions(stamped, path=path)
    hidden = set().union(*(solution_only_values(e, path) for e in executed.values()))
    for cell in kept.cells:
        if cell.cell_type != "markdown":
            continue
        for match in values.ROLE.finditer(cell.source):
            if match["name"] in hidden:
                raise BookError(f"the prose outside the solutions quotes {{value}}`{match['name']}`, "
                                f"which only a solution's hidden cell glues: the course edition "
                                f"leaves the solutions out; glue it outside the solution",
                                path=path, line=values.quoting_line(page, match["name"]))
    return kept, {tag: without_solutions(e, path=path) for tag, e in executed.items()}


def for_edition(edition, nb, executed, page=None):
    """The page in ``edition``: unchanged for ``full``."""
    if check(edition) == "full":
        return nb, executed
    return course(nb, executed, page)
