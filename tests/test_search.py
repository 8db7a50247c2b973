"""Chinese full-text search: the index holds the words a reader types.

The search page (Sphinx's searchtools.js) splits a query at spaces and looks
each word up in the index: exactly, or, for words longer than two characters
that are not an index term themselves, inside longer terms.  tests/test_browser.py
searches in a browser; this checks every term of the dictionary.
"""

import re

from book import CHAPTER_PAGE, ROOT, built_pages, search_index

DICTIONARY = ROOT / "search_dict.txt"


def terms_of_dictionary():
    """The terms of search_dict.txt: jieba's format, ``term [frequency]`` per line."""
    return [line.split()[0] for line in DICTIONARY.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def found_by_search(index, word):
    """The docnames that searchtools.js finds for one query word."""
    docs = set()
    for mapping in (index["terms"], index["titleterms"]):
        hits = [mapping[word]] if word in mapping else []
        if not hits and len(word) > 2:
            hits = [docs_ for term, docs_ in mapping.items() if word in term]
        for entry in hits:
            docs.update(entry if isinstance(entry, list) else [entry])
    return {index["docnames"][i] for i in docs}


def test_dictionary_is_one_term_per_line():
    lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
    assert len(terms_of_dictionary()) == len(lines) == len(set(terms_of_dictionary()))
    for line in lines:      # jieba would read "# note" as the word "#" tagged "note"
        assert re.fullmatch(r"[^\s#]+( [0-9]+)?", line), line


def test_every_dictionary_term_finds_the_pages_that_use_it():
    index = search_index()
    texts = {name: soup.select_one("article").get_text() for name, soup in built_pages().items()}
    used = 0
    for term in terms_of_dictionary():
        using = {name for name, text in texts.items() if term in text}
        used += bool(using)
        assert using <= found_by_search(index, term), term
    assert used >= 30      # the dictionary is the book's: most of its terms occur in it


def test_search_language_is_chinese_with_jieba():
    index = search_index()
    for word in ("梯度", "样本", "学习率", "批量规范化", "向量化"):
        assert CHAPTER_PAGE in found_by_search(index, word), word
