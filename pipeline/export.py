"""Export: a runnable notebook of one framework, for readers and for `make notebooks`."""

from __future__ import annotations

import copy

from . import source
from .myst_to_markdown import convert_notebook

#: Cell metadata that only the pipeline uses.
BOOKKEEPING = ("source_index", "source_line")


def runnable_notebook(nb_framework, bibliography=None):
    """A clean notebook for readers: plain Markdown, no tests, no bookkeeping."""
    nb = copy.deepcopy(nb_framework)
    nb.cells = [c for c in nb.cells if source.AUTOGRADER not in c.metadata.get("tags", [])]
    source.renumber_cells(nb)
    for cell in nb.cells:
        for key in BOOKKEEPING:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.source = source.without_grader_markers(cell.source)
    nb.metadata.pop("framework", None)
    return convert_notebook(nb, bibliography)


def notebook_name(page_name, framework):
    """Where a page's notebook of one framework goes, below an output folder.

    The page's folders are kept, so that pages with the same file name in
    different folders do not overwrite each other's notebooks.
    """
    return f"{page_name}-{framework.tag}.ipynb"
