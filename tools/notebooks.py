"""``make notebooks``: one runnable notebook per page and framework.

    python tools/notebooks.py [--book .] [--out notebooks]

Outputs come from the book build's execution cache (``_build/framework_cache``)
where the code is unchanged, so after ``make book`` nothing executes; the
prose is always the current source's.  Pages keep their folders below
``--out`` (``chapters/…/minibatch-sgd-pytorch.ipynb``).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from pipeline import errors, export, frameworks as frameworks_module, outputs, source  # noqa: E402
from pipeline.cache import OutputCache, write_atomically  # noqa: E402


def framework_pages(book, frameworks):
    """Every page of the book with framework cells, as :class:`source.Page`."""
    for path in sorted(book.rglob("*.md")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(book).parts):
            continue
        text = path.read_text(encoding="utf-8")
        if text.startswith("---") and source.is_framework_notebook(source.read(text), frameworks):
            yield source.Page.from_file(path, book)


def write_notebooks(book, out, cache_dir, log=print):
    book, out = pathlib.Path(book).resolve(), pathlib.Path(out)
    frameworks = frameworks_module.from_config(book)
    cache = OutputCache(cache_dir, warn=log)
    bibliography = book / "references.bib"
    written = []
    for page in framework_pages(book, frameworks):
        _, executed = outputs.executed_notebooks(page, frameworks, cache, log, search_path=(book,))
        for framework in frameworks:
            target = out / export.notebook_name(page.name, framework)
            nb = export.runnable_notebook(executed[framework.tag], bibliography)
            write_atomically(target, nbformat.writes(nb))
            log(f"wrote {target}")
            written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=str(ROOT), help="the book's root folder")
    parser.add_argument("--out", default="notebooks")
    parser.add_argument("--cache", default=None,
                        help="execution cache (default: BOOK/_build/framework_cache)")
    args = parser.parse_args(argv)
    cache = args.cache or pathlib.Path(args.book) / "_build" / "framework_cache"
    try:
        write_notebooks(args.book, args.out, cache)
    except (errors.BookError, errors.ConfigError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
