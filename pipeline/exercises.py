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
"""

from __future__ import annotations

import dataclasses
import re

from .errors import BookError

#: A directive's opening fence (backticks, tildes or colons) and its name.
OPENING = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>[^\n]*)$")
#: Any other opening fence (a plain code block), skipped as a whole.
PLAIN_OPENING = re.compile(r"^(?P<fence>`{3,}|~{3,})[^`\n]*$")
OPTION = re.compile(r"^:[\w-]+:.*$")

#: Directives that structure exercises (the others stay inside text pieces).
STRUCTURE = {"exercise": "exercise", "solution-start": "start", "solution-end": "end",
             "task": "task", "solution": "solution"}


@dataclasses.dataclass(frozen=True)
class Piece:
    """A part of a markdown cell.

    ``kind`` is ``text``, ``exercise``, ``start``, ``end``, ``task`` or
    ``solution``; ``text`` is the source of the part (a whole directive for
    ``exercise``, ``start``, ``end`` and ``solution``); ``body`` the
    directive's content without its options; ``arg`` its argument (the
    exercise's label for ``start``).
    """
    kind: str
    text: str
    body: str = ""
    arg: str = ""


LABEL = re.compile(r"^:label:\s*(\S+)\s*$", re.M)


def label(piece):
    """The exercise a piece belongs to: a solution's argument, an exercise's ``:label:``."""
    if piece.kind in ("start", "solution") and piece.arg:
        return piece.arg
    found = LABEL.search(piece.text)
    return found.group(1) if found else piece.arg


def _closing(lines, start, fence):
    """Index of the line closing ``fence`` opened at ``start`` (or the last line)."""
    char, length = fence[0], len(fence)
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {char} and len(stripped) >= length:
            return index
    return len(lines) - 1


def _body(lines):
    """A directive's content: its leading ``:option:`` lines dropped."""
    index = 0
    while index < len(lines) and OPTION.match(lines[index]):
        index += 1
    return "\n".join(lines[index:]).strip()


def pieces(markdown):
    """Split a markdown text at its structure directives, in order."""
    lines = markdown.split("\n")
    found, text, index = [], [], 0

    def flush():
        if "\n".join(text).strip():
            found.append(Piece("text", "\n".join(text).strip()))
        text.clear()

    while index < len(lines):
        line = lines[index]
        opening = OPENING.match(line)
        plain = None if opening else PLAIN_OPENING.match(line)
        if opening is None and plain is None:
            text.append(line)
            index += 1
            continue
        end = _closing(lines, index, (opening or plain)["fence"])
        block = lines[index:end + 1]
        kind = STRUCTURE.get(opening["name"]) if opening else None
        if kind is None:           # a plain code block or another directive: opaque text
            text.extend(block)
        else:
            flush()
            found.append(Piece(kind, "\n".join(block), _body(block[1:-1]),
                               opening["arg"].strip()))
        index = end + 1
    flush()
    return found


@dataclasses.dataclass(frozen=True)
class Part:
    """One step of :func:`walk`: a markdown piece or a code cell, and the
    solution region it is in (the exercise's label, ``None`` outside)."""
    piece: Piece | None
    cell: object
    region: str | None


def walk(nb, path=None):
    """Every markdown piece and code cell of ``nb`` in order, with its region.

    A region's ``start`` and ``end`` pieces belong to it.  Unbalanced
    regions and tasks outside a solution are errors naming the label.
    """
    region = None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            yield Part(None, cell, region)
            continue
        for piece in pieces(cell.source):
            if piece.kind == "start":
                if region is not None:
                    raise BookError(f"solution-start {piece.arg!r} inside the solution of "
                                    f"{region!r}: close it with solution-end first", path=path)
                if not piece.arg:
                    raise BookError("solution-start needs the exercise's label as its argument",
                                    path=path)
                region = piece.arg
                yield Part(piece, cell, region)
            elif piece.kind == "end":
                if region is None:
                    raise BookError("solution-end without a solution-start", path=path)
                yield Part(piece, cell, region)
                region = None
            elif piece.kind == "task" and region is None:
                raise BookError("a task block outside a solution: it marks the instruction "
                                f"inside a solution region ({piece.body[:40]!r}…)", path=path)
            else:
                yield Part(piece, cell, region)
    if region is not None:
        raise BookError(f"the solution of {region!r} has no solution-end", path=path)
