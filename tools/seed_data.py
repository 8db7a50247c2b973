"""``make data``: put the chapter's data set where every kernel looks for it.

    python tools/seed_data.py [MIRROR]

The cache is d2lshim's default (``$D2LSHIM_DATA_DIR``, else the platform
cache directory), the same for the book build and for a reader's Jupyter.
A file missing there is copied from MIRROR (a folder holding a copy, e.g.
``../shared/data`` on machines without network) when it has one, else
downloaded; either way d2lshim checks its sha1.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

from d2lshim import _data

NAMES = ("airfoil",)


def seed(mirror=None, names=NAMES):
    """Make every data set in ``names`` present and verified; return their paths."""
    cache = pathlib.Path(_data.default_cache_dir())
    paths = []
    for name in names:
        url, _ = _data.DATA_HUB[name]
        file_name = url.split("/")[-1]
        target, copy = cache / file_name, pathlib.Path(mirror or "", file_name)
        if mirror and copy.is_file() and not target.exists():
            cache.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{file_name}.{os.getpid()}.tmp")
            shutil.copyfile(copy, partial)
            os.replace(partial, target)        # never a half-copied file in the cache
            print(f"seeded {target} from {mirror}")
        paths.append(_data.download(name))    # verifies the sha1 (deletes a bad file)
    return paths


if __name__ == "__main__":
    for path in seed(sys.argv[1] if len(sys.argv) > 1 else None):
        print("data:", path)
