"""An edited file in ``_static`` or ``locales`` rewrites every page.

Sphinx 7.4 notices edited pages and templates, but not the other files that
end up in every page: the static files (CSS, JavaScript, which it copies and
stamps into each page's ``<script>``/``<link>`` tags as ``?v=<checksum>``
only when it writes at least one page) and the message catalogs of the
theme's words.  An edit of ``_static/book.css`` or of a ``.po`` file alone
would never reach ``_build/html``.  The digest of those files is an HTML
config value here: when it changes, Sphinx's build info no longer matches and
every page is written again (not read again: nothing executes).
"""

import hashlib
import pathlib


def _files(app, config):
    # where Sphinx looks for them: static paths relative to the folder of
    # conf.py (tools/build_book.py writes it into _build/conf), message
    # catalogs relative to the book's
    folders = [*((app.confdir, folder) for folder in config.html_static_path),
               *((app.srcdir, folder) for folder in config.locale_dirs)]
    for base, folder in folders:
        root = pathlib.Path(base, folder)
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix != ".mo":     # .mo files are compiled from .po
                yield root, path


def site_digest(app, config):
    digest = hashlib.sha1()
    for root, path in _files(app, config):
        digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes())
    config.site_files_digest = digest.hexdigest()


def setup(app):
    app.add_config_value("site_files_digest", "", "html")
    app.connect("config-inited", site_digest)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
