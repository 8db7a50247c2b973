"""``make book``: Jupyter Book's ``build`` command, started without slow imports.

    python tools/build_book.py [--edition full|course] [jupyter-book build arguments …]

Three imports at start-up load large packages that the build never uses;
they are cut here, before anything imports them:

* jsonschema (imported by Jupyter Book and nbformat to validate configs and
  notebooks) loads the optional package ``rfc3987_syntax`` when it is
  installed (jupyter-events' dependencies install it); it compiles 38
  grammars at import, 1.8 s, for an IRI format check that no schema here
  uses.  Marked absent, jsonschema goes without it.
* jupytext's package imports its Jupyter contents managers (tornado and
  jupyter_server, 0.3 s); the build only reads MyST text.  Marked absent,
  jupytext takes its own fallback for environments without a server.
* MyST-NB imports its jupyter-cache and direct execution clients (SQLAlchemy,
  0.3 s).  This book executes its pages itself (``pipeline/``) and keeps
  MyST-NB's execution off (``execute_notebooks: "off"`` in ``_config.yml``);
  the stand-ins say so if a configuration ever asks MyST-NB to execute.

When the build is over, the process ends at once (``os._exit``): everything
is written and closed by then, and tearing down the interpreter's many
thousand objects one by one took another 0.5 s.  Together these keep a
prose edit's rebuild within about 3.5 s on the reference machine.

``--edition course`` (``make book EDITION=course``) builds the course
edition (``pipeline/editions.py``) into ``_build/html-course``, with doctrees
of its own (``_build/.doctrees-course``), so that the two editions never
make each other re-read a page; both share the execution cache.  Jupyter
Book has no option for either, so its call of Sphinx is wrapped.
"""

import logging
import os
import pathlib
import sys
import types


def _execution_off(module, name):
    """A stand-in for MyST-NB's ``module`` whose client ``name`` refuses to run."""
    def refuse(*args, **kwargs):
        raise RuntimeError(
            f"MyST-NB was asked to execute a notebook ({module}.{name}); this book executes its "
            "pages itself (pipeline/execute.py): keep execute: execute_notebooks: \"off\" in "
            "_config.yml")
    stand_in = types.ModuleType(module)
    setattr(stand_in, name, type(name, (), {"__init__": refuse}))
    return stand_in


for _absent in ("rfc3987_syntax", "jupytext.sync_contentsmanager", "jupytext.async_contentsmanager"):
    sys.modules.setdefault(_absent, None)        # `import …` → ImportError, handled by the importer
for _module, _client in (("myst_nb.core.execute.cache", "NotebookClientCache"),
                         ("myst_nb.core.execute.direct", "NotebookClientDirect")):
    sys.modules.setdefault(_module, _execution_off(_module, _client))

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

    # The rule of pipeline.editions.folder_suffix, not imported here: the
    # book's extensions import the pipeline of the book being built.
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
    code = 0
    try:
        main(["build", *args])
    except SystemExit as end:          # click ends every command with sys.exit
        code = end.code or 0
        if not isinstance(code, int):  # sys.exit("message")
            print(code, file=sys.stderr)
            code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
