"""Every heading of the book has a readable anchor (#sec-vectorization).

Sphinx makes a section's id from its title, and a Chinese title leaves no
ASCII letters: it numbers them (#id2, #id5), which says nothing in a shared
link and changes when a section is added above.  The rule: each heading of
the chapter is preceded by an explicit MyST label, ``(sec_vectorization)=``,
which becomes the section's first id, so that its permalink and the page's
table of contents use it.
"""

import re

import pytest

from book import CHAPTER, HTML, ROOT, require_build

#: Every page of the book: its source and the page Sphinx writes.
PAGES = {CHAPTER: HTML / CHAPTER.relative_to(ROOT).with_suffix(".html"),
         ROOT / "index.md": HTML / "index.html",
         ROOT / "instructors.md": HTML / "instructors.html"}

NUMBERED = re.compile(r"id\d+")
READABLE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def headings_without_label(text):
    """(line number, heading) of the source's headings not right after a label."""
    missing, fence, previous = [], None, ""
    for number, line in enumerate(text.splitlines(), 1):
        opening = re.match(r"(`{3,}|~{3,}|:{3,})", line)
        if opening and (fence is None or line.startswith(fence)):
            # a fence opens, or the one that is open closes (a bare run of its characters)
            fence = opening[1] if fence is None else (None if line.strip() == fence else fence)
        elif fence is None and re.match(r"#{1,6} ", line) and not re.fullmatch(r"\([\w-]+\)=", previous):
            missing.append((number, line))
        if line.strip():
            previous = line.strip()
    return missing


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_heading_has_a_label(page):
    assert headings_without_label(page.read_text(encoding="utf-8")) == []


def test_a_heading_without_label_is_found():
    text = "(sec_a)=\n# A\n\n```{code-cell} ipython3\n# a comment\n```\n\n## 向量化\n"
    assert headings_without_label(text) == [(8, "## 向量化")]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_heading_is_reached_by_a_numbered_anchor(page):
    """The section, its permalink (¶) and the page's table of contents."""
    from bs4 import BeautifulSoup

    require_build()
    soup = BeautifulSoup(PAGES[page].read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("main article")
    headings = article.find_all(re.compile(r"h[1-6]"))
    assert len(headings) >= 3
    problems = []
    for heading in headings:
        section = heading.find_parent("section")
        title = heading.get_text(" ", strip=True).rstrip("#¶ ")
        if section is None or section.get("id") in ("exercise-content", "solution-content"):
            continue                       # an exercise's title, anchored by its :label:
        anchor = section["id"]
        link = heading.select_one("a.headerlink")
        if not READABLE.fullmatch(anchor) or NUMBERED.fullmatch(anchor):
            problems.append(f"{title}: section id {anchor!r}")
        if link is None or link["href"] != f"#{anchor}":
            problems.append(f"{title}: permalink {link and link['href']!r}, not #{anchor}")
    toc = soup.select("nav.bd-toc-nav a[href^='#'], .bd-sidebar-secondary a[href^='#']")
    assert len(toc) >= 2
    problems += [f"table of contents: {a.get_text(strip=True)} → {a['href']}" for a in toc
                 if NUMBERED.fullmatch(a["href"][1:])]
    assert problems == []
