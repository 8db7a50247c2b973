"""``make pdf``: one PDF of the whole book per framework, from the execution cache.

    python tools/build_pdf.py [--book .] [--frameworks pytorch ...] [--edition full|course]

For each framework this builds a single-framework edition of the book
(``tools/build_book.py --framework <tag>``: the config value
``framework_edition``, see ``_ext/framework_tabs.py``) with Sphinx's LaTeX
builder and XeLaTeX into ``_build/pdf-build/<tag>/``, and copies the PDF to
``_build/pdf/<name>-<tag>.pdf`` (``pipeline.editions.pdf_name``: the name is
the LaTeX target's of ``_config.yml``) and, when the web site has been built,
into ``_build/html/pdf/``; then it builds that site again, whose pages
link only the PDFs it has (``make book`` alone links none).  Nothing executes:
the outputs come from ``_build/framework_cache``.  A glyph missing from the
fonts is an error, as a warning is under ``-W``.

``--edition course`` builds the course edition's PDFs (no solutions, see
``pipeline/editions.py``) into ``_build/pdf/<name>-<tag>-course.pdf`` and
``_build/html-course/pdf/``, under the names the course site links.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import editions, frameworks as frameworks_module, system

MISSING_GLYPH = re.compile(r"^Missing character: .*$", re.M)


def build(book, framework, edition="full", log=print):
    """Build one framework's PDF of ``edition``; return its path below ``_build/pdf``."""
    out = book / "_build" / "pdf-build" / framework.tag
    stem = pathlib.PurePosixPath(editions.latex_target(book)).stem
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), str(book), "--builder", "pdflatex",
         "--edition", edition, "--framework", framework.tag, "--path-output", str(out),
         "-n", "-W", "--keep-going"], capture_output=True, text=True)
    latex = out / "_build" / editions.built_name("latex", edition)
    if result.returncode != 0:
        raise SystemExit(f"error: the {framework.label} PDF ({edition} edition) did not build "
                         f"(log: {latex / (stem + '.log')}):\n{(result.stdout + result.stderr)[-3000:]}")
    log_text = (latex / f"{stem}.log").read_text(errors="replace")
    missing = sorted(set(MISSING_GLYPH.findall(log_text)))
    if missing:
        raise SystemExit(f"error: the {framework.label} PDF lacks glyphs (install the fonts "
                         f"named in the README):\n" + "\n".join(missing[:20]))
    target = book / "_build" / "pdf" / editions.pdf_name(book, framework.tag, edition)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(latex / f"{stem}.pdf", target)
    site = book / "_build" / editions.built_name("html", edition)
    if site.is_dir():                  # each site's pdf/ has its own edition's, under one name
        (site / "pdf").mkdir(exist_ok=True)
        shutil.copyfile(target, site / "pdf" / editions.pdf_name(book, framework.tag))
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
    site = book / "_build" / editions.built_name("html", args.edition)
    if site.is_dir():
        # The pages link only the PDFs their site has: read them again (from
        # the execution cache; nothing executes) now that it has these.
        subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                        "--builder", "html", "--edition", args.edition, "-n", "-W",
                        "--keep-going"], check=True)


if __name__ == "__main__":
    main()
