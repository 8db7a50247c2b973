"""Chinese full-text search: the search page finds the words a reader types.

The build cuts the text into words with jieba and the book's dictionary
(_ext/zh_search.py, search_dict.txt); the search page (Sphinx's
searchtools.js, in the reader's browser) splits a query at spaces and looks
its words up in the index the build wrote.  These tests ask the real search
page in headless Chromium, as a reader does (search.html?q=…), so that what is
checked is what a reader gets: the index, the language's splitter and
stemmer, and searchtools.js's lookup together.  tests/test_browser.py checks
the snippets of a few searches; here every term of the dictionary is searched.

Without Chromium the searching tests skip with a reason; in CI (``CI`` set)
they fail.
"""

import re

from book import CHAPTER_PAGE, ROOT, built_pages
from chromium import browser, page, search, site  # noqa: F401 (fixtures)

DICTIONARY = ROOT / "search_dict.txt"


def terms_of_dictionary():
    """The terms of search_dict.txt: jieba's format, ``term [frequency]`` per line."""
    return [line.split()[0] for line in DICTIONARY.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def pages_found(page, site, query):
    """The docnames of the pages that the book's search page lists for ``query``."""
    search(page, site, query)
    hrefs = page.evaluate("""[...document.querySelectorAll('#search-results ul.search li > a')]
                             .map(a => a.getAttribute('href'))""")
    return {re.split(r"[#?]", href)[0].removesuffix(".html") for href in hrefs}


def test_dictionary_is_one_term_per_line():
    lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
    assert len(terms_of_dictionary()) == len(lines) == len(set(terms_of_dictionary()))
    for line in lines:      # jieba would read "# note" as the word "#" tagged "note"
        assert re.fullmatch(r"[^\s#]+( [0-9]+)?", line), line


def test_every_dictionary_term_finds_the_pages_that_use_it(page, site):
    """One page searches every term in turn (a search is one page load, well
    under a second); a page whose text holds the term must be among the results."""
    texts = {name: soup.select_one("article").get_text() for name, soup in built_pages().items()}
    missed, used = {}, 0
    for term in terms_of_dictionary():
        using = {name for name, text in texts.items() if term in text}
        used += bool(using)
        not_found = using - pages_found(page, site, term)
        if not_found:
            missed[term] = sorted(not_found)
    assert missed == {}
    assert used >= 30      # the dictionary is the book's: most of its terms occur in it
    assert page.problems == []


def test_search_language_is_chinese_with_jieba(page, site):
    """Words of jieba's own dictionary (梯度, 样本) and of the book's (学习率,
    批量规范化, 向量化, which jieba alone splits) find the chapter: without
    jieba Sphinx's zh language indexes Latin words only."""
    for word in ("梯度", "样本", "学习率", "批量规范化", "向量化"):
        assert CHAPTER_PAGE in pages_found(page, site, word), word
    assert page.problems == []


def test_a_snippet_quotes_one_framework_value(page, site):
    """A search result's snippet holds the default framework's value once, not
    every framework's run together ("约为 2.102.102.10"): the page's text holds
    one value per number (the others are attributes, _ext/framework_tabs.py)."""
    from book import FRAMEWORKS, executed_notebook
    from pipeline import values

    default = values.collect(executed_notebook(FRAMEWORKS.default.tag))
    search(page, site, "黑塞矩阵")
    page.wait_for_function("""[...document.querySelectorAll('#search-results ul.search li')]
                              .every(li => li.querySelector('p.context'))""")
    snippet = page.evaluate("""[...document.querySelectorAll('#search-results ul.search li')]
        .filter(li => li.querySelector('a').getAttribute('href').startsWith(
            'chapters/chapter_optimization/minibatch-sgd.html'))
        .map(li => li.querySelector('p.context').textContent)[0]""")
    assert snippet and "最大特征值约为" in snippet, snippet
    quoted = re.search(r"最大特征值约为\s*([^，,]+)，", snippet)
    assert quoted, snippet
    assert quoted[1].strip() == format(default["lambda_max"], ".2f"), snippet
    assert page.problems == []
