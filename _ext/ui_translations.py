"""The theme's and extensions' words in Chinese, from ``locales/zh_CN/LC_MESSAGES``.

pydata-sphinx-theme 0.15.4 ships no Chinese catalog, sphinx-book-theme's
lacks some words ("Launch on") and gives others in Taiwanese usage
(列印成 PDF), and sphinx-exercise titles a solution "解答" + " " + "练习 1".
Templates and extensions translate with catalogs named by domain:

* ``sphinx`` (``_()`` in pydata-sphinx-theme's templates and in the two
  button templates in ``_templates``): Sphinx itself compiles
  ``locales/<language>/LC_MESSAGES/sphinx.po`` and prefers it to the themes';
* any other (``booktheme`` for sphinx-book-theme, ``exercise`` for
  sphinx-exercise): Sphinx does not look for these in the book, so this
  extension compiles ``<domain>.po`` and puts it before the catalog that the
  theme or extension registered, which still answers what ours does not.
"""

from sphinx import locale
from sphinx.errors import ConfigError
from sphinx.util.i18n import CatalogRepository


def book_catalogs_first(app, config):
    repo = CatalogRepository(app.srcdir, config.locale_dirs, config.language, config.source_encoding)
    for catalog in repo.catalogs:
        if catalog.domain == "sphinx":          # Sphinx's own business
            continue
        if catalog.is_outdated():
            catalog.write_mo(config.language)
        # The theme or extension may have registered its catalog already (as
        # Jupyter Book loads sphinx-book-theme as an extension, before ours):
        # ours goes first, theirs behind it.
        theirs = locale.translators.pop(("general", catalog.domain), None)
        ours, found = locale.init(list(repo.locale_dirs), config.language, catalog.domain)
        if not found:
            raise ConfigError(f"ui_translations: {catalog.po_path} did not load")
        if theirs is not None:
            ours.add_fallback(theirs)


def setup(app):
    app.connect("config-inited", book_catalogs_first)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
