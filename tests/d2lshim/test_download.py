"""download(): cache, sha1, atomic writes and the errors a user meets.

The "server" is a real HTTP server on 127.0.0.1, started by the test.
"""

import hashlib
import http.server
import os
import pathlib
import socket
import stat
import threading
import time
import urllib.error

import pytest

from d2lshim import _data

CONTENT = b"1\t2\t3\r\n4\t5\t6\r\n" * 100
GOOD_SHA1 = hashlib.sha1(CONTENT).hexdigest()
BIG = bytes(range(256)) * 10_000       # 2.56 MB: three reads of at most 1 MiB


class Handler(http.server.BaseHTTPRequestHandler):
    body = CONTENT
    truncate = False          # close the connection after half of the body
    length = True             # send Content-Length
    status = 200
    watch, seen = None, None  # a folder, and what it held when the request came

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits += 1
        if Handler.watch is not None:
            Handler.seen = sorted(os.listdir(Handler.watch))
        if self.status != 200:
            self.send_error(self.status)
            return
        self.send_response(200)
        if self.length:
            self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body[:len(self.body) // 2] if self.truncate else self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    httpd.hits = 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    Handler.body, Handler.truncate, Handler.length, Handler.status = CONTENT, False, True, 200
    Handler.watch = Handler.seen = None


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def hub(monkeypatch):
    """Register a test file under the name 'testfile'; returns a setter for its URL."""
    def register(url, sha1=GOOD_SHA1):
        monkeypatch.setitem(_data.DATA_HUB, "testfile", (url, sha1))
    return register


def files_in(directory):
    return sorted(os.listdir(directory))


def says_where_to_put_it(message, cache_dir, name, sha1):
    return message.endswith(
        f"Put a copy of {name} (sha1 {sha1}) at {cache_dir / name} (the cache directory is "
        f"{cache_dir}; set ${_data.DATA_DIR_ENV} to use another one) and run again.")


def test_downloads_verifies_and_caches(server, hub, tmp_path):
    hub(f"http://127.0.0.1:{server.server_port}/data/test.dat")
    path = _data.download("testfile", cache_dir=str(tmp_path))
    assert path == str(tmp_path / "test.dat")
    assert open(path, "rb").read() == CONTENT
    assert _data.download("testfile", cache_dir=str(tmp_path)) == path
    assert server.hits == 1                     # the second call used the cache
    assert files_in(tmp_path) == ["test.dat"]   # no temporary files left


def test_a_downloaded_file_is_readable_by_everyone(server, hub, tmp_path):
    """A data cache shared by several users (a course's server): not 0600."""
    hub(f"http://127.0.0.1:{server.server_port}/data/test.dat")
    path = _data.download("testfile", cache_dir=str(tmp_path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_cache_dir_from_environment(server, hub, tmp_path, monkeypatch):
    monkeypatch.setenv(_data.DATA_DIR_ENV, str(tmp_path / "cache"))
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    assert _data.download("testfile") == str(tmp_path / "cache" / "test.dat")


def test_checksum_mismatch_saves_nothing(server, hub, tmp_path):
    hub(f"http://127.0.0.1:{server.server_port}/test.dat", sha1="0" * 40)
    with pytest.raises(_data.ChecksumError) as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    message = str(error.value)
    assert message.startswith(f"Downloaded http://127.0.0.1:{server.server_port}/test.dat but its "
                              f"sha1 is {GOOD_SHA1}, not {'0' * 40}: ")
    assert says_where_to_put_it(message, tmp_path, "test.dat", "0" * 40)
    assert files_in(tmp_path) == []


def test_no_network_and_no_cache_says_what_to_do(hub, tmp_path):
    hub(f"http://127.0.0.1:{closed_port()}/test.dat")
    with pytest.raises(_data.DownloadError) as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    message = str(error.value)
    assert message.startswith("Cannot download http://127.0.0.1:")
    assert "no valid cached copy exists" in message
    assert says_where_to_put_it(message, tmp_path, "test.dat", GOOD_SHA1)
    assert files_in(tmp_path) == []


def test_interrupted_download_leaves_no_file(server, hub, tmp_path):
    Handler.truncate = True   # the connection ends before Content-Length bytes arrive
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    with pytest.raises(_data.DownloadError) as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    message = str(error.value)
    assert message.startswith(f"The download of http://127.0.0.1:{server.server_port}/test.dat "
                              f"stopped after {len(CONTENT) // 2} of {len(CONTENT)} bytes. ")
    assert says_where_to_put_it(message, tmp_path, "test.dat", GOOD_SHA1)
    assert files_in(tmp_path) == []


def test_corrupt_cached_file_is_replaced(server, hub, tmp_path):
    (tmp_path / "test.dat").write_bytes(b"corrupt")
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    path = _data.download("testfile", cache_dir=str(tmp_path))
    assert open(path, "rb").read() == CONTENT and server.hits == 1


def test_corrupt_cached_file_without_network(hub, tmp_path):
    (tmp_path / "test.dat").write_bytes(b"corrupt")
    hub(f"http://127.0.0.1:{closed_port()}/test.dat")
    with pytest.raises(_data.DownloadError) as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    assert str(error.value).startswith(
        f"The cached {tmp_path / 'test.dat'} had the wrong sha1 and was deleted. Cannot download ")
    assert files_in(tmp_path) == []


def test_unknown_name():
    with pytest.raises(KeyError, match="not in DATA_HUB"):
        _data.download("no-such-data-set")


#: d2l's own entry for the chapter's data set (``d2l.DATA_HUB['airfoil']``),
#: written out here rather than read from d2lshim, which is what is checked.
AIRFOIL_URL = "http://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat"
AIRFOIL_SHA1 = "76e5be1548fd8222e5074cf0faae75edff8cf93f"


def no_network(*args, **kwargs):
    raise urllib.error.URLError("no network in this test")


def test_airfoil_entry_is_d2ls():
    assert _data.DATA_HUB["airfoil"] == (AIRFOIL_URL, AIRFOIL_SHA1)


def test_airfoil_with_one_byte_changed_is_rejected_and_deleted(tmp_path, monkeypatch):
    """The real file passes; the same file with one byte changed is deleted,
    not used (and without network, the error says so)."""
    good = pathlib.Path(_data.download("airfoil")).read_bytes()   # the cache conftest seeds
    assert hashlib.sha1(good).hexdigest() == AIRFOIL_SHA1 and len(good) > 50_000
    monkeypatch.setattr(_data.urllib.request, "urlopen", no_network)
    cached = tmp_path / "airfoil_self_noise.dat"
    cached.write_bytes(good)
    assert _data.download("airfoil", cache_dir=str(tmp_path)) == str(cached)   # no download needed
    changed = bytearray(good)
    changed[len(changed) // 2] ^= 0x01
    cached.write_bytes(changed)
    with pytest.raises(_data.DownloadError, match="wrong sha1 and was deleted"):
        _data.download("airfoil", cache_dir=str(tmp_path))
    assert files_in(tmp_path) == []


def test_default_cache_dir_order(monkeypatch, tmp_path):
    """$D2LSHIM_DATA_DIR, else $XDG_CACHE_HOME/d2lshim, else ~/.cache/d2lshim
    (a variable set to the empty string counts as unset)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(_data.DATA_DIR_ENV, str(tmp_path / "own"))
    assert _data.default_cache_dir() == str(tmp_path / "own")
    for unset in (lambda: monkeypatch.setenv(_data.DATA_DIR_ENV, ""),
                  lambda: monkeypatch.delenv(_data.DATA_DIR_ENV)):
        unset()
        assert _data.default_cache_dir() == str(tmp_path / "xdg" / "d2lshim")
    for unset in (lambda: monkeypatch.setenv("XDG_CACHE_HOME", ""),
                  lambda: monkeypatch.delenv("XDG_CACHE_HOME")):
        unset()
        assert _data.default_cache_dir() == str(tmp_path / "home" / ".cache" / "d2lshim")


def test_download_without_cache_dir_uses_the_default_one(server, hub, tmp_path, monkeypatch):
    monkeypatch.delenv(_data.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    assert _data.download("testfile") == str(tmp_path / "xdg" / "d2lshim" / "test.dat")


def test_cache_dir_is_made_and_may_exist(server, hub, tmp_path):
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    deep = tmp_path / "a" / "b"
    assert _data.download("testfile", cache_dir=str(deep)) == str(deep / "test.dat")
    (deep / "test.dat").unlink()
    assert _data.download("testfile", cache_dir=str(deep)) == str(deep / "test.dat")
    assert server.hits == 2


def test_download_is_written_to_a_hidden_file_in_the_cache(server, hub, tmp_path):
    """While the body arrives, the cache holds only a hidden partial file."""
    Handler.watch = tmp_path
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    _data.download("testfile", cache_dir=str(tmp_path))
    [partial] = Handler.seen
    assert partial.startswith(".download-") and partial.endswith(".part")
    assert files_in(tmp_path) == ["test.dat"]


def test_large_file_arrives_whole(server, hub, tmp_path):
    """More than one read (1 MiB each): every byte counted and kept."""
    Handler.body = BIG
    hub(f"http://127.0.0.1:{server.server_port}/big.dat", sha1=hashlib.sha1(BIG).hexdigest())
    path = _data.download("testfile", cache_dir=str(tmp_path))
    assert pathlib.Path(path).read_bytes() == BIG


def test_large_interrupted_download_counts_every_byte(server, hub, tmp_path):
    Handler.body, Handler.truncate = BIG, True
    hub(f"http://127.0.0.1:{server.server_port}/big.dat", sha1=hashlib.sha1(BIG).hexdigest())
    with pytest.raises(_data.DownloadError, match=f"stopped after {len(BIG) // 2} of {len(BIG)} bytes"):
        _data.download("testfile", cache_dir=str(tmp_path))
    assert files_in(tmp_path) == []


def test_server_without_content_length(server, hub, tmp_path):
    """A server may omit Content-Length: the sha1 alone decides."""
    Handler.length = False
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    assert pathlib.Path(_data.download("testfile", cache_dir=str(tmp_path))).read_bytes() == CONTENT


def test_http_error_says_what_to_do(server, hub, tmp_path):
    Handler.status = 404
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    with pytest.raises(_data.DownloadError, match="Cannot download .*404.* no valid cached copy") as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    assert not isinstance(error.value, _data.ChecksumError)
    assert files_in(tmp_path) == []


def test_a_silent_server_times_out(hub, tmp_path):
    """The timeout reaches the connection: a server that accepts and never
    answers is given up on (it hangs up by itself after a few seconds, so
    without a timeout the error would be another one)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def accept_and_stall():
        try:
            connection, _ = listener.accept()
        except OSError:          # the test is over already
            return
        time.sleep(5)
        connection.close()

    threading.Thread(target=accept_and_stall, daemon=True).start()
    hub(f"http://127.0.0.1:{listener.getsockname()[1]}/test.dat")
    try:
        with pytest.raises(_data.DownloadError, match="timed out"):
            _data.download("testfile", cache_dir=str(tmp_path), timeout=0.2)
    finally:
        listener.close()
    assert files_in(tmp_path) == []


def test_default_timeout_is_a_minute(hub, tmp_path, monkeypatch):
    asked = {}

    def urlopen(url, timeout):
        asked["timeout"] = timeout
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(_data.urllib.request, "urlopen", urlopen)
    hub("http://example.invalid/test.dat")
    with pytest.raises(_data.DownloadError):
        _data.download("testfile", cache_dir=str(tmp_path))
    assert asked == {"timeout": 60}


def test_sha1sum_of_a_file_larger_than_one_read(tmp_path):
    (tmp_path / "big").write_bytes(BIG)
    assert _data.sha1sum(tmp_path / "big") == hashlib.sha1(BIG).hexdigest()
