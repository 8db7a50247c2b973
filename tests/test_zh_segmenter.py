"""_ext/zh_segmenter.py: a dictionary subset that cuts the book's text as the whole one does."""


import jieba

from book import CHAPTER, ROOT

from zh_segmenter import Segmenter

DICTIONARY = ROOT / "search_dict.txt"


def whole_dictionary_cut(text):
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(DICTIONARY))
    return [list(tokenizer.cut_for_search(line)) for line in text.splitlines()]


def test_subset_cuts_exactly_as_the_whole_dictionary(tmp_path):
    text = CHAPTER.read_text(encoding="utf-8")
    first = Segmenter(str(DICTIONARY), tmp_path)          # no subset yet: the whole dictionary
    assert first.covered is None
    expected = [list(first.cut_for_search(line)) for line in text.splitlines()]
    first.save()
    second = Segmenter(str(DICTIONARY), tmp_path)         # the next build: the kept subset
    assert second.covered is not None and len(second.tokenizer.FREQ) < len(first.tokenizer.FREQ) / 4
    assert [list(second.cut_for_search(line)) for line in text.splitlines()] == expected
    assert second.covered is not None                     # it never needed the whole one
    assert expected == whole_dictionary_cut(text)         # and jieba itself agrees
    words = {word for cut in expected for word in cut}
    assert {"学习率", "批量规范化", "小批量随机梯度下降"} <= words     # the book's terms, whole


def test_a_new_character_switches_to_the_whole_dictionary_and_is_kept(tmp_path):
    first = Segmenter(str(DICTIONARY), tmp_path)
    first.cut_for_search("小批量随机梯度下降的学习率")
    first.save()
    second = Segmenter(str(DICTIONARY), tmp_path)
    assert "鲸" not in second.covered
    assert list(second.cut_for_search("蓝鲸是海洋中的哺乳动物")) == \
        whole_dictionary_cut("蓝鲸是海洋中的哺乳动物")[0]
    assert second.covered is None                          # switched
    second.save()
    assert "鲸" in Segmenter(str(DICTIONARY), tmp_path).covered
