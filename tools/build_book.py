"""``make book``: Jupyter Book's ``build`` command, started without a slow import.

    python tools/build_book.py [--edition full|course] [jupyter-book build arguments …]

jsonschema (imported by Jupyter Book and nbformat to validate configs and
notebooks) loads the optional package ``rfc3987_syntax`` when it is installed
— jupyter-events' dependencies install it — and that package compiles 38
grammars at import: 1.8 s of every build on the reference machine, for an IRI
format check that no schema here uses.  Marking it absent before anything
imports jsonschema keeps an unchanged rebuild within seconds.

``--edition course`` (``make book EDITION=course``) builds the course
edition (``pipeline/editions.py``) into ``_build/html-course``, with doctrees
of its own (``_build/.doctrees-course``), so that the two editions never
make each other re-read a page; both share the execution cache.  Jupyter
Book has no option for either, so its call of Sphinx is wrapped.
"""

import pathlib
import sys

sys.modules.setdefault("rfc3987_syntax", None)   # `import rfc3987_syntax` → ImportError

from jupyter_book.cli.main import main  # noqa: E402

EDITIONS = ("full", "course")


def edition_from(argv):
    """``(edition, the other arguments)``: ``--edition X`` or ``--edition=X`` taken out."""
    edition, rest, args = "full", [], iter(argv)
    for arg in args:
        if arg == "--edition":
            edition = next(args, "")
        elif arg.startswith("--edition="):
            edition = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if edition not in EDITIONS:
        sys.exit(f"error: --edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    return edition, rest


def build_edition(edition):
    """Make Jupyter Book build ``edition`` into ``_build/html-<edition>``."""
    import jupyter_book.cli.main as cli
    import jupyter_book.sphinx

    build_sphinx = jupyter_book.sphinx.build_sphinx
    report = cli.builder_specific_actions

    def output(path):
        path = pathlib.Path(path)
        return path.with_name(f"{path.name}-{edition}")

    def build(sourcedir, outputdir, *, confoverrides=None, doctreedir=None, **kwargs):
        outputdir = output(outputdir)
        return build_sphinx(sourcedir, outputdir, confoverrides={**(confoverrides or {}),
                                                                  "edition": edition},
                            doctreedir=outputdir.parent / f".doctrees-{edition}", **kwargs)

    jupyter_book.sphinx.build_sphinx = build       # cli.main imports it at call time
    cli.builder_specific_actions = lambda result, builder, path, *args: report(
        result, builder, output(path), *args)


if __name__ == "__main__":
    edition, args = edition_from(sys.argv[1:])
    if edition != "full":
        build_edition(edition)
    sys.exit(main(["build", *args]))
