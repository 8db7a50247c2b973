"""A changed file in ``_static`` rewrites every page.

Sphinx 7.4 copies the static files, and stamps each page's ``<script>`` and
``<link>`` tags with their checksums (``?v=…``, so that browsers load a
changed file again), only when it writes at least one page; when no page is
out of date it stops before both, and an edit of ``_static/book.css`` alone
would never reach ``_build/html``.  The digest of the static files is an HTML
config value here: when it changes, Sphinx's build info no longer matches and
every page is written again (not read again: nothing executes).
"""

import hashlib
import pathlib


def static_digest(app, config):
    digest = hashlib.sha1()
    for folder in config.html_static_path:
        source = pathlib.Path(app.confdir, folder)
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    config.static_files_digest = digest.hexdigest()


def setup(app):
    app.add_config_value("static_files_digest", "", "html")
    app.connect("config-inited", static_digest)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
