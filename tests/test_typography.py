"""Chinese typography of the built pages: no space between two Chinese characters.

Line breaks of the sources and words joined by extensions would put one there
(_ext/cjk_spacing.py removes them); code and its outputs keep their spaces.
"""

import re

from book import CHINESE, CHINESE_BLOCKS, CHINESE_QUOTES, built_pages

# Chinese text as the tests define it (book.py), not as the extension does:
# a kind of character the extension leaves out is then a space found here.
CJK_SPACE_CJK = re.compile(f"[{CHINESE}]\\s+[{CHINESE}]")
BLOCKS = ["p", "div", "ul", "ol", "li", "table", "pre", "section", "article", "main", "nav",
          "aside", "header", "footer", "dl", "dt", "dd", "details", "summary", "br",
          "h1", "h2", "h3", "h4", "h5", "h6"]
INLINE_HOLDERS = ["td", "th", "caption", "figcaption", "label", "button", "span", "a", "title"]


def spaced_chinese(soup):
    """Every CJK–space–CJK in the text of one page, with some context."""
    for element in soup.select("script, style, noscript, pre"):
        element.decompose()
    for element in soup.select("code, kbd, .math"):   # inline code and math: not prose
        element.replace_with("X")
    found = []
    for element in soup.find_all(BLOCKS + INLINE_HOLDERS):
        if element.find(BLOCKS):        # its own blocks are looked at one by one
            continue
        text = element.get_text()
        found += [text[max(0, m.start() - 10):m.end() + 10] for m in CJK_SPACE_CJK.finditer(text)]
    return found


def test_no_space_between_chinese_characters_on_any_page():
    pages = built_pages()
    assert {"index", "instructors", "chapters/chapter_optimization/minibatch-sgd"} <= set(pages)
    found = {name: spaced_chinese(soup) for name, soup in pages.items()}
    assert {name: spots for name, spots in found.items() if spots} == {}


def test_the_check_sees_a_line_break_and_keeps_spaces_next_to_latin_and_code():
    from bs4 import BeautifulSoup
    soup = BeautifulSoup("<p>不同的是，\n每次 <code>make</code> 会在 PyTorch 和 TensorFlow 中</p>"
                         "<pre>批量大小  学习率</pre>", "html.parser")
    found = spaced_chinese(soup)
    assert len(found) == 1 and "，\n每" in found[0]


def test_the_check_sees_a_space_next_to_every_kind_of_chinese_character():
    """A character of each block of book.CHINESE, and each quote, before and after a space."""
    from bs4 import BeautifulSoup
    kinds = {name: chr(first + 1) for name, (first, _) in CHINESE_BLOCKS.items()}
    kinds |= {f"U+{ord(q):04X}": q for q in CHINESE_QUOTES}
    unseen = []
    for name, c in kinds.items():
        soup = BeautifulSoup(f"<p>中 {c}</p><p>{c}\n中</p>", "html.parser")
        if len(spaced_chinese(soup)) != 2:
            unseen.append(name)
    assert unseen == []
