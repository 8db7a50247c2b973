"""Sphinx side of the framework pages: reads them through the pipeline, shows tabs.

Registered in ``_config.yml`` (``sphinx.local_extensions``) together with
``nb_custom_formats = {".md": ["framework_tabs.read_page", {}, false]}``, so
that MyST-NB reads every ``.md`` page through :func:`read_page`:

* a plain page, or a notebook without framework cells, is read as it is;
* a page with framework cells gets every framework's executed notebook from
  ``pipeline.outputs`` (executed, or its outputs from the cache) and is
  merged into one notebook whose framework cells sit in ``tab-set``\\ s;

and then, once MyST-NB has turned the notebook into docutils nodes, moves each
framework's cells into its tab (the ``framework-slot`` placeholders).

The frameworks are the config value ``frameworks`` (``sphinx.config`` in
``_config.yml``, see ``pipeline/frameworks.py``).  In the course edition
(config value ``edition``, see ``_ext/editions.py``) the page and its
notebooks leave the solutions out (``pipeline/editions.py``).

A *single-framework edition* (config value ``framework_edition``, e.g.
``sphinx-build -D framework_edition=pytorch``; what ``make pdf`` builds
through ``tools/build_book.py --framework pytorch``) renders each framework
page as that framework's page only: its code and outputs, its values in the
prose, its ``{framework-only}`` blocks; no tabs, no other framework's code.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil

import nbformat
from docutils import nodes
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

# The book's pipeline package (pipeline/pyproject.toml, installed into .venv)
from pipeline import backing, editions, errors, export, frameworks as frameworks_module, outputs, source
from pipeline import myst
from pipeline import cache as cache_module, environments
from pipeline.cache import OutputCache, module_files, write_atomically
from pipeline.merge import merge

logger = logging.getLogger(__name__)

_APP = None  # MyST-NB calls the reader with the text only; the page comes from here


STATIC = pathlib.Path(__file__).resolve().parent / "static"


class framework_slot(nodes.Element):  # noqa: N801 (docutils naming)
    """Where the cells of one framework go; replaced before writing."""


def _visibility(tags):
    """Classes of an element shown for ``tags``: hidden until the JS says otherwise
    unless the default framework is one of them."""
    default = book_frameworks(_APP).default.tag
    return [f"fw-{tag}" for tag in tags] + ([] if default in tags else ["fw-hidden"])


class framework_value(nodes.inline):  # noqa: N801 (docutils naming)
    """A number of the prose that each framework's run gave (``values``: tag ->
    text).  Its text is the default framework's value, the only one in the
    page's text: what Sphinx's search indexes and shows in a result's
    snippet, and what a reader without JavaScript sees.  On the web page the
    others are ``data-fw-<tag>`` attributes, from which ``framework_tabs.js``
    shows the selected tab's; other builders see an inline (its text)."""


def framework_value_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{framework-value}`mxnet=1.2|pytorch=3.4|…```: one value per framework
    (written by ``pipeline/values.py``), the selected tab's shown."""
    values = dict(part.partition("=")[::2] for part in text.split("|"))
    default = book_frameworks(_APP).default.tag
    if default not in values:
        message = inliner.reporter.error(f"framework-value: no value of the default framework "
                                         f"{default} in {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    node = framework_value(values[default], values[default], classes=["framework-value"],
                           values=values)
    return [node], []


def visit_framework_value_html(translator, node):
    attributes = {f"data-fw-{tag}": value for tag, value in node["values"].items()}
    translator.body.append(translator.starttag(node, "span", "", **attributes))


def depart_framework_value_html(translator, node):
    translator.body.append("</span>")


class FrameworkOnly(SphinxDirective):
    """Prose for some frameworks only: ``{framework-only} mxnet tensorflow``.

    On the web page it shows while one of them is selected; each framework's
    notebook keeps it or leaves it out.
    """
    required_arguments = 1
    optional_arguments = 20
    has_content = True

    def run(self):
        known = book_frameworks(self.env.app).tags
        unknown = [tag for tag in self.arguments if tag not in known]
        if unknown:
            raise self.error(f"framework-only: unknown framework {', '.join(unknown)} "
                             f"(the book has {', '.join(known)})")
        single = single_framework(self.env.app)
        if single is not None:            # a one-framework edition keeps or drops it
            if single.tag not in self.arguments:
                return []
            node = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, node)
            return node.children
        node = nodes.container(classes=["framework-only", *_visibility(self.arguments)])
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class FrameworkSlot(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        return [framework_slot(key=self.arguments[0])]


def single_framework(app):
    """The framework of a single-framework edition (config value
    ``framework_edition``), or ``None`` for the tabbed book."""
    return _single_framework(app.config, book_frameworks(app))


def _single_framework(config, frameworks):
    tag = config[editions.FRAMEWORK_EDITION]
    if not tag:
        return None
    if tag not in frameworks.tags:
        raise ConfigError(f"{editions.FRAMEWORK_EDITION}={tag}: not a framework of this book "
                          f"(one of {', '.join(frameworks.tags)}, from sphinx.config.frameworks "
                          f"in _config.yml)")
    return frameworks.get(tag)


def cache_dir(app):
    """The execution cache: ``_build/framework_cache`` below the book, wherever
    the output goes (a PDF build writes elsewhere but reuses the cache)."""
    return pathlib.Path(app.srcdir, "_build", "framework_cache")


def build_dir(app):
    """``_build``: the parent of the doctrees, also for Jupyter Book."""
    return pathlib.Path(app.doctreedir).parent


def book_frameworks(app):
    try:
        return frameworks_module.from_list(app.config.frameworks, "sphinx.config.frameworks")
    except errors.ConfigError as error:
        raise ConfigError(str(error)) from None


def myst_extensions(app):
    """The MyST extensions the book enables, as the pipeline's parser takes them."""
    listed = getattr(app.config, "myst_enable_extensions", None)
    return tuple(sorted(listed)) if listed else myst.EXTENSIONS


def bibliography(app):
    files = getattr(app.config, "bibtex_bibfiles", None) or []
    return pathlib.Path(app.srcdir, files[0]) if files else None


def notebooks_dir(app):
    """Where the downloadable notebooks go: one folder per edition."""
    return build_dir(app) / editions.built_name("notebooks", app.config[editions.EDITION])


def _downloads(app, page, executed, frameworks):
    """Write the runnable per-framework notebooks; return their srcdir-absolute paths."""
    folder = notebooks_dir(app)
    links = {}
    for framework in frameworks:
        path = folder / export.notebook_name(page.name, framework)
        try:
            text = nbformat.writes(export.runnable_notebook(
                executed[framework.tag], bibliography(app), page, framework,
                export.book_installation(app.srcdir, framework, app.config.html_baseurl)))
        except errors.BookError as error:
            # A directive or role the notebooks cannot show: a warning at its
            # line (an error under -W), after Sphinx's own about the page;
            # no notebook that would lack it, and no link to one.
            logger.warning(f"[{framework.label}] {error.message}", location=(page.name, error.line))
            path.unlink(missing_ok=True)
            continue
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text)
        links[framework.tag] = "/" + os.path.relpath(path, app.srcdir)
    return links


def pdf_name(app, framework):
    """The file name of a framework's PDF in this site's ``pdf/`` folder
    (``pipeline.editions.pdf_name``)."""
    return editions.pdf_name(app.srcdir, framework.tag)


def available_pdfs(app, frameworks):
    """The frameworks whose PDF ``make pdf`` has put into this site's ``pdf/``
    folder: only those are linked, so a site built without them (no TeX, or
    ``make book`` alone) has no link that leads nowhere."""
    if app.builder.format != "html":
        return ()
    return tuple(f.tag for f in frameworks if pathlib.Path(app.outdir, "pdf", pdf_name(app, f)).is_file())


def _download_cell(app, page, links, frameworks, pdfs):
    """Below the title: the per-framework notebooks, and the PDFs of ``pdfs``."""
    labels = "、".join(f.label for f in frameworks[:-1]) + f" 和 {frameworks[-1].label}"
    notebooks = " · ".join(f"{{download}}`{f.label} <{links[f.tag]}>`" for f in frameworks
                           if f.tag in links)
    to_root = "../" * page.name.count("/")
    pdf_links = " · ".join(f'<a class="framework-pdf" href="{to_root}pdf/{pdf_name(app, f)}">{f.label}</a>'
                           for f in frameworks if f.tag in pdfs)
    pdf_sentence = f"每种框架的 PDF（整本书，只含这种框架的代码和结果）：{pdf_links}" if pdfs else ""
    return nbformat.v4.new_markdown_cell(
        f"```{{admonition}} {len(frameworks)} 种框架\n:class: tip framework-downloads\n"
        f"本页每段代码都有 {labels} 的版本，并且都在构建本书时实际运行过；"
        "点击代码上方的标签切换框架，整页（以及其他页面）会一起切换。"
        f"下载可在本地运行的 notebook（含输出；第一格会按需安装 d2lshim 和对应的框架）：{notebooks}。"
        f"{pdf_sentence}\n```")


def read_page(text):
    """MyST-NB reader for ``.md`` pages (see the module docstring)."""
    if not text.startswith("---"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(text, metadata={"source_line": 1})]
        return source.with_source_map(nb)
    frameworks = book_frameworks(_APP)
    env = _APP.env
    path = pathlib.Path(env.doc2path(env.docname))
    try:
        nb = source.read(text, path)    # as pipeline.outputs reads it for the merge
    except errors.BookError as error:
        raise ExtensionError(str(error)) from None
    if not source.is_framework_notebook(nb, frameworks):
        return source.with_source_map(nb)
    page = source.Page(env.docname, path, text)
    # A change of this extension, of the pipeline or of a framework's module
    # (d2lshim: part of the cache key) re-reads the page; the cache key
    # decides whether anything executes.
    here = pathlib.Path(__file__).resolve()
    for path in [*here.parent.glob("*.py"), *(here.parents[1] / "pipeline").glob("*.py"),
                 *(path for framework in frameworks
                   for path in module_files(framework.module, (page.path.parent, _APP.srcdir)))]:
        env.note_dependency(str(path))
    try:
        found = outputs.keys(page, frameworks, search_path=(_APP.srcdir,))
        # What the outputs were made with; outdated_pages() compares it with
        # what the kernels have at the next build.
        env.framework_outputs = getattr(env, "framework_outputs", {})
        env.framework_outputs[env.docname] = {
            framework.tag: (found[1][framework.tag][1], _environment_digest(framework, page.path))
            for framework in frameworks}
        nb, executed = outputs.executed_notebooks(
            page, frameworks, OutputCache(cache_dir(_APP), note=logger.info),
            log=lambda message: logger.info(f"[framework-tabs] {message}"),
            search_path=(_APP.srcdir,), found=found)
        # Every sentence with a number or comparison is backed in each tab
        # (pipeline/backing.py): checked on the whole page, before an edition
        # leaves the solutions out.
        backing.check(page, executed, frameworks, myst_extensions(_APP))
        nb, executed = editions.for_edition(_APP.config.edition, nb, executed, page)
        single = single_framework(_APP)
        if single is not None:
            return export.framework_edition(executed[single.tag], page, single)
        merged = merge(nb, executed, frameworks, page)
    except errors.BookError as error:
        raise ExtensionError(str(error)) from None
    links = _downloads(_APP, page, executed, frameworks)
    pdfs = available_pdfs(_APP, frameworks)
    _insert_after_title(merged, _download_cell(_APP, page, links, frameworks, pdfs))
    if not hasattr(env, "framework_downloads"):
        env.framework_downloads = {}
    env.framework_downloads[page.name] = links
    env.framework_pdfs = getattr(env, "framework_pdfs", {})
    env.framework_pdfs[page.name] = pdfs
    return merged


def _insert_after_title(nb, cell):
    """Put ``cell`` right below the page title (splitting the first cell if needed).

    The title is the first cell's first level-1 heading, as MyST parses it.
    ``nb``'s ``source_map`` follows: ``cell`` stands at the title's line, the
    rest of the first cell at its own.
    """
    first = nb.cells[0]
    lines = first.source.splitlines() if first.cell_type == "markdown" else []
    title = _title_lines(first.source) if lines else None
    source_map = nb.metadata["source_map"]
    start = source_map[0]
    if title is None:
        nb.cells.insert(0, cell)
        source_map.insert(0, start)
        return
    end = title[1]
    first.source = "\n".join(lines[:end])
    rest = "\n".join(lines[end:]).strip()
    # the rest starts at its first line that is not blank (strip() dropped those before it)
    skipped = next((i for i in range(end, len(lines)) if lines[i].strip()), end) - end
    nb.cells[1:1] = [cell] + ([nbformat.v4.new_markdown_cell(rest)] if rest else [])
    source_map[1:1] = [start + title[0]] + ([start + end + skipped] if rest else [])
    source.renumber_cells(nb, "merged")


def _title_lines(markdown):
    """``(first, after)``: the 0-based lines of the first level-1 heading of
    ``markdown`` (the heading's first line and the line after it), or ``None``."""
    return next(((h.start, h.end) for h in myst.headings(markdown) if h.level == 1), None)


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
    getattr(env, "framework_outputs", {}).pop(docname, None)
    getattr(env, "framework_pdfs", {}).pop(docname, None)


def _environment_digest(framework, page_path):
    """A digest of what a framework's kernel has for a page: its environment
    (``pipeline/environments.fingerprint``), d2lshim's source and the files
    beside the page; cheap enough for every build."""
    search = (str(page_path.parent), str(_APP.srcdir))
    material = {"environment": environments.fingerprint(_APP.srcdir, framework),
                "module_source": cache_module.source_digest(framework.module, search),
                "page_files": cache_module.page_files_digest(page_path.parent)}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def outdated_pages(app, env, added, changed, removed):
    """Pages to read again although their source did not change: those whose
    outputs are gone from the execution cache (``make clean-cache``) or whose
    kernel's environment changed (a package upgraded in one framework's
    environment), so that the site always shows what the cache holds; and
    those that link other PDFs than the site now has (``make pdf``)."""
    cache = OutputCache(cache_dir(app), note=logger.info)
    frameworks = book_frameworks(app)
    outdated = []
    pdfs = available_pdfs(app, frameworks)
    for docname, linked in getattr(env, "framework_pdfs", {}).items():
        if linked != pdfs and docname not in changed and docname not in removed:
            logger.info(f"[framework-tabs] {docname}: the site's PDFs changed; reading the page again")
            outdated.append(docname)
    for docname, made in getattr(env, "framework_outputs", {}).items():
        if docname in changed or docname in removed or docname in outdated:
            continue
        page_path = pathlib.Path(env.doc2path(docname))
        for framework in frameworks:
            key, environment = made.get(framework.tag, (None, None))
            try:
                current = _environment_digest(framework, page_path)
            except environments.EnvironmentFailed as error:   # reading the page will say so
                logger.info(f"[framework-tabs] {docname}: [{framework.label}] {error}")
                current = None
            if key is None or not cache.has(docname, framework, key) or current != environment:
                logger.info(f"[framework-tabs] {docname}: [{framework.label}] "
                            + ("its environment changed" if current != environment
                               else "its outputs are not in the execution cache")
                            + "; reading the page again")
                outdated.append(docname)
                break
    return outdated


def download_menu(app, pagename, templatename, context, doctree):
    """The header's download menu: each framework's runnable notebook, never the source.

    sphinx-book-theme offers the page source (``_sources/…md``, which for a
    chapter holds every framework and the hidden autograder tests) and a copy
    of the notebook MyST-NB rendered (tab markup that runs nowhere).  Replace
    both by the per-framework notebooks the page links below its title; keep
    the theme's print-to-PDF entry.  Runs after the theme filled the menu.
    """
    links = getattr(app.env, "framework_downloads", {}).get(pagename, {})
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        kept = [b for b in group["buttons"]
                if b.get("label") not in ("download-source-button", "download-notebook-button")]
        notebooks = []
        for framework in book_frameworks(app):
            if framework.tag not in links:
                continue
            source_file = os.path.relpath(pathlib.Path(app.srcdir, links[framework.tag].lstrip("/")),
                                          app.srcdir)
            target = app.env.dlfiles.get(source_file)
            if target is None:
                continue
            notebooks.append({
                "type": "link", "label": f"download-{framework.tag}-notebook-button",
                "url": context["pathto"](f"_downloads/{target[1]}", 1),
                "text": f".ipynb（{framework.label}）", "icon": "fas fa-code",
                "tooltip": f"下载可运行的 {framework.label} notebook"})
        group["buttons"] = notebooks + kept


def publish_wheel(app, exception):
    """The site publishes the d2lshim wheel its notebooks install (pipeline/wheel.py)."""
    if exception is not None or app.builder.format != "html":
        return
    from pipeline import wheel
    project = export.d2lshim_project(app.srcdir)
    if project is None or not app.config.html_baseurl:
        return            # the notebooks install d2lshim from the repository instead
    built = wheel.build(project, export.wheel_folder(app.srcdir))
    target = pathlib.Path(app.outdir, export.WHEELS, built.name)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)
        target.chmod(0o644)


def say_how_to_get_pdfs(app, exception):
    """``make book`` alone links no PDF: say which are missing and how to get them."""
    if exception is not None or not getattr(app.env, "framework_pdfs", None):
        return
    frameworks = book_frameworks(app)
    have = available_pdfs(app, frameworks)
    missing = [f.label for f in frameworks if f.tag not in have]
    if app.builder.format == "html" and missing:
        logger.info(f"[framework-tabs] the pages link no PDF of {', '.join(missing)}: the site "
                    f"has none yet; `make pdf` builds them and links them (XeLaTeX, see the "
                    f"README)")


def framework_substitutions(app, config):
    """MyST substitutions that name the book's frameworks, so that the front
    page and the 教师指南 follow the one list in ``_config.yml``:
    ``{{ frameworks }}`` (MXNet、PyTorch、TensorFlow 和 JAX), ``{{ framework_count }}``,
    ``{{ default_framework }}`` and ``{{ framework_tags }}`` (as code)."""
    try:
        frameworks = frameworks_module.from_list(config.frameworks, "sphinx.config.frameworks")
    except errors.ConfigError as error:
        raise ConfigError(str(error)) from None
    labels = [f.label for f in frameworks]
    names = "、".join(labels[:-1]) + f" 和 {labels[-1]}" if len(labels) > 1 else labels[0]
    config.myst_substitutions = {
        **(getattr(config, "myst_substitutions", None) or {}),
        "frameworks": names, "framework_count": str(len(frameworks)),
        # a single-framework edition (one framework's PDF) shows only its own
        "default_framework": (_single_framework(config, frameworks) or frameworks.default).label,
        "framework_tags": "、".join(f"`{f.tag}`" for f in frameworks)}


def builder_inited(app):
    global _APP
    _APP = app
    book_frameworks(app)   # a malformed list fails here, before any page is read


def setup(app):
    app.setup_extension("editions")
    app.add_config_value("frameworks", None, "env")
    app.add_config_value(editions.FRAMEWORK_EDITION, "", "env", types=[str])
    app.add_role("framework-value", framework_value_role)
    app.add_node(framework_value, html=(visit_framework_value_html, depart_framework_value_html))
    app.add_directive("framework-only", FrameworkOnly)
    app.connect("config-inited", lambda app, config: config.html_static_path.append(str(STATIC)))
    app.connect("config-inited", framework_substitutions)
    app.add_js_file("framework_tabs.js")
    app.add_css_file("framework_tabs.css")
    app.add_node(framework_slot)
    app.add_directive("framework-slot", FrameworkSlot)
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-read", fill_slots)
    app.connect("env-purge-doc", purge_downloads)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("build-finished", publish_wheel)
    app.connect("build-finished", say_how_to_get_pdfs)
    # after sphinx-book-theme's add_header_buttons (priority 501)
    app.connect("html-page-context", download_menu, priority=502)
    return {"version": "2.0", "parallel_read_safe": False, "parallel_write_safe": True}
