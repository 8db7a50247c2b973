"""``make book``: Jupyter Book's ``build`` command, started without a slow import.

    python tools/build_book.py [jupyter-book build arguments …]

jsonschema (imported by Jupyter Book and nbformat to validate configs and
notebooks) loads the optional package ``rfc3987_syntax`` when it is installed
— jupyter-events' dependencies install it — and that package compiles 38
grammars at import: 1.8 s of every build on the reference machine, for an IRI
format check that no schema here uses.  Marking it absent before anything
imports jsonschema keeps an unchanged rebuild within seconds.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)   # `import rfc3987_syntax` → ImportError

from jupyter_book.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
