"""Export: a runnable notebook of one framework, for readers and for `make notebooks`."""

from __future__ import annotations

import copy
import pathlib

import nbformat
import yaml

from . import source, values
from .myst_to_markdown import convert_notebook

#: Cell metadata that only the pipeline uses.
BOOKKEEPING = ("source_index", "source_line")

#: Cell tags that are markup for the book's own tools (``coursework``: code
#: the exercises need, see pipeline/coursework.py); a reader's notebook drops them.
AUTHORING_TAGS = ("coursework",)


SETUP = """\
# 准备运行环境：这个 notebook 需要 d2lshim 和 {label}；已经装好时这一格什么也不做。
# 默认从本书的代码仓库安装；环境变量 D2LSHIM_SOURCE 可以改用 pip 认得的任何来源
# （本地路径、wheel 文件或 URL）。
import importlib, importlib.util, os, subprocess, sys
if importlib.util.find_spec('d2lshim') is None or importlib.util.find_spec('{module}') is None:
    source = os.environ.get('D2LSHIM_SOURCE', '{default_source}')
    requirement = (f'd2lshim[{extra}] @ {{source}}' if '://' in source
                   else f'{{source}}[{extra}]')
    subprocess.run([sys.executable, '-m', 'pip', 'install', requirement], check=True)
    importlib.invalidate_caches()"""


def setup_cell(framework, install_source):
    """The first code cell of a downloadable notebook: installs d2lshim with the
    framework's extra (``d2lshim[torch]``) where it is missing.  ``None`` for
    a framework whose module is not part of d2lshim."""
    package, _, extra = framework.module.partition(".")
    if package != "d2lshim" or not extra or not install_source:
        return None
    return nbformat.v4.new_code_cell(SETUP.format(label=framework.label, module=extra, extra=extra,
                                                  default_source=install_source))


def _renumber_executions(nb):
    """Execution counts 1, 2, 3, … as if the reader's notebook had run alone
    (the hidden cells that ran in between are gone)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count


def install_source(repository_url):
    """What pip installs d2lshim from by default: the book's repository."""
    return f"git+{repository_url.rstrip('/')}" if repository_url else None


def book_install_source(book):
    """:func:`install_source` of the repository set in the book's ``_config.yml``."""
    config = yaml.safe_load((pathlib.Path(book) / "_config.yml").read_text(encoding="utf-8")) or {}
    return install_source((config.get("repository") or {}).get("url"))


def framework_edition(nb_framework, page=None, framework=None):
    """One framework's page, still in MyST: what a single-framework edition of
    the book (its PDF) renders.  Hidden cells and grader markers are gone,
    outputs carry no value records, and the prose quotes this framework's
    values; ``{framework-only}`` blocks stay for Sphinx to keep or drop."""
    nb = copy.deepcopy(nb_framework)
    glued = values.collect(nb)
    nb.cells = [c for c in nb.cells if not source.is_hidden(c)]
    source.renumber_cells(nb)
    for cell in nb.cells:
        for key in BOOKKEEPING:
            cell.metadata.pop(key, None)
        tags = [tag for tag in cell.metadata.get("tags", []) if tag not in AUTHORING_TAGS]
        if "tags" in cell.metadata:
            cell.metadata["tags"] = tags
        if cell.cell_type == "code":
            cell.source = source.without_grader_markers(cell.source)
            cell.outputs = values.without_records(cell.outputs)
        else:
            cell.source = values.for_framework(cell.source, glued, page, framework)
    _renumber_executions(nb)
    return nb


def runnable_notebook(nb_framework, bibliography=None, page=None, framework=None,
                      install_from=None):
    """A clean notebook for readers: plain Markdown with this framework's values
    and prose, no hidden cells, no tests, no bookkeeping; with ``install_from``
    (see :func:`install_source`) it starts with a setup cell, so that it runs
    anywhere."""
    nb = framework_edition(nb_framework, page, framework)
    tag = nb.metadata.pop("framework", None)
    setup = setup_cell(framework, install_from) if framework is not None else None
    if setup is not None:
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), 0)
        nb.cells.insert(first_code, setup)
        source.renumber_cells(nb)
    return convert_notebook(nb, bibliography, framework=tag)


def notebook_name(page_name, framework):
    """Where a page's notebook of one framework goes, below an output folder.

    The page's folders are kept, so that pages with the same file name in
    different folders do not overwrite each other's notebooks.
    """
    return f"{page_name}-{framework.tag}.ipynb"
