"""Work around a Sphinx 7.4 bug that emits inline scripts twice.

``app.add_js_file(None, body=...)`` called after the builder is initialised
(sphinx-thebe does so in ``env-before-read-docs``, sphinx-togglebutton in
``builder-inited``) stores the script in the builder as filename ``None``
*and* in the registry; ``StandaloneHTMLBuilder.prepare_writing`` then
re-adds every registry entry as filename ``''``, which does not compare
equal to ``None``.  Every such script appears twice in each page, and the
second ``const THEBE_JS_URL = …`` is a SyntaxError in the browser
("Identifier 'THEBE_JS_URL' has already been declared").  Sphinx 8 fixed
this; Jupyter Book 1 requires Sphinx 7, so we drop the duplicates once,
before the first page is written.
"""


def drop_duplicate_inline_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", getattr(script, "priority", None),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # Early priority: before themes add page-specific scripts.
    app.connect("html-page-context", drop_duplicate_inline_scripts, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
