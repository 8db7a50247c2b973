"""Every framework's executed notebook of a page: from the cache, or executed."""

from __future__ import annotations

import time

from . import cache as cache_module
from . import execute as execute_module
from . import source


def executed_notebooks(page, frameworks, cache, log=print, settings=execute_module.DEFAULT,
                       search_path=()):
    """``(source notebook, {tag: executed notebook})`` for a page.

    The tab groups are checked first, so a malformed page fails before
    anything runs.  Each framework notebook is split from the *current*
    source; only its outputs come from the cache.  ``log`` gets one line per
    framework saying whether it was executed (and how long that took) or
    taken from the cache.  ``search_path`` is where the framework's module is
    looked for, before ``sys.path`` (the page's folder always is).
    """
    nb = source.read(page.text)
    source.tab_groups(nb, frameworks, page.path)
    search = (page.path.parent, *search_path)
    results = {}
    for framework in frameworks:
        nb_framework = source.split(nb, framework, frameworks)
        key = cache_module.key(nb_framework, framework, settings, search)
        if cache.load(page.name, framework, key, nb_framework):
            log(f"{page.name}: {framework.tag} outputs from the cache ({key})")
        else:
            start = time.perf_counter()
            execute_module.execute(nb_framework, framework, page, settings)
            seconds = time.perf_counter() - start
            log(f"{page.name}: executed {framework.tag} in {seconds:.1f} s")
            cache.store(page.name, framework, key, nb_framework, seconds)
        results[framework.tag] = nb_framework
    return nb, results
