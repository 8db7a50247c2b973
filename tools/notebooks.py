"""``make notebooks``: one runnable notebook per page and framework.

    python tools/notebooks.py [--book .] [--edition full|course] [--out FOLDER]

Outputs come from the book build's execution cache (``_build/framework_cache``)
where the code is unchanged, so after ``make book`` nothing executes; the
prose is always the current source's.  Pages keep their folders below
``--out`` (``chapters/…/minibatch-sgd-pytorch.ipynb``), by default
``notebooks`` (``notebooks-course`` for the course edition,
``pipeline.editions.built_name``).  ``--edition course`` leaves the solutions
out, like the course edition of the book (``pipeline/editions.py``).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

import nbformat
import yaml

from pipeline import editions, errors, export, frameworks as frameworks_module, outputs, source
from pipeline.cache import OutputCache, write_atomically


def toc_files(node):
    """Every ``file:``/``root:`` of a ``_toc.yml`` (any nesting of parts/chapters/sections)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("root", "file") and isinstance(value, str):
                yield value
            else:
                yield from toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from toc_files(item)


def framework_pages(book, frameworks):
    """Every page of the book's table of contents with framework cells."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    for name in toc_files(toc):
        path = book / f"{pathlib.PurePosixPath(name).with_suffix('')}.md"
        if not path.exists():
            continue                 # an .ipynb or .rst page: no framework cells
        text = path.read_text(encoding="utf-8")
        if text.startswith("---") and source.is_framework_notebook(source.read(text), frameworks):
            yield source.Page.from_file(path, book)


def write_notebooks(book, out, cache_dir, log=print, edition="full"):
    book, out = pathlib.Path(book).resolve(), pathlib.Path(out)
    frameworks = frameworks_module.from_config(book)
    cache = OutputCache(cache_dir, note=log)
    bibliography = book / "references.bib"
    written = []
    for page in framework_pages(book, frameworks):
        nb, executed = outputs.executed_notebooks(page, frameworks, cache, log, search_path=(book,))
        _, executed = editions.for_edition(edition, nb, executed, page)
        for framework in frameworks:
            target = out / export.notebook_name(page.name, framework)
            nb = export.runnable_notebook(executed[framework.tag], bibliography, page, framework,
                                          export.book_installation(book, framework))
            write_atomically(target, nbformat.writes(nb))
            log(f"wrote {target}")
            written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=str(ROOT), help="the book's root folder")
    parser.add_argument("--out", default=None,
                        help="where to write them (default: notebooks, or notebooks-course)")
    parser.add_argument("--cache", default=None,
                        help="execution cache (default: BOOK/_build/framework_cache)")
    parser.add_argument("--edition", default=editions.EDITIONS[0], choices=editions.EDITIONS)
    args = parser.parse_args(argv)
    out = args.out or editions.built_name("notebooks", args.edition)
    cache = args.cache or pathlib.Path(args.book) / "_build" / "framework_cache"
    try:
        write_notebooks(args.book, out, cache, edition=args.edition)
    except (errors.BookError, errors.ConfigError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
