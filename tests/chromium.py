"""The built site in headless Chromium (Debian's package), for the browser tests.

A test module imports the fixtures it uses (``from chromium import browser,
page, site``).  Without Chromium the tests that use them skip with a reason;
in CI (``CI`` set) they fail (``pipeline/system.py``).
"""

import functools
import http.server
import shutil
import threading
import urllib.parse

import pytest

from book import HTML, require_build
from pipeline import system

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):   # one line per request would drown pytest's report
        pass


@pytest.fixture(scope="module")
def site():
    """The URL of the built site (_build/html), served on 127.0.0.1."""
    require_build()
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    why_not = system.require("browser")      # in CI: an error
    if why_not:
        pytest.skip(why_not)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def recording_page(context):
    """A page of ``context`` that records every problem in ``page.problems``."""
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and
            page.problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    # a request cut short because the test navigated away is not a failure
    page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "") and
            page.problems.append(f"request failed ({r.failure}): {r.url}"))
    page.on("response", lambda r: r.status >= 400 and
            page.problems.append(f"HTTP {r.status}: {r.url}"))
    return page


@pytest.fixture
def page(browser):
    """A desktop page (1280 px) in a fresh context (empty localStorage)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield recording_page(context)
    context.close()


def search(page, site, query):
    """Search the book as a reader does: the search page with ``?q=query``, as
    the search box submits it.  Returns once the page has listed every result:
    Sphinx's searchtools.js writes the summary line after the last one."""
    page.goto(f"{site}/search.html?q={urllib.parse.quote(query)}", wait_until="load")
    page.wait_for_function("document.querySelector('#search-results > p')?.textContent.length > 0")
