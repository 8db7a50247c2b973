"""Serve MathJax from the book itself, so that formulas render without network.

Sphinx loads MathJax 3 from a CDN by default; a reader offline (or a test
machine without internet) then sees raw LaTeX.  This extension copies the
parts of MathJax 3 that the pages use from the ``django-static-mathjax``
wheel (MathJax 3.2.2, pinned in requirements.txt; it has no Django
dependency) into ``_static/mathjax`` and points ``mathjax_path`` there.
"""

import pathlib
import shutil

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: What tex-mml-chtml.js loads: the combined component, its CommonHTML
#: fonts, the TeX extensions it may autoload, and the menu/accessibility parts.
PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "a11y", "ui")
TARGET = "mathjax"


def _mathjax_es5():
    try:
        import mathjax  # the django-static-mathjax package
    except ImportError:
        return None
    path = pathlib.Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    return path if (path / PARTS[0]).exists() else None


def use_local_mathjax(app):
    if app.builder.format != "html":
        return
    if _mathjax_es5() is None:
        logger.info("offline_mathjax: django-static-mathjax is not installed; MathJax comes from the CDN")
        return
    app.config.mathjax_path = f"{TARGET}/{PARTS[0]}"


def copy_mathjax(app, exception):
    source = _mathjax_es5()
    if exception is not None or source is None or app.builder.format != "html":
        return
    target = pathlib.Path(app.outdir) / "_static" / TARGET
    for part in PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif not dst.exists() or dst.stat().st_size != src.stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def setup(app):
    app.connect("builder-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
