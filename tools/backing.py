"""What backs each sentence of the book's framework pages that states a number,
a comparison or an order, per framework tab (issue 16; ``pipeline/backing.py``).

    python tools/backing.py              # every such sentence and what backs it
    python tools/backing.py --unbacked   # only what fails the build
    python tools/backing.py --survey     # from `tools/claims.py --survey`'s run

Reads the executed notebooks from the last ``make book``'s execution cache
and executes nothing: a page whose outputs are not in the cache (its code
changed since) is an error that says to run ``make book``.  ``--survey``
reads the run of ``python tools/claims.py --survey`` instead (claims that do
not hold are recorded there, not fatal), for a page whose claims do not all
hold yet: a claim that does not hold backs nothing.  ``--any-environment``
takes the newest outputs of the same code when a kernel's packages changed
since (the environments are shared and may be reinstalled meanwhile).
Exits with 1 when a sentence is unbacked or a claim or note is stale, as the
build would fail.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

from notebooks import framework_pages

from pipeline import backing, execute, frameworks as frameworks_module, myst, outputs
from pipeline.cache import OutputCache


class NotInCache(Exception):
    """The cache has no outputs for a page's current code."""


def cached_notebooks(page, frameworks, cache_dir, search_path, settings=execute.DEFAULT,
                     any_environment=False, log=lambda message: None):
    """``{tag: executed notebook}`` of a page from the cache, never executing.

    ``any_environment``: when the kernel's environment changed since (another
    package version, so another cache key), take the newest entry made from
    the same code, and say so in ``log``.
    """
    _, found = outputs.keys(page, frameworks, settings, search_path=search_path)
    cache = OutputCache(cache_dir, note=lambda message: None)
    executed = {}
    for framework in frameworks:
        nb_framework, key = found[framework.tag]
        loaded = cache.load(page.name, framework, key, nb_framework)
        if not loaded and any_environment:
            loaded = _same_code(cache, page, framework, nb_framework, log)
        if not loaded:
            raise NotInCache(f"{page.path}: [{framework.label}] no outputs in {cache_dir} for "
                             f"the current code: run `make book` first (with --survey: "
                             f"`python tools/claims.py --survey`)")
        executed[framework.tag] = nb_framework
    return executed


def _same_code(cache, page, framework, nb_framework, log):
    """Load the newest cache entry of this page and framework whose cells are the
    page's current code (``OutputCache.load`` checks that), whatever its key."""
    folder = cache.path(page.name, framework, "x").parent
    for entry in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        if cache.load(page.name, framework, entry.stem, nb_framework):
            log(f"{page.name}: [{framework.label}] outputs of another environment ({entry}): "
                f"the kernel's packages changed since they were made")
            return True
    return False


def page_reports(book, survey=False, any_environment=False):
    """``[(page, report)]`` of every framework page of ``book``."""
    book = pathlib.Path(book).resolve()
    frameworks = frameworks_module.from_config(book)
    extensions = myst.book_extensions(book)
    settings, cache_dir = execute.DEFAULT, book / "_build" / "framework_cache"
    if survey:                         # as tools/claims.py --survey runs the pages
        settings = dataclasses.replace(settings, claims="report")
        cache_dir = book / "_build" / "claims_survey"
    found = []
    for page in framework_pages(book, frameworks):
        executed = cached_notebooks(page, frameworks, cache_dir, (book,), settings,
                                    any_environment, log=lambda m: print(m, file=sys.stderr))
        found.append((page, backing.report(page, executed, frameworks, extensions)))
    return found


def row_lines(row):
    """A sentence and its backings: the first line names the sentence."""
    sentence = f"«{backing.shortened(row.sentence.text, 50)}»"
    if not row.backed:
        return [f"{row.sentence.line:>6}  {'UNBACKED':<9} {sentence}  needs: {row.need.describe()}"]
    lines = []
    for index, found in enumerate(row.backings):
        head = f"{row.sentence.line:>6}" if index == 0 else " " * 6
        text = sentence if index == 0 else ""
        lines.append(f"{head}  {found.kind:<9} {text}{'  ' if text else ''}"
                     f"{backing.shortened(found.what, 70)}")
    return lines


def problem_lines(page, problems):
    """One line per problem; the same problem in several tabs is one line naming them all."""
    merged = {}
    for problem in problems:
        labels = merged.setdefault((problem.line or 0, problem.kind, problem.message), [])
        if problem.framework is not None:
            labels.append(problem.framework.label)
    lines = []
    for (line, kind, message), labels in sorted(merged.items()):
        where = f"[{', '.join(labels)}] " if labels else ""
        lines.append(f"{page.path.relative_to(ROOT) if page.path.is_relative_to(ROOT) else page.path}"
                     f":{line or '?'}: {where}{kind}: {message}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=str(ROOT))
    parser.add_argument("--unbacked", action="store_true",
                        help="list only unbacked sentences and stale claims and notes")
    parser.add_argument("--survey", action="store_true",
                        help="read the run of `tools/claims.py --survey` (claims not fatal)")
    parser.add_argument("--any-environment", action="store_true",
                        help="if a kernel's packages changed since, use the newest outputs "
                             "of the same code")
    args = parser.parse_args(argv)
    try:
        reports = page_reports(args.book, args.survey, args.any_environment)
    except NotInCache as error:
        print(error, file=sys.stderr)
        return 2
    failed = False
    for page, report in reports:
        failed = failed or bool(report.problems)
        if args.unbacked:
            for line in problem_lines(page, report.problems):
                print(line)
            continue
        for framework in frameworks_module.from_config(pathlib.Path(args.book)):
            rows = [row for row in report.rows if row.framework == framework]
            print(f"== {framework.label}: {page.name} ({len(rows)} sentences need backing, "
                  f"{sum(not row.backed for row in rows)} unbacked)")
            for row in rows:
                for line in row_lines(row):
                    print(line)
        others = [p for p in report.problems if p.kind != "unbacked"]
        if others:
            print(f"== {page.name}: stale claims and notes")
            for line in problem_lines(page, others):
                print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
