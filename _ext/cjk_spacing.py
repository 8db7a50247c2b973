"""No space between two Chinese characters on a page.

Chinese puts no spaces between words, but two kinds of text put them there:

* Markdown keeps a line break inside a paragraph as a newline, which browsers
  show as a space: 不同的是，⏎每次 reads "不同的是， 每次";
* extensions join words with a space: sphinx-exercise titles a solution
  "Solution to" + " " + "Exercise 1", in Chinese "解答 练习 1".

This post-transform deletes whitespace whose neighbours on both sides are
Chinese characters or full-width punctuation, also across inline markup
(**粗体**⏎继续).  A space next to a Latin word, a number or inline code
stays, as zh.d2l.ai writes "PyTorch 和 TensorFlow"; code, math and raw HTML
are left alone.  It runs when a page is written, after the extensions' own
post-transforms (sphinx-exercise's run at priorities 5–22).
"""

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# Han ideographs, CJK and full-width punctuation, and the quotes and ellipsis
# that Chinese text uses (“”‘’……).  Not the dash: Sphinx and English put
# spaces around "—".
CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
       "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026")
IS_CJK = re.compile(f"[{CJK}]")
SPACE = re.compile(r"[ \t\n]+")
UNTOUCHED = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment)


def _texts(element, untouched=False):
    """(text node, its parent, whether it may change) below ``element``, in
    document order.  The parent is the one reached from ``element``, not
    ``node.parent``, which need not lead back to ``element``: in the
    bibliography that sphinxcontrib-bibtex writes (two entries or more) it
    did not, and following it stopped the build."""
    for child in element.children:
        if isinstance(child, nodes.Text):
            yield child, element, not untouched
        else:
            yield from _texts(child, untouched or isinstance(child, UNTOUCHED))


def join_cjk_text(element):
    """Delete the whitespace between Chinese characters in the text of ``element``."""
    texts = [(node, parent, str(node), mutable) for node, parent, mutable
             in _texts(element, isinstance(element, UNTOUCHED))]
    for i, (node, parent, text, mutable) in enumerate(texts):
        if not mutable or not SPACE.search(text):
            continue
        # the characters just before and after this node, maybe in other markup
        before = next((t[-1] for _, _, t, _ in reversed(texts[:i]) if t), "")
        after = next((t[0] for _, _, t, _ in texts[i + 1:] if t), "")

        def join(match, text=text, before=before, after=after):
            left = text[match.start() - 1] if match.start() else before
            right = text[match.end()] if match.end() < len(text) else after
            return "" if IS_CJK.match(left or " ") and IS_CJK.match(right or " ") else match.group()

        joined = SPACE.sub(join, text)
        if joined != text:
            # by identity: Element.replace() finds the first child *equal* to a
            # Text node, which may be another "\n"
            parent[next(k for k, child in enumerate(parent.children) if child is node)] = nodes.Text(joined)
            texts[i] = (None, parent, joined, mutable)


class JoinChineseText(SphinxPostTransform):
    default_priority = 900

    def run(self, **kwargs):
        for element in list(self.document.findall(nodes.TextElement)):
            if not isinstance(element.parent, nodes.TextElement) and not isinstance(element, UNTOUCHED):
                join_cjk_text(element)


def setup(app):
    app.add_post_transform(JoinChineseText)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
