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

This module also names what an edition builds (:func:`built_name`:
``_build/html-course``; :func:`pdf_name`: the PDFs, after the LaTeX target
of ``_config.yml``) and the Sphinx configuration values that choose an
edition (:data:`EDITION`, :data:`FRAMEWORK_EDITION`), for the build, the
tools, the Makefile's targets and the tests alike.
"""

from __future__ import annotations

import copy
import functools
import pathlib

import nbformat
import yaml

from . import exercises, values
from .errors import BookError

#: The editions, the first the default.
EDITIONS = ("full", "course")

#: The Sphinx configuration values that choose what a build makes
#: (``sphinx-build -D edition=course -D framework_edition=pytorch``, see
#: ``tools/build_book.py``): the edition, and the framework of a
#: single-framework edition (empty for the tabbed book).
EDITION = "edition"
FRAMEWORK_EDITION = "framework_edition"

#: What the course edition shows in place of a solution.
NOTE = "*本练习的解答由任课教师提供。*"

#: Jupyter Book's name of the LaTeX file when ``_config.yml`` names none.
DEFAULT_LATEX_TARGET = "book.tex"


def check(edition):
    if edition not in EDITIONS:
        raise BookError(f"unknown edition {edition!r}: use one of {', '.join(EDITIONS)}")
    return edition


def built_name(name, edition):
    """The name of ``edition``'s folder or file called ``name`` in the full
    edition: ``name`` itself for the full edition, ``name-course`` for the
    course edition (``_build/html-course``, ``_build/.doctrees-course``,
    ``_build/notebooks-course``, ``minibatch-sgd-pytorch-course.pdf``)."""
    return name if check(edition) == "full" else f"{name}-{edition}"


def latex_document(book):
    """What ``BOOK/_config.yml`` sets of the LaTeX document (Sphinx's
    ``latex_documents`` entry, by field name): the book's ``title`` and the
    fields of ``latex.latex_documents`` (``targetname``, the file the PDFs are
    built from) — the rule of ``jupyter-book build`` (``latex_doc_overrides``
    in ``jupyter_book/config.py``)."""
    return dict(_latex_document((pathlib.Path(book) / "_config.yml").read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=4)
def _latex_document(text):
    """:func:`latex_document` of a ``_config.yml``'s text, parsed once: every
    page's download links ask for the PDFs' names."""
    config = yaml.safe_load(text) or {}
    fields = {"title": config["title"]} if "title" in config else {}
    return tuple({**fields, **((config.get("latex") or {}).get("latex_documents") or {})}.items())


def latex_target(book):
    """The LaTeX file the PDFs are built from: ``latex.latex_documents.targetname``
    in ``BOOK/_config.yml`` (Jupyter Book's ``book.tex`` if it names none)."""
    return latex_document(book).get("targetname") or DEFAULT_LATEX_TARGET


def pdf_name(book, tag, edition="full"):
    """The file name of framework ``tag``'s PDF of ``edition``: ``<latex target's
    stem>-<tag>.pdf`` (``minibatch-sgd-pytorch.pdf``,
    ``minibatch-sgd-pytorch-course.pdf``).  Each site's ``pdf/`` folder holds its
    own edition's under the full edition's name, the name its pages link."""
    stem = pathlib.PurePosixPath(latex_target(book)).stem
    return built_name(f"{stem}-{tag}", edition) + ".pdf"


def course_toc(toc, pages):
    """The course edition's table of contents: ``toc`` (the data of ``_toc.yml``)
    without the entries of ``pages`` (docnames, ``instructor_pages`` in
    ``_config.yml``), nor anything listed below them."""
    def kept(entry):
        name = entry.get("file") if isinstance(entry, dict) else None
        return name is None or _docname(name) not in pages

    def walk(node):
        if isinstance(node, dict):      # a list left empty goes (sphinx-external-toc refuses it)
            walked = {key: walk(value) for key, value in node.items()}
            return {key: value for key, value in walked.items() if value != [] or node[key] == []}
        if isinstance(node, list):
            return [walk(item) for item in node if kept(item)]
        return node

    if _docname(toc.get("root", "")) in pages:
        raise BookError(f"the root page {toc['root']!r} is an instructor page (instructor_pages "
                        f"in _config.yml): the course edition must have a root page",
                        path="_toc.yml")
    return walk(toc)


def _docname(name):
    path = pathlib.PurePosixPath(str(name))
    return str(path.with_suffix("")) if path.suffix in (".md", ".ipynb", ".rst") else str(path)


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
        line = exercises.source_line(part.cell, part.piece)
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
