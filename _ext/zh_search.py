"""Chinese full-text search: Sphinx's ``zh`` search language, jieba and the book's terms.

Sphinx indexes Chinese words only when jieba is installed (without it, its
``zh`` search language indexes Latin words alone), and the search page splits
a query at spaces and punctuation only: 学习率 is found only if jieba cut
学习率 out of the text as one word.  jieba's own dictionary splits many of the
book's terms (学习 / 率, 批量 / 规范化, 向 / 量化), so ``_config.yml`` names a
user dictionary of terms, one per line::

    html_search_options: {dict: search_dict.txt}

This extension

* resolves that path against the book's folder (Sphinx takes it relative to
  the current directory and silently ignores a file it does not find) and
  fails the build when the file or jieba is missing;
* starts jieba only when the first page is indexed (Sphinx's own loader runs
  whenever the HTML builder starts writing, even on a rebuild that writes
  nothing), and with the part of its dictionary that the book's characters
  reach (``zh_segmenter.py``): 0.03 s instead of 0.7 s, so that a prose edit
  stays quick;
* re-indexes every page when the dictionary changes (its digest is an HTML
  config value, so the change invalidates every written page).
"""

import hashlib
import pathlib

import snowballstemmer
from sphinx.errors import ConfigError
from sphinx.search.zh import SearchChinese

_segmenters = {}    # user dictionary -> zh_segmenter.Segmenter, made on first use
_cache_dir = None   # _build/jieba, set when the configuration is read


def _segmenter(user_dict):
    if user_dict not in _segmenters:
        import zh_segmenter   # imports jieba: only when a page is indexed
        _segmenters[user_dict] = zh_segmenter.Segmenter(user_dict, _cache_dir)
    return _segmenters[user_dict]


class LazySearchChinese(SearchChinese):
    """Sphinx's Chinese search language, with jieba and the book's terms, started on first use."""

    def init(self, options):
        self.user_dict = options["dict"]
        self.stemmer = snowballstemmer.stemmer("english")
        # SearchChinese keeps the Latin words seen in a list and stem() asks
        # `word in latin_terms` of every word: with thousands of them that
        # took 0.2 s of a prose edit's rebuild.  A set answers the same.
        self.latin_terms = set()

    def split(self, input):
        # SearchChinese.split, with our jieba instead of jieba's global one
        chinese = list(_segmenter(self.user_dict).cut_for_search(input))
        latin1 = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin1)
        return chinese + latin1


def resolve_dictionary(app, config):
    global _cache_dir
    if not config.language.startswith("zh"):
        return
    _cache_dir = pathlib.Path(app.doctreedir).parent / "jieba"
    try:
        import jieba  # noqa: F401
    except ImportError:
        raise ConfigError("zh_search: jieba is not installed, so Sphinx would index no "
                          "Chinese word (pip install -r requirements.txt)") from None
    options = dict(config.html_search_options or {})
    if not options.get("dict"):
        raise ConfigError("zh_search: set html_search_options: {dict: <file of terms>} in _config.yml")
    path = pathlib.Path(app.srcdir, options["dict"]).resolve()
    if not path.is_file():
        raise ConfigError(f"zh_search: the search dictionary {path} does not exist")
    options["dict"] = str(path)
    config.html_search_options = options
    config.zh_search_dict_digest = hashlib.sha1(path.read_bytes()).hexdigest()


def keep_dictionary_subset(app, exception):
    for segmenter in _segmenters.values():
        segmenter.save()


def setup(app):
    app.add_config_value("zh_search_dict_digest", "", "html")
    app.connect("build-finished", keep_dictionary_subset)
    app.add_search_language(LazySearchChinese)
    app.connect("config-inited", resolve_dictionary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
