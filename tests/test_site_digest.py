"""_ext/site_digest.py: an edited message catalog or static file rewrites every page."""

import shutil
import types

from book import ROOT

from site_digest import site_digest


def test_the_digest_follows_the_books_catalogs_wherever_conf_py_is(tmp_path):
    """The build's conf.py is in _build/conf: the message catalogs (locale_dirs)
    are still the book's, as Sphinx reads them; static paths are conf.py's."""
    book, conf = tmp_path / "book", tmp_path / "book" / "_build" / "conf"
    shutil.copytree(ROOT / "locales", book / "locales")
    (book / "_static").mkdir()
    (book / "_static" / "book.css").write_text("body {}\n", encoding="utf-8")
    conf.mkdir(parents=True)
    app = types.SimpleNamespace(confdir=str(conf), srcdir=str(book))
    config = types.SimpleNamespace(html_static_path=[str(book / "_static")], locale_dirs=["locales"])

    def digest():
        site_digest(app, config)
        return config.site_files_digest

    before = digest()
    catalog = next((book / "locales").rglob("*.po"))
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_catalog = digest()
    assert after_catalog != before
    (book / "_static" / "book.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    assert digest() != after_catalog
