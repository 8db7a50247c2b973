"""What every framework module of d2lshim shares, written once.

Each of ``d2lshim.mxnet``, ``d2lshim.torch`` and ``d2lshim.tensorflow`` starts
with ``from ._common import *`` and adds only what depends on its framework.
"""

from ._book import ClaimFailed, claim, glue  # noqa: F401
from ._data import (DATA_DIR_ENV, DATA_HUB, DATA_URL, ChecksumError,  # noqa: F401
                    DownloadError, check_batch_size, check_same_length,
                    default_cache_dir, download, lookup_whole_dataset,
                    remember_whole_dataset, sha1sum, whole_dataset_from)
from ._plotting import Animator, plot, plt, set_axes, set_figsize, use_svg_display  # noqa: F401
from ._table import Table, table  # noqa: F401
from ._timer import Timer, cpu_name  # noqa: F401
from ._training import RECORD_EVERY, TrainMonitor, quiet, seed_python_and_numpy  # noqa: F401

__all__ = [
    "ClaimFailed", "claim", "glue",
    "DATA_DIR_ENV", "DATA_HUB", "DATA_URL", "ChecksumError", "DownloadError",
    "check_batch_size", "check_same_length", "default_cache_dir", "download",
    "lookup_whole_dataset", "remember_whole_dataset", "sha1sum", "whole_dataset_from",
    "Animator", "plot", "plt", "set_axes", "set_figsize", "use_svg_display", "Table", "table",
    "Timer", "cpu_name",
    "RECORD_EVERY", "TrainMonitor", "quiet", "seed_python_and_numpy",
]
