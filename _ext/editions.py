"""Sphinx side of the editions (``pipeline/editions.py``) and of ``{task}`` blocks.

* ``edition`` (config value, ``full`` or ``course``; ``make book
  EDITION=course`` sets it through ``tools/build_book.py``, which passes
  ``-D edition=course`` to Sphinx): in the course edition
  ``_ext/framework_tabs.py`` leaves the solutions out, the pages named in
  ``instructor_pages`` are neither built nor listed (the edition reads a table
  of contents without them), and the tag ``course`` is set, so that
  ``{only} html and not course`` keeps a remark out of it.
* ``{task}``: the instruction inside a solution (see ``pipeline/exercises.py``);
  the book shows its content as ordinary prose.

``_ext/framework_tabs.py`` loads this extension itself.
"""

from __future__ import annotations

import pathlib

import yaml
from jupyter_book.pdf import update_latex_documents
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import process_only_nodes
from sphinx.util.docutils import SphinxDirective

from pipeline import editions
from pipeline.cache import write_atomically
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
    """Set up the edition; runs before sphinx-external-toc reads the table of contents."""
    try:
        editions.check(config[editions.EDITION])
    except BookError as error:
        raise ConfigError(str(error)) from None
    if config[editions.EDITION] != "course":
        return
    app.tags.add("course")
    # A class's site is published elsewhere and is not the public book: no
    # canonical links to the public pages (html_baseurl).  Its notebooks still
    # install the d2lshim wheel the public site publishes: pipeline/export.py
    # reads html.baseurl from _config.yml.
    config.html_baseurl = ""
    # Instructor pages (the guide to grading) are not for a class's site:
    # neither built nor listed in any table of contents.  sphinx-external-toc
    # reads the course edition's own table of contents, written beside the
    # edition's doctrees, and its pages only are built
    # (external_toc_exclude_missing, which Jupyter Book sets from
    # only_build_toc_files); the exclusion says so again for a book without it.
    config.exclude_patterns = [*config.exclude_patterns,
                               *(f"{page}.*" for page in config.instructor_pages)]
    toc_path = pathlib.Path(app.srcdir, config.external_toc_path)
    try:
        toc = editions.course_toc(yaml.safe_load(toc_path.read_text(encoding="utf-8")),
                                  set(config.instructor_pages))
    except BookError as error:
        raise ConfigError(str(error)) from None
    course_path = pathlib.Path(app.doctreedir, toc_path.name)
    text = yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)
    if not course_path.is_file() or course_path.read_text(encoding="utf-8") != text:
        write_atomically(course_path, text)
    config.external_toc_path = str(course_path)


def latex_document(app, config):
    """The LaTeX document as ``jupyter-book build`` sets it from ``_config.yml``
    (its title, the file name: ``pipeline.editions.latex_document``), which
    the ``conf.py`` of ``jupyter-book config sphinx`` leaves out.  Runs after
    sphinx-external-toc set the root page, which Sphinx's default entry starts
    from."""
    config.latex_documents = update_latex_documents(config.latex_documents,
                                                    editions.latex_document(app.srcdir))


def setup(app):
    app.add_config_value(editions.EDITION, editions.EDITIONS[0], "env", types=[str])
    app.add_config_value("instructor_pages", [], "env", types=[list])
    app.add_directive("task", Task)
    app.add_post_transform(OnlyBeforeReferences)
    # before sphinx-external-toc reads the table of contents (priority 900)
    app.connect("config-inited", configure, priority=899)
    app.connect("config-inited", latex_document, priority=901)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
