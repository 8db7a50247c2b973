"""The theme's words in Chinese, from the catalogs in ``locales/zh_CN/LC_MESSAGES``.

pydata-sphinx-theme 0.15.4 ships no Chinese catalog, and sphinx-book-theme's
lacks some words ("Launch on") and gives others in Taiwanese usage
(列印成 PDF).  Templates translate with two catalogs:

* ``sphinx`` (``_()`` in pydata-sphinx-theme's templates and in the two
  button templates in ``_templates/components``): Sphinx itself compiles
  ``locales/<language>/LC_MESSAGES/sphinx.po`` and prefers it to the themes';
* ``booktheme`` (sphinx-book-theme's own): Sphinx does not look for it in the
  book, so this extension compiles ``booktheme.po`` and puts it before the
  theme's catalog, which still answers what ours does not.
"""

from sphinx import locale
from sphinx.errors import ConfigError
from sphinx.util.i18n import CatalogRepository

BOOK_THEME_CATALOG = "booktheme"


def book_theme_catalog_first(app, config):
    repo = CatalogRepository(app.srcdir, config.locale_dirs, config.language, config.source_encoding)
    catalogs = [c for c in repo.catalogs if c.domain == BOOK_THEME_CATALOG]
    if not catalogs:
        return
    for catalog in catalogs:
        if catalog.is_outdated():
            catalog.write_mo(config.language)
    # sphinx-book-theme may have registered its catalog already (Jupyter Book
    # loads it as an extension): ours goes first, the theme's behind it.
    theirs = locale.translators.pop(("general", BOOK_THEME_CATALOG), None)
    ours, found = locale.init(list(repo.locale_dirs), config.language, BOOK_THEME_CATALOG)
    if not found:
        raise ConfigError(f"ui_translations: {catalogs[0].po_path} did not load")
    if theirs is not None:
        ours.add_fallback(theirs)


def setup(app):
    app.connect("config-inited", book_theme_catalog_first)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
