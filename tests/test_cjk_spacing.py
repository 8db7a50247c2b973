"""_ext/cjk_spacing.py: no space between two Chinese characters (line breaks of the source, joined words)."""


from docutils import nodes

from book import CHINESE_BLOCKS, CHINESE_QUOTES, ROOT

from cjk_spacing import join_cjk_text


def joined(*children):
    paragraph = nodes.paragraph("", "", *children)
    join_cjk_text(paragraph)
    return paragraph


def test_break_between_chinese_characters_and_punctuation_goes():
    assert joined(nodes.Text("不同的是，\n每次构建本书时")).astext() == "不同的是，每次构建本书时"
    assert joined(nodes.Text("与学生版\n（正文")).astext() == "与学生版（正文"
    assert joined(nodes.Text("读取“被复制”\n数据")).astext() == "读取“被复制”数据"


def test_space_that_an_extension_puts_between_words_goes():
    """sphinx-exercise: "解答：" + reference(" 练习 1")."""
    paragraph = joined(nodes.Text("解答："), nodes.reference("", " 练习 1", refuri="#ex"))
    assert paragraph.astext() == "解答：练习 1"


def test_break_next_to_latin_digits_or_code_stays_a_space():
    assert joined(nodes.Text("三个版本都会在各自独立的\nJupyter 内核中")).astext() == \
        "三个版本都会在各自独立的\nJupyter 内核中"
    assert joined(nodes.Text("约\n10–40 秒")).astext() == "约\n10–40 秒"
    paragraph = joined(nodes.Text("运行\n"), nodes.literal("", "make assignments"), nodes.Text("\n即可"))
    assert paragraph.astext() == "运行\nmake assignments\n即可"


def test_break_across_inline_markup_goes():
    paragraph = joined(nodes.strong("", "粗体"), nodes.Text("\n继续，"),
                       nodes.reference("", "链接", refuri="x"), nodes.Text("\n之后"))
    assert paragraph.astext() == "粗体继续，链接之后"
    assert isinstance(paragraph[2], nodes.reference)       # the markup is kept


def test_code_and_math_are_left_alone():
    paragraph = joined(nodes.literal("", "中文\n中文"), nodes.math("", "\\text{中}\n\\text{文}"))
    assert paragraph.astext() == "中文\n中文\\text{中}\n\\text{文}"
    block = nodes.literal_block("", "批量大小  学习率\n最终损失")
    join_cjk_text(block)
    assert block.astext() == "批量大小  学习率\n最终损失"


def test_each_break_is_judged_on_its_own_neighbours():
    """Equal Text nodes ("\\n") in one paragraph: the right one is changed."""
    paragraph = joined(nodes.Text("生成一份"), nodes.Text("\n"), nodes.reference("", "nbgrader"),
                       nodes.Text(" 作业，命令之前，"), nodes.Text("\n"), nodes.Text("先激活"))
    assert paragraph.astext() == "生成一份\nnbgrader 作业，命令之前，先激活"


def test_every_kind_of_chinese_character_is_joined():
    """Every character of the Unicode blocks that the tests count as Chinese
    (book.CHINESE_BLOCKS, written out independently of the extension's CJK),
    and the quotes and ellipsis Chinese writes: a line break between it and
    a Han character goes, on either side."""
    kinds = {name: [chr(c) for c in range(first, last + 1)]
             for name, (first, last) in CHINESE_BLOCKS.items()}
    kinds["quotes and ellipsis"] = list(CHINESE_QUOTES)
    kept = {}
    for name, characters in kinds.items():
        text = "".join(f"中\n{c}\n" for c in characters) + "中"
        after = joined(nodes.Text(text)).astext()
        left = [c for c in characters if f"中\n{c}" in after or f"{c}\n中" in after]
        if left:
            kept[name] = f"{len(left)} of {len(characters)}, e.g. {left[:3]}"
    assert kept == {}


def test_a_node_whose_parent_points_into_another_tree_is_joined_where_it_is():
    """sphinxcontrib-bibtex's bibliography (two entries or more) held text
    whose ``parent`` did not lead back to the paragraph being joined; following
    it stopped the build.  The paragraph that holds the text is changed."""
    shared = nodes.emphasis("", "批量\n规范化")
    elsewhere = nodes.paragraph("", "", shared)             # shared.parent is now this one
    paragraph = nodes.paragraph("")
    paragraph.children.append(shared)                       # as a list: parent not reset
    assert shared.parent is elsewhere
    join_cjk_text(paragraph)
    assert paragraph.astext() == "批量规范化"
