"""Exercise markup: the statement, the worked solution, and the task inside it.

An exercise of a page is written with sphinx-exercise's directives; the
solution spans cells (prose, code, tests), so it is a *region*::

    ```{exercise}
    :label: ex-lr-decay
    The question.
    ```

    ```{solution-start} ex-lr-decay
    :class: dropdown
    ```

    ```{task}
    What to implement, which experiment to run, what to report.
    ```

    Worked answer (prose), code cells, autograder test cells …

    ```{solution-end}
    ```

Inside a region everything is the worked solution except what the author
marked as instruction:

* a ``{task}`` block is the instruction: students keep it;
* a code cell is shown to students as it is, except between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers),
  which becomes a stub;
* any other prose is the answer.

The book shows it all (the solution folded); the course edition drops the
regions (:mod:`pipeline.editions`); ``make assignments`` keeps the tasks,
stubs the marked code and makes the answer prose one answer cell
(:mod:`pipeline.coursework`).  A single-block ``{solution}`` directive is a
region of its own.

The directives are found as Sphinx finds them: with MyST-Parser's markdown-it
parser and the book's extensions (:mod:`pipeline.myst`), so a colon or tilde
fence is a directive and a directive line shown in a code block is not.
"""

from __future__ import annotations

import dataclasses
import functools

from . import myst
from .errors import BookError

#: Directives that structure exercises (the others stay inside text pieces).
STRUCTURE = {"exercise": "exercise", "solution-start": "start", "solution-end": "end",
             "task": "task", "solution": "solution"}


@dataclasses.dataclass(frozen=True)
class Piece:
    """A part of a markdown cell.

    ``kind`` is ``text``, ``exercise``, ``start``, ``end``, ``task`` or
    ``solution``; ``text`` is the source of the part (a whole directive for
    ``exercise``, ``start``, ``end``, ``task`` and ``solution``, fences
    included; a text part without its surrounding blank lines); ``body`` the
    directive's content without its options; ``arg`` its argument (the
    exercise's label for ``start``); ``options`` its options as ``(name,
    value)`` pairs; ``line`` the 0-based line of the cell where the part
    starts, ``body_line`` where its body does (its first line that is not
    blank).
    """
    kind: str
    text: str
    body: str = ""
    arg: str = ""
    options: tuple = ()
    line: int = 0
    body_line: int = 0


def label(piece):
    """The exercise a piece belongs to: a solution's argument, an exercise's ``:label:``."""
    if piece.kind in ("start", "solution") and piece.arg:
        return piece.arg
    return dict(piece.options).get("label") or piece.arg


def pieces(markdown, extensions=myst.EXTENSIONS):
    """Split a markdown text at its structure directives, in order.

    The directives are the top-level ones MyST-Parser sees (backtick, tilde
    or colon fences; options as ``:name:`` lines or a ``---`` block); a
    directive nested in another one, in a list or in a code block stays in
    its text piece.
    """
    return list(_pieces(markdown, tuple(extensions)))


@functools.lru_cache(maxsize=4096)
def _pieces(markdown, extensions):
    # every edition, notebook and assignment walks the same cells again
    lines = markdown.split("\n")
    found, after = [], 0            # after: the first line no piece holds yet

    def text_until(end):
        chunk = lines[after:end]
        if "\n".join(chunk).strip():
            first = after + next(i for i, line in enumerate(chunk) if line.strip())
            found.append(Piece("text", "\n".join(chunk).strip(), line=first))

    for token, name, arg in myst.directives(markdown, extensions):
        kind = STRUCTURE.get(name)
        if kind is None:            # another directive: part of the text around it
            continue
        start, end = token.map
        text_until(start)
        content, before = myst.body(token)
        blank = next((i for i, line in enumerate(content.split("\n")) if line.strip()), 0)
        found.append(Piece(kind, "\n".join(lines[start:end]), content.strip(), arg,
                           tuple(myst.options(token).items()), start, start + before + blank))
        after = end
    text_until(len(lines))
    return tuple(found)


@dataclasses.dataclass(frozen=True)
class Part:
    """One step of :func:`walk`: a markdown piece or a code cell, and the
    solution region it is in (the exercise's label, ``None`` outside)."""
    piece: Piece | None
    cell: object
    region: str | None


def source_line(cell, piece, body=False):
    """The ``.md`` line where ``piece`` of ``cell`` starts (with ``body``: where
    its body does), when the cell knows its own (``metadata["source_line"]``:
    the line of its first source line)."""
    first = cell.metadata.get("source_line")
    return None if first is None else first + (piece.body_line if body else piece.line)


def walk(nb, path=None, extensions=myst.EXTENSIONS):
    """Every markdown piece and code cell of ``nb`` in order, with its region.

    A region's ``start`` and ``end`` pieces belong to it.  Unbalanced
    regions and tasks outside a solution are errors naming the label and,
    when the cells know their source lines, the line.
    """
    region, opened = None, None          # the open region and where it starts
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            yield Part(None, cell, region)
            continue
        for piece in pieces(cell.source, extensions):
            line = source_line(cell, piece)
            if piece.kind == "start":
                if region is not None:
                    raise BookError(f"solution-start {piece.arg!r} inside the solution of "
                                    f"{region!r}{f' (line {opened})' if opened else ''}: close it "
                                    f"with solution-end first", path=path, line=line)
                if not piece.arg:
                    raise BookError("solution-start needs the exercise's label as its argument",
                                    path=path, line=line)
                region, opened = piece.arg, line
                yield Part(piece, cell, region)
            elif piece.kind == "end":
                if region is None:
                    raise BookError("solution-end without a solution-start: open the solution "
                                    "with ```{solution-start} <exercise label>", path=path,
                                    line=line)
                yield Part(piece, cell, region)
                region = None
            elif piece.kind == "task" and region is None:
                raise BookError("a task block outside a solution: it marks the instruction "
                                f"inside a solution region ({piece.body[:40]!r}…); move it "
                                f"between solution-start and solution-end", path=path, line=line)
            else:
                yield Part(piece, cell, region)
    if region is not None:
        raise BookError(f"the solution of {region!r} has no solution-end: close it with "
                        f"```{{solution-end}}", path=path, line=opened)
