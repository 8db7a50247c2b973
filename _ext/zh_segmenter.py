"""jieba, started in a few hundredths of a second instead of most of one.

jieba starts by loading the frequencies of the ~350 000 words of its
dictionary (and their prefixes, 500 000 entries): 0.7 s from its own cache,
on every build that indexes a page — a prose edit of the chapter included.
But the words jieba looks up while cutting a text are all substrings of that
text, so a dictionary cut down to the words made of the characters the book
uses cuts the book's text exactly as the whole one does (with the whole
dictionary's total, which its probabilities are relative to).  That subset,
about 60 000 entries, is kept in ``_build/jieba`` and loads in 0.03 s; a text
with a character the subset does not cover switches to the whole dictionary,
and the build then keeps a subset that covers it, for the next build.
"""

import logging
import os
import pathlib
import pickle
import tempfile

import jieba

jieba.setLogLevel(logging.WARNING)      # not "Building prefix dict…" on every build


class Segmenter:
    """``cut_for_search`` of jieba with a user dictionary (a file of ``word [freq]`` lines)."""

    def __init__(self, user_dict, cache_dir=None):
        self.user_dict = user_dict
        words = pathlib.Path(jieba.__file__).with_name("dict.txt").stat()
        self.cache = (pathlib.Path(cache_dir) / f"words-{jieba.__version__}-{words.st_size}"
                      f"-{words.st_mtime_ns}.pickle") if cache_dir else None
        self.whole = None       # (frequencies, total) of jieba's whole dictionary, once loaded
        # suggesting a user word's frequency looks up its parts: its characters count too
        self.seen = set(pathlib.Path(user_dict).read_text(encoding="utf-8"))
        cached = self._cached()
        if cached and self.seen <= cached[0]:
            self._use(*cached)
        else:
            self._use(None, *self._whole())

    def cut_for_search(self, text):
        characters = set(text)
        self.seen |= characters
        if self.covered is not None and not characters <= self.covered:
            self._use(None, *self._whole())
        return self.tokenizer.cut_for_search(text)

    def save(self):
        """Keep a subset of the dictionary that covers every character seen so far."""
        cached = self._cached()
        if self.cache is None or (cached and self.seen <= cached[0]):
            return
        characters = frozenset(self.seen | (cached[0] if cached else set()))
        frequencies, total = self._whole()
        subset = {word: n for word, n in frequencies.items() if set(word) <= characters}
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump((characters, subset, total), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.cache)

    def _cached(self):
        """(characters, frequencies, total) of the kept subset, or None."""
        if self.cache is None or not self.cache.is_file():
            return None
        with open(self.cache, "rb") as f:
            return pickle.load(f)

    def _whole(self):
        if self.whole is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            self.whole = (tokenizer.FREQ, tokenizer.total)
        return self.whole

    def _use(self, covered, frequencies, total):
        """Cut with these frequencies from now on; ``covered``: their characters (None: all)."""
        tokenizer = jieba.Tokenizer()
        # what Tokenizer.initialize() leaves behind, with a copy: user words go into it
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
        tokenizer.load_userdict(self.user_dict)
        self.tokenizer, self.covered = tokenizer, covered
