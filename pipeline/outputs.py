"""Every framework's executed notebook of a page: from the cache, or executed."""

from __future__ import annotations

import time

import filelock

from . import cache as cache_module
from . import environments
from . import execute as execute_module
from . import source
from .errors import BookError

#: Held while a framework executes: a second build (``make book`` beside
#: ``make notebooks``, or ``make -j``) waits for it, then finds the outputs
#: in the cache instead of executing side by side on the same cores and
#: caching timings that were measured under that contention.
LOCK_NAME = ".execution.lock"


def keys(page, frameworks, settings=execute_module.DEFAULT, search_path=()):
    """``(source notebook, {tag: (framework notebook, cache key)})`` of a page."""
    nb = source.read(page.text, page.path)
    source.tab_groups(nb, frameworks, page.path)
    search = (page.path.parent, *search_path)
    found = {}
    for framework in frameworks:
        nb_framework = source.split(nb, framework, frameworks)
        try:
            key = cache_module.key(nb_framework, framework, settings, search)
        except environments.NoKernel:
            raise BookError(execute_module.no_kernel_message(framework), path=page.path,
                            framework=framework) from None
        except environments.EnvironmentFailed as error:
            raise BookError(str(error), path=page.path, framework=framework) from None
        found[framework.tag] = (nb_framework, key)
    return nb, found


def executed_notebooks(page, frameworks, cache, log=print, settings=execute_module.DEFAULT,
                       search_path=(), found=None):
    """``(source notebook, {tag: executed notebook})`` for a page.

    The tab groups are checked first, so a malformed page fails before
    anything runs.  Each framework notebook is split from the *current*
    source; only its outputs come from the cache.  ``log`` gets one line per
    framework saying whether it was executed (and how long that took) or
    taken from the cache.  ``search_path`` is where the framework's module is
    looked for, before ``sys.path`` (the page's folder always is).  ``found``:
    what :func:`keys` returned for this page, when the caller has it already.
    """
    nb, found = found or keys(page, frameworks, settings, search_path)
    results = {}
    for framework in frameworks:
        nb_framework, key = found[framework.tag]
        if not cache.load(page.name, framework, key, nb_framework):
            _execute_once(page, framework, key, nb_framework, cache, log, settings, search_path)
        else:
            log(f"{page.name}: {framework.tag} outputs from the cache ({key})")
        results[framework.tag] = nb_framework
    return nb, results


def _execute_once(page, framework, key, nb_framework, cache, log, settings, search_path):
    """Execute under the cache's lock, unless another build stored the outputs
    while this one waited for it."""
    cache.directory.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(cache.directory / LOCK_NAME, mode=cache_module.FILE_MODE)
    waited = False
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        log(f"{page.name}: another build is executing; waiting for it ({lock.lock_file})")
        lock.acquire()
        waited = True
    try:
        if waited and cache.load(page.name, framework, key, nb_framework):
            log(f"{page.name}: {framework.tag} outputs from the cache ({key}), stored by "
                f"the build this one waited for")
            return
        start = time.perf_counter()
        execute_module.execute(nb_framework, framework, page, settings, search_path, log)
        seconds = time.perf_counter() - start
        log(f"{page.name}: executed {framework.tag} in {seconds:.1f} s")
        cache.store(page.name, framework, key, nb_framework, seconds)
    finally:
        lock.release()
