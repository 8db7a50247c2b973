"""Downloading data sets with a checksum, and checks shared by the loaders."""

import hashlib
import http.client
import numbers
import os
import tempfile
import urllib.error
import urllib.request
import weakref

DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"

#: name -> (URL, sha1 of the file).  ``download(name)`` looks names up here.
DATA_HUB = {
    "airfoil": (DATA_URL + "airfoil_self_noise.dat",
                "76e5be1548fd8222e5074cf0faae75edff8cf93f"),
}

#: Environment variable naming the directory that holds downloaded files.
DATA_DIR_ENV = "D2LSHIM_DATA_DIR"


class DownloadError(OSError):
    """A data file could neither be found in the cache nor downloaded."""


class ChecksumError(DownloadError):
    """A downloaded file does not have the sha1 that ``DATA_HUB`` expects."""


def default_cache_dir():
    """Where ``download`` keeps its files.

    ``$D2LSHIM_DATA_DIR`` if set, else ``$XDG_CACHE_HOME/d2lshim``, else
    ``~/.cache/d2lshim``.
    """
    if os.environ.get(DATA_DIR_ENV):
        return os.environ[DATA_DIR_ENV]
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache_home, "d2lshim")


def sha1sum(path):
    """The sha1 hex digest of a file."""
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _where_to_put_it(fname, sha1_hash, cache_dir):
    return (f"Put a copy of {os.path.basename(fname)} (sha1 {sha1_hash}) at {fname} "
            f"(the cache directory is {cache_dir}; set ${DATA_DIR_ENV} to use another one) "
            f"and run again.")


def download(name, cache_dir=None, timeout=60):
    """Return the local path of the file ``DATA_HUB[name]``, downloading it if needed.

    A cached file is used only if its sha1 matches; a cached file that does
    not match is deleted and fetched again.  A download is written to a
    temporary file in the cache directory and renamed into place only after
    its sha1 has been checked, so no half-written file is ever left behind.
    """
    if name not in DATA_HUB:
        raise KeyError(f"{name!r} is not in DATA_HUB; known names: {sorted(DATA_HUB)}")
    url, sha1_hash = DATA_HUB[name]
    cache_dir = cache_dir or default_cache_dir()
    os.makedirs(cache_dir, exist_ok=True)
    fname = os.path.join(cache_dir, url.split("/")[-1])
    stale = ""
    if os.path.exists(fname):
        if sha1sum(fname) == sha1_hash:
            return fname
        os.remove(fname)
        stale = f"The cached {fname} had the wrong sha1 and was deleted. "

    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".download-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                expected = response.headers.get("Content-Length")
                received = 0
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    received += len(chunk)
        if expected is not None and received != int(expected):
            raise DownloadError(
                f"{stale}The download of {url} stopped after {received} of {expected} bytes. "
                f"Nothing was saved; run again, or: " + _where_to_put_it(fname, sha1_hash, cache_dir))
        got = sha1sum(tmp)
        if got != sha1_hash:
            raise ChecksumError(
                f"{stale}Downloaded {url} but its sha1 is {got}, not {sha1_hash}: the file "
                f"on the server differs from the one this code expects, or the download was "
                f"altered on the way. Nothing was saved. " + _where_to_put_it(fname, sha1_hash, cache_dir))
        # mkstemp makes the file private (0600); a data cache shared by several
        # users (a course's server) must be readable by all of them
        os.chmod(tmp, 0o644)
        os.replace(tmp, fname)
        return fname
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        if isinstance(error, DownloadError):
            raise
        raise DownloadError(
            f"{stale}Cannot download {url} ({error}) and no valid cached copy exists. "
            + _where_to_put_it(fname, sha1_hash, cache_dir)) from error
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def check_batch_size(batch_size):
    """Raise ``ValueError`` unless ``batch_size`` is a positive whole number."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r} "
                         f"({type(batch_size).__name__}); pass e.g. batch_size=10")
    if batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    return int(batch_size)


def check_same_length(features, labels):
    """Raise ``ValueError`` unless features and labels hold as many examples."""
    n, m = len(features), len(labels)
    if n != m:
        raise ValueError(f"features and labels must have the same number of examples "
                         f"(first dimension), got {n} features and {m} labels")
    if n == 0:
        raise ValueError("load_array() got an empty data set")
    return n


# load_array remembers the arrays behind each iterator it makes, so that the
# training functions can evaluate the loss on the whole data set in one
# vectorised pass instead of looping over the iterator again.
_WHOLE_DATASETS = weakref.WeakKeyDictionary()


def remember_whole_dataset(data_iter, features, labels):
    _WHOLE_DATASETS[data_iter] = (features, labels)
    return data_iter


def lookup_whole_dataset(data_iter):
    """The ``(features, labels)`` behind ``data_iter``, or ``None`` if unknown."""
    try:
        return _WHOLE_DATASETS.get(data_iter)
    except TypeError:  # not weak-referenceable: not one of ours
        return None


def whole_dataset_from(data_iter, concat):
    """The arrays ``load_array`` remembered, else one pass joined with ``concat``."""
    known = lookup_whole_dataset(data_iter)
    if known is not None:
        return known
    batches = list(data_iter)
    return concat([X for X, _ in batches]), concat([y for _, y in batches])
