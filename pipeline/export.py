"""Export: a runnable notebook of one framework, for readers and for `make notebooks`."""

from __future__ import annotations

import copy

from . import source, values
from .myst_to_markdown import convert_notebook

#: Cell metadata that only the pipeline uses.
BOOKKEEPING = ("source_index", "source_line")


def runnable_notebook(nb_framework, bibliography=None, page=None, framework=None):
    """A clean notebook for readers: plain Markdown with this framework's values
    and prose, no hidden cells, no tests, no bookkeeping."""
    nb = copy.deepcopy(nb_framework)
    tag = nb.metadata.pop("framework", None)
    glued = values.collect(nb)
    nb.cells = [c for c in nb.cells if not source.is_hidden(c)]
    source.renumber_cells(nb)
    for cell in nb.cells:
        for key in BOOKKEEPING:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.source = source.without_grader_markers(cell.source)
            cell.outputs = values.without_records(cell.outputs)
        else:
            cell.source = values.for_framework(cell.source, glued, page, framework)
    return convert_notebook(nb, bibliography, framework=tag)


def notebook_name(page_name, framework):
    """Where a page's notebook of one framework goes, below an output folder.

    The page's folders are kept, so that pages with the same file name in
    different folders do not overwrite each other's notebooks.
    """
    return f"{page_name}-{framework.tag}.ipynb"
