"""``make pdf``: one PDF of the whole book per framework, from the execution cache.

    python tools/build_pdf.py [--book .] [--frameworks pytorch ...] [--edition full|course]

For each framework this builds a single-framework edition of the book
(``BOOK_FRAMEWORK_EDITION``, see ``_ext/framework_tabs.py``) with Jupyter
Book's LaTeX route and XeLaTeX into ``_build/pdf-build/<tag>/``, and copies
the PDF to ``_build/pdf/<name>-<tag>.pdf`` and, when the web site has been
built, into ``_build/html/pdf/``; then it builds that site again, whose pages
link only the PDFs it has (``make book`` alone links none).  Nothing executes:
the outputs come from ``_build/framework_cache``.  A glyph missing from the
fonts is an error, as a warning is under ``-W``.

``--edition course`` builds the course edition's PDFs (no solutions, see
``pipeline/editions.py``) into ``_build/pdf/<name>-<tag>-course.pdf`` and
``_build/html-course/pdf/``, under the names the course site links.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import editions, frameworks as frameworks_module, system

EDITION_ENV = "BOOK_FRAMEWORK_EDITION"
MISSING_GLYPH = re.compile(r"^Missing character: .*$", re.M)


def pdf_stem(book):
    """The stem of ``latex.latex_documents.targetname`` in ``_config.yml``."""
    import yaml
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    target = ((config.get("latex") or {}).get("latex_documents") or {}).get("targetname", "book.tex")
    return pathlib.PurePosixPath(target).stem


def build(book, framework, edition="full", log=print):
    """Build one framework's PDF of ``edition``; return its path below ``_build/pdf``."""
    out = book / "_build" / "pdf-build" / framework.tag
    suffix, stem = editions.folder_suffix(edition), pdf_stem(book)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), str(book), "--builder", "pdflatex",
         "--edition", edition, "--path-output", str(out), "-n", "-W", "--keep-going"],
        env={**os.environ, EDITION_ENV: framework.tag}, capture_output=True, text=True)
    latex = out / "_build" / f"latex{suffix}"
    if result.returncode != 0:
        raise SystemExit(f"error: the {framework.label} PDF ({edition} edition) did not build "
                         f"(log: {latex / (stem + '.log')}):\n{(result.stdout + result.stderr)[-3000:]}")
    log_text = (latex / f"{stem}.log").read_text(errors="replace")
    missing = sorted(set(MISSING_GLYPH.findall(log_text)))
    if missing:
        raise SystemExit(f"error: the {framework.label} PDF lacks glyphs (install the fonts "
                         f"named in the README):\n" + "\n".join(missing[:20]))
    target = book / "_build" / "pdf" / f"{stem}-{framework.tag}{suffix}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(latex / f"{stem}.pdf", target)
    site = book / "_build" / f"html{suffix}"
    if site.is_dir():                  # the page links pdf/<stem>-<tag>.pdf in either edition
        (site / "pdf").mkdir(exist_ok=True)
        shutil.copyfile(target, site / "pdf" / f"{stem}-{framework.tag}.pdf")
    log(f"{framework.label}: {target.relative_to(book)} in {time.perf_counter() - start:.1f} s")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=str(ROOT))
    parser.add_argument("--frameworks", nargs="+", default=None)
    parser.add_argument("--edition", choices=editions.EDITIONS, default="full")
    args = parser.parse_args(argv)
    book = pathlib.Path(args.book).resolve()
    frameworks = frameworks_module.from_config(book)
    why_not = system.require("pdf")          # in CI: an error
    if why_not:
        print(f"skipping the {args.edition} edition's PDFs: {why_not}")
        return
    for tag in args.frameworks or frameworks.tags:
        build(book, frameworks.get(tag), args.edition)
    site = book / "_build" / f"html{editions.folder_suffix(args.edition)}"
    if site.is_dir():
        # The pages link only the PDFs their site has: read them again (from
        # the execution cache; nothing executes) now that it has these.
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                        "--builder", "html", "--edition", args.edition, "-n", "-W",
                        "--keep-going"], check=True)


if __name__ == "__main__":
    main()
