"""download(): cache, sha1, atomic writes and the errors a user meets.

The "server" is a real HTTP server on 127.0.0.1, started by the test.
"""

import hashlib
import http.server
import os
import socket
import stat
import threading

import pytest

from d2lshim import _data

CONTENT = b"1\t2\t3\r\n4\t5\t6\r\n" * 100
GOOD_SHA1 = hashlib.sha1(CONTENT).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    body = CONTENT
    truncate = False          # close the connection after half of the body

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits += 1
        self.send_response(200)
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
    Handler.body, Handler.truncate = CONTENT, False


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
    assert GOOD_SHA1 in message and "0" * 40 in message
    assert "Put a copy of test.dat" in message and str(tmp_path) in message
    assert files_in(tmp_path) == []


def test_no_network_and_no_cache_says_what_to_do(hub, tmp_path):
    hub(f"http://127.0.0.1:{closed_port()}/test.dat")
    with pytest.raises(_data.DownloadError) as error:
        _data.download("testfile", cache_dir=str(tmp_path))
    message = str(error.value)
    assert "test.dat" in message and GOOD_SHA1 in message
    assert str(tmp_path / "test.dat") in message and _data.DATA_DIR_ENV in message
    assert files_in(tmp_path) == []


def test_interrupted_download_leaves_no_file(server, hub, tmp_path):
    Handler.truncate = True   # the connection ends before Content-Length bytes arrive
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    with pytest.raises(_data.DownloadError, match=f"stopped after {len(CONTENT) // 2} of"):
        _data.download("testfile", cache_dir=str(tmp_path))
    assert files_in(tmp_path) == []


def test_corrupt_cached_file_is_replaced(server, hub, tmp_path):
    (tmp_path / "test.dat").write_bytes(b"corrupt")
    hub(f"http://127.0.0.1:{server.server_port}/test.dat")
    path = _data.download("testfile", cache_dir=str(tmp_path))
    assert open(path, "rb").read() == CONTENT and server.hits == 1


def test_corrupt_cached_file_without_network(hub, tmp_path):
    (tmp_path / "test.dat").write_bytes(b"corrupt")
    hub(f"http://127.0.0.1:{closed_port()}/test.dat")
    with pytest.raises(_data.DownloadError, match="wrong sha1 and was deleted"):
        _data.download("testfile", cache_dir=str(tmp_path))
    assert files_in(tmp_path) == []


def test_unknown_name():
    with pytest.raises(KeyError, match="not in DATA_HUB"):
        _data.download("no-such-data-set")


def test_airfoil_entry_matches_the_mirror():
    """The sha1 in DATA_HUB is the one of the real file (seeded by conftest)."""
    path = _data.download("airfoil")
    assert _data.sha1sum(path) == "76e5be1548fd8222e5074cf0faae75edff8cf93f"
    assert os.path.getsize(path) > 50_000
