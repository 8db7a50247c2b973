"""The page's claims and how close each came to failing, per framework.

    python tools/claims.py            # from the last `make book` (executes nothing new)
    python tools/claims.py --survey   # execute with failing claims recorded, not fatal

Every ``d2l.claim`` records its value, bounds and margin (the ratio to the
nearer bound; 1.0 is the edge).  The table lists them from the smallest
margin up, so that an author sees which sentences hold by little.  ``--survey``
runs each framework in a separate cache below ``_build/claims_survey`` with
claims that do not stop the run, to see all of them after an edit.
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

from notebooks import framework_pages

from pipeline import execute, frameworks as frameworks_module, outputs, source, values
from pipeline.cache import OutputCache


def book_cell_seconds(nb_framework):
    """Seconds the hidden ``book`` cells ran, from nbclient's timestamps (None if
    the notebook came from the cache, which keeps no timestamps)."""
    from datetime import datetime
    total, seen = 0.0, False
    for cell in nb_framework.cells:
        stamps = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and source.BOOK in cell.metadata.get("tags", []) and stamps:
            start = datetime.fromisoformat(stamps["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(stamps["shell.execute_reply"].replace("Z", "+00:00"))
            total, seen = total + (end - start).total_seconds(), True
    return total if seen else None


def claim_table(book=ROOT, survey=False, log=print):
    """[(margin, page, framework label, statement, value, bounds, holds)] sorted by margin."""
    book = pathlib.Path(book)
    frameworks = frameworks_module.from_config(book)
    settings, cache_dir = execute.DEFAULT, book / "_build" / "framework_cache"
    if survey:
        settings = dataclasses.replace(settings, claims="report")
        cache_dir = book / "_build" / "claims_survey"
    rows = []
    for page in framework_pages(book, frameworks):
        _, executed = outputs.executed_notebooks(page, frameworks, OutputCache(cache_dir, note=log),
                                                 log, settings, search_path=(book,))
        for framework in frameworks:
            seconds = book_cell_seconds(executed[framework.tag])
            if seconds is not None:
                log(f"{page.name}: [{framework.label}] the hidden book cells (values, claims) "
                    f"ran for {seconds:.2f} s")
            for r in values.claims(executed[framework.tag]):
                bounds = " ".join(b for b in (
                    f"≥ {r['at_least']:g}" if r["at_least"] is not None else "",
                    f"≤ {r['at_most']:g}" if r["at_most"] is not None else "") if b)
                rows.append((r["margin"], page.name, framework.label, r["statement"],
                             r["value"], bounds, r["holds"]))
    return sorted(rows, key=lambda row: float(row[0]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=str(ROOT))
    parser.add_argument("--survey", action="store_true",
                        help="execute with claims recorded instead of fatal")
    parser.add_argument("--top", type=int, default=0, help="only the N smallest margins")
    args = parser.parse_args(argv)
    rows = claim_table(args.book, args.survey, log=lambda m: print(m, file=sys.stderr))
    for margin, page, label, statement, value, bounds, holds in rows[:args.top or None]:
        print(f"{'' if holds else 'FAILS '}{margin:7.2f}  {label:<10} {value:<10.4g} {bounds:<10} "
              f"{statement}")
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
