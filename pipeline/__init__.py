"""The book's pipeline: one MyST source, one executed notebook per framework.

A page is a jupytext MyST-Markdown notebook (read with MyST-NB's own reader)
whose code cells are shared or tagged with one framework.  The stages, one
module each:

``frameworks``
    the list of frameworks (tag, label, kernel, d2lshim module), read from
    ``sphinx.config.frameworks`` in ``_config.yml``: the one place to add one;
``environments``
    each framework's own Python environment (from its lock) and its Jupyter
    kernel; what a kernel's environment holds, read from its metadata;
``source``
    source text → notebook, each cell with its line in the page; framework tab
    groups checked;
    split into one notebook per framework;
``execute``
    runs a framework's notebook in a kernel of its own (frameworks one after
    another, never side by side: the page times things);
``cache``
    stores each framework's *outputs* keyed by what determines them and puts
    them back onto a freshly split notebook, so prose is never cached;
``outputs``
    the two together: every framework's notebook of a page, executed or from
    the cache;
``merge``
    the executed framework notebooks → one notebook for MyST-NB with tab sets;
``export``
    runnable single-framework notebooks in plain Jupyter Markdown, whose setup
    cell installs what made their outputs (``wheel``: d2lshim as the site
    publishes it).

Nothing here imports Sphinx: ``_ext/framework_tabs.py`` drives it from the
book build, ``tools/notebooks.py`` and ``tools/assignments.py`` from the
command line.
"""
