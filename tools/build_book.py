"""``make book``: one edition of the book, built by Sphinx's own entry point.

    python tools/build_book.py BOOK [--edition full|course] [--framework TAG]
        [--builder html|latex|pdflatex] [--path-output DIR] [-n] [-W] [--keep-going] [-a]

Two public steps:

1. **Configuration.**  ``jupyter-book config sphinx`` (Jupyter Book's
   documented command) turns ``_config.yml`` into a ``conf.py``, here written
   to ``_build/conf/`` (never into the repository), and again only when
   ``_config.yml``, the book's folder, Jupyter Book or what is added changed:
   the command takes about 1.5 s (jsonschema, which validates the config).
   To it this script adds what that command leaves out (:data:`ADDED`):
   the folders of ``sphinx.local_extensions`` on ``sys.path`` (``jupyter-book
   build`` puts them on its own), and the book's folder before the settings
   Sphinx reads relative to the folder of ``conf.py``.
2. **Build.**  ``sphinx-build`` (``sphinx.cmd.build.build_main``) on that
   ``conf.py``, with the edition as configuration values: ``-D edition=course``
   (``pipeline/editions.py``) and, for one framework's PDF, ``-D
   framework_edition=<tag>`` (``_ext/framework_tabs.py``).  Each edition has
   its own output and doctrees (``_build/html-course``,
   ``_build/.doctrees-course``: ``pipeline.editions.built_name``), so that the
   two editions never make each other read a page again; both share the
   execution cache.  ``--builder pdflatex`` then runs ``make all-pdf`` in the
   LaTeX folder, as ``jupyter-book build --builder pdflatex`` does.

Start-up: Sphinx and the extensions that ``conf.py`` lists, about 1.1 s of
imports (with bytecode cached; 0.9 s with ``jupyter-book build`` before).
MyST-NB imports its execution clients whatever its settings (``myst_nb.core.execute``:
jupyter-cache and SQLAlchemy, 0.2–0.3 s; 0.8–1.3 s where their bytecode is not
cached, as in an environment that uv made without ``--compile-bytecode`` and
that Python may not write to); they are no longer stubbed out, which broke as
soon as MyST-NB imported another name from them.  Jupyter Book's command line
(0.13 s) is no longer imported, and its configuration code only when
``conf.py`` is written again.  Two optional packages are marked absent (below).
When the build is over, the process ends at once (``os._exit``): everything
is written and closed by then, and tearing down the interpreter's many
thousand objects one by one took another 0.5 s.
"""

import argparse
import hashlib
import logging
import os
import pathlib
import shutil
import subprocess
import sys

# Optional packages that are installed (as other tools' dependencies) but
# that the build never uses, marked absent before anything imports them (an
# import of a name that sys.modules maps to None raises ImportError, which
# their importers handle):
# * jsonschema (nbformat validates notebooks with it) imports rfc3987_syntax
#   when it is installed (jupyter-events installs it) and compiles 38 grammars,
#   1.7 s, for an IRI format check that no schema here uses;
# * jupytext's package imports its Jupyter contents managers (tornado and
#   jupyter_server, 0.3 s); it falls back to going without, as it does where
#   no Jupyter server is installed.
for _absent in ("rfc3987_syntax", "jupytext.sync_contentsmanager", "jupytext.async_contentsmanager"):
    sys.modules.setdefault(_absent, None)

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import editions
from pipeline.cache import write_atomically

#: What ``jupyter-book config sphinx`` leaves out of ``conf.py``, added to it:
#: ``{book}`` is the book's folder, ``{local}`` its local extensions' folders.
ADDED = '''

# Added by tools/build_book.py: what `jupyter-book config sphinx` leaves out.
def _added(settings, book={book!r}, local={local!r}):
    import os
    import sys
    # sphinx.local_extensions: `jupyter-book build` puts their folders on its sys.path.
    sys.path.extend(folder for folder in local if folder not in sys.path)
    # Settings that Sphinx and sphinxcontrib-bibtex read relative to the folder
    # of conf.py, which is not the book's: `jupyter-book build` has no conf.py,
    # and Sphinx then reads them relative to the book's folder.
    def in_book(path):
        return path if not path or "://" in path else os.path.join(book, path)
    for name in ("templates_path", "html_static_path", "html_extra_path", "html_logo",
                 "html_favicon", "latex_logo", "latex_additional_files", "bibtex_bibfiles"):
        if name in settings:
            value = settings[name]
            settings[name] = [in_book(path) for path in value] if isinstance(value, list) else in_book(value)


_added(globals())
del _added
'''

BUILDERS = {"html": "html", "latex": "latex", "pdflatex": "latex"}


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=pathlib.Path, help="the book's folder (with _config.yml)")
    parser.add_argument("--edition", choices=editions.EDITIONS, default=editions.EDITIONS[0])
    parser.add_argument("--framework", default="", metavar="TAG",
                        help="build the single-framework edition of this framework")
    parser.add_argument("--builder", choices=BUILDERS, default="html")
    parser.add_argument("--path-output", type=pathlib.Path, default=None,
                        help="write _build/ below this folder instead of the book's")
    parser.add_argument("-n", dest="nitpicky", action="store_true", help="warn about every missing reference")
    parser.add_argument("-W", dest="warnings_are_errors", action="store_true")
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("-a", dest="write_all", action="store_true", help="write every page")
    return parser.parse_args(argv)


def sphinx_conf(book, folder):
    """``folder/conf.py`` for ``book``, written by ``jupyter-book config sphinx``
    (plus :data:`ADDED`) unless the one there was made from the same things."""
    config = (book / "_config.yml").read_bytes()
    local = [*dict.fromkeys(str((book / path).resolve())
             for path in (_yaml(config).get("sphinx") or {}).get("local_extensions", {}).values())]
    added = ADDED.format(book=str(book), local=local)
    from jupyter_book import __version__      # a few lines; Sphinx loads it as an extension
    key = hashlib.sha256(b"\0".join([config, str(book).encode(), added.encode(),
                                     __version__.encode()]))
    stamp = f"# made from: {key.hexdigest()}\n"
    conf = folder / "conf.py"
    if conf.is_file() and conf.read_text(encoding="utf-8").startswith(stamp):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    # The command writes conf.py beside the configuration it reads: a copy here.
    shutil.copyfile(book / "_config.yml", folder / "_config.yml")
    made = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
                           "config", "sphinx", str(book), "--config", str(folder / "_config.yml")],
                          capture_output=True, text=True)
    if made.returncode:
        sys.exit(f"error: `jupyter-book config sphinx` could not turn {book / '_config.yml'} into "
                 f"a Sphinx configuration:\n{(made.stdout + made.stderr)[-3000:]}")
    # the stamp last: a conf.py cut short is written again at the next build
    write_atomically(conf, stamp + conf.read_text(encoding="utf-8") + added)
    return folder


def _yaml(text):
    import yaml
    return yaml.safe_load(text) or {}


def build(args):
    """Build one edition; return the exit code."""
    from sphinx.cmd.build import build_main

    book = args.book.resolve()
    out = (args.path_output.resolve() if args.path_output else book) / "_build"
    builder = BUILDERS[args.builder]
    output = out / editions.built_name(builder, args.edition)
    # one conf.py per book, wherever the output goes
    options = ["-b", builder, "-c", str(sphinx_conf(book, book / "_build" / "conf")),
               "-d", str(out / editions.built_name(".doctrees", args.edition)),
               "-D", f"{editions.EDITION}={args.edition}"]
    if args.framework:
        options += ["-D", f"{editions.FRAMEWORK_EDITION}={args.framework}"]
    options += [flag for flag, wanted in (("-n", args.nitpicky), ("-W", args.warnings_are_errors),
                                          ("--keep-going", args.keep_going), ("-a", args.write_all))
                if wanted]
    code = build_main([*options, str(book), str(output)])
    if code == 0 and args.builder == "pdflatex":
        # the Makefile Sphinx writes beside the LaTeX: XeLaTeX through latexmk
        code = subprocess.run([os.environ.get("MAKE", "make"), "all-pdf"], cwd=output).returncode
        if code:
            print(f"error: the LaTeX in {output} did not become a PDF (see its .log)", file=sys.stderr)
    return code


if __name__ == "__main__":
    code = build(arguments(sys.argv[1:]))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
