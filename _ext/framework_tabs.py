"""Sphinx side of the three-framework chapters.

Registered in ``_config.yml`` (``sphinx.local_extensions``) together with
``nb_custom_formats = {".md": ["framework_tabs.read_page", {}, false]}``, so
that MyST-NB reads every ``.md`` page through :func:`read_page`:

* a plain page, or a notebook without framework cells, is read as it is;
* a chapter with framework cells is executed per framework (or taken from the
  execution cache, see ``framework_notebooks.py``) and merged into one
  notebook whose framework cells sit in ``tab-set``\\ s;

and then, once MyST-NB has turned the notebook into docutils nodes, moves each
framework's cells into its tab (the ``framework-slot`` placeholders).
"""

from __future__ import annotations

import os
import pathlib

import nbformat
from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import framework_notebooks as fnb

logger = logging.getLogger(__name__)

_APP = None  # MyST-NB calls the reader with the text only; the page comes from here


class framework_slot(nodes.Element):  # noqa: N801 (docutils naming)
    """Where the cells of one framework go; replaced before writing."""


class FrameworkSlot(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        return [framework_slot(key=self.arguments[0])]


def _cache(app):
    return fnb.ExecutionCache(pathlib.Path(app.doctreedir).parent / "framework_cache")


def _downloads(app, page, executed):
    """Write the runnable per-framework notebooks; return their srcdir-absolute paths."""
    folder = pathlib.Path(app.doctreedir).parent / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    stem = page.split("/")[-1]
    links = {}
    for fw, nb in executed.items():
        path = folder / f"{stem}-{fw}.ipynb"
        text = nbformat.writes(fnb.runnable_notebook(nb))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        links[fw] = "/" + os.path.relpath(path, app.srcdir)
    return links


def _download_cell(links):
    parts = " · ".join(f"{{download}}`{fnb.LABELS[fw]} <{links[fw]}>`" for fw in fnb.TAGS)
    return nbformat.v4.new_markdown_cell(
        "```{admonition} 三种框架\n:class: tip framework-downloads\n"
        "本页每段代码都有 MXNet、PyTorch 和 TensorFlow 三个版本，并且都在构建本书时实际运行过；"
        "点击代码上方的标签切换框架，整页（以及其他页面）会一起切换。"
        f"下载可在本地运行的 notebook（含输出）：{parts}\n```")


def read_page(text):
    """MyST-NB reader for ``.md`` pages (see the module docstring)."""
    if not text.startswith("---"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(text)]
        return nb
    nb = fnb.read_source(text)
    if not fnb.is_framework_notebook(nb):
        return nb
    env = _APP.env
    page = env.docname
    # A change of d2lshim re-reads (and re-executes) the page; a change of this
    # extension re-reads it (the execution cache makes that cheap).
    for path in [*fnb.KEY_FILES, *pathlib.Path(__file__).parent.glob("*.py")]:
        env.note_dependency(str(path))

    def log(message):
        logger.info(f"[framework-tabs] {message}")

    try:
        nb, executed = fnb.executed_notebooks(text, page, env.doc2path(page), _cache(_APP), log)
    except fnb.CellFailed as error:
        raise ExtensionError(str(error)) from None
    merged = fnb.merge(nb, executed)
    links = _downloads(_APP, page, executed)
    _insert_after_title(merged, _download_cell(links))
    if not hasattr(env, "framework_downloads"):
        env.framework_downloads = {}
    env.framework_downloads[page] = links
    return merged


def _insert_after_title(nb, cell):
    """Put ``cell`` right below the page title (splitting the first cell if needed)."""
    first = nb.cells[0]
    lines = first.source.splitlines() if first.cell_type == "markdown" else []
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if title is None:
        nb.cells.insert(0, cell)
        return
    first.source = "\n".join(lines[:title + 1])
    rest = "\n".join(lines[title + 1:]).strip()
    nb.cells[1:1] = [cell] + ([nbformat.v4.new_markdown_cell(rest)] if rest else [])
    fnb.renumber_cells(nb, "merged")


def fill_slots(app, doctree):
    """Move every framework cell into its tab (the matching framework-slot)."""
    slots = list(doctree.findall(framework_slot))
    if not slots:
        return
    cells = {}
    for node in doctree.findall(nodes.container):
        key = node.get("cell_metadata", {}).get("framework_slot")
        if key:
            cells.setdefault(key, []).append(node)
    for slot in slots:
        found = cells.pop(slot["key"], [])
        if not found:
            logger.warning(f"framework tab {slot['key']!r} has no cells", location=slot)
        for cell in found:
            cell.parent.remove(cell)
        slot.replace_self(found or [nodes.paragraph()])
    for key in cells:
        logger.warning(f"framework cells {key!r} have no tab to go into")


def purge_downloads(app, env, docname):
    getattr(env, "framework_downloads", {}).pop(docname, None)


def default_ipynb_download(app, exception):
    """Make the theme's ".ipynb" download the default framework's notebook.

    sphinx-book-theme offers ``_sources/<page>.ipynb``, a copy of the notebook
    MyST-NB rendered: for a framework page that is the merged notebook (all
    three frameworks, tab markup), which runs nowhere.  Replace it by the
    runnable notebook of the default framework; the page links all three.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page, links in getattr(app.env, "framework_downloads", {}).items():
        source = pathlib.Path(app.srcdir, links[fnb.DEFAULT_FRAMEWORK].lstrip("/"))
        target = pathlib.Path(app.outdir, "_sources", page + ".ipynb")
        if target.parent.exists():
            target.write_bytes(source.read_bytes())


def builder_inited(app):
    global _APP
    _APP = app


def setup(app):
    app.add_node(framework_slot)
    app.add_directive("framework-slot", FrameworkSlot)
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-read", fill_slots)
    app.connect("env-purge-doc", purge_downloads)
    app.connect("build-finished", default_ipynb_download)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}

