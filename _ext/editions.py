"""Sphinx side of the editions (``pipeline/editions.py``) and of ``{task}`` blocks.

* ``edition`` (config value, ``full`` or ``course``; ``make book
  EDITION=course`` sets it through ``tools/build_book.py``): in the course
  edition ``_ext/framework_tabs.py`` leaves the solutions out, the pages
  named in ``instructor_pages`` are not built, and the tag ``course`` is set,
  so that ``{only} html and not course`` keeps a remark out of it.
* ``{task}``: the instruction inside a solution (see ``pipeline/exercises.py``);
  the book shows its content as ordinary prose.

``_ext/framework_tabs.py`` loads this extension itself.
"""

from __future__ import annotations

import pathlib

from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import process_only_nodes
from sphinx.util.docutils import SphinxDirective
from sphinx_external_toc.api import FileItem

from pipeline import editions
from pipeline.errors import BookError


class OnlyBeforeReferences(SphinxPostTransform):
    """Sphinx's ``{only}`` processing, before references are resolved.

    Sphinx resolves references (priority 10) before it drops the content of
    ``{only}`` blocks (50): a ``{doc}`` link inside ``{only} html and not
    course`` to a page the course edition does not build would warn.
    """
    default_priority = 5

    def run(self, **kwargs):
        process_only_nodes(self.document, self.app.builder.tags)


class Task(SphinxDirective):
    """``{task}``: its content, parsed in place, with no frame of its own."""
    has_content = True

    def run(self):
        return self.parse_content_to_nodes()


def configure(app, config):
    """Set up the edition; runs after sphinx-external-toc read ``_toc.yml``."""
    try:
        editions.check(config.edition)
    except BookError as error:
        raise ConfigError(str(error)) from None
    if config.edition != "course":
        return
    app.tags.add("course")
    # A class's site is published elsewhere and is not the public book: no
    # canonical links to the public pages (html_baseurl).  Its notebooks still
    # install the d2lshim wheel the public site publishes: pipeline/export.py
    # reads html.baseurl from _config.yml.
    config.html_baseurl = ""
    # Instructor pages (the guide to grading) are not for a class's site:
    # neither built nor listed in any table of contents.
    config.exclude_patterns = [*config.exclude_patterns,
                               *(f"{page}.*" for page in config.instructor_pages)]
    site_map = getattr(config, "external_site_map", None)
    if site_map is None:
        return
    for page in config.instructor_pages:
        for document in site_map.values():
            for tree in (document.subtrees if document else []):
                tree.items[:] = [item for item in tree.items
                                 if not (isinstance(item, FileItem) and _docname(item) == page)]
        site_map.pop(page, None)


def _docname(item):
    path = pathlib.PurePosixPath(str(item))
    return str(path.with_suffix("")) if path.suffix in (".md", ".ipynb", ".rst") else str(path)


def setup(app):
    app.add_config_value("edition", "full", "env", types=[str])
    app.add_config_value("instructor_pages", [], "env", types=[list])
    app.add_directive("task", Task)
    app.add_post_transform(OnlyBeforeReferences)
    # after sphinx-external-toc's parse of the table of contents (priority 900)
    app.connect("config-inited", configure, priority=901)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
