"""The backing report (pipeline/backing.py, tools/backing.py): every sentence
that states a number, a comparison or an order is backed in each tab.

Unit tests on small pages (splitting, what needs backing, each kind of
backing, stale claims and notes), the fixture book built with planted
defects, and the real chapter from the execution cache.
"""

import pathlib
import subprocess
import sys

import nbformat
import pytest

from book import CHAPTER, ROOT
from pipeline import backing, frameworks, myst, source
from pipeline.errors import BookError
from pipeline.myst_to_markdown import convert_notebook
from pipeline.values import CLAIM_MIME

import backing as backing_tool  # (tools/backing.py)

TWO = frameworks.from_list([{"tag": "a", "label": "Alpha", "module": "m_a"},
                            {"tag": "b", "label": "Beta", "module": "m_b"}], "test")


def sentences(text):
    return backing.read(text)[0]


def texts(text):
    return [s.text for s in sentences(text)]


def needs(text):
    """What the one sentence of ``text`` needs backed, as one list of strings."""
    [sentence] = sentences(text)
    need = backing.need(sentence)
    return [*need.numbers, *need.quantities, *need.comparatives]


# ---------------------------------------------------------------- splitting

def test_sentences_end_at_chinese_stops_and_semicolons_and_keep_their_closers():
    assert texts("甲很好。乙呢？丙！丁；戊") == ["甲很好。", "乙呢？", "丙！", "丁；", "戊"]
    assert texts("他说“好。”然后走了。") == ["他说“好。”", "然后走了。"]


def test_english_sentences_end_at_a_stop_and_a_space_not_inside_a_number():
    assert texts("It ran. It took 0.5 s.") == ["It ran.", "It took 0.5 s."]


def test_every_block_ends_a_sentence_and_each_sentence_knows_its_line():
    found = sentences("# 标题\n\n第一段没有句号\n\n第二段。第二句\n在下一行。\n\n* 条目一\n* 条目二\n")
    assert [(s.line, s.text) for s in found] == [
        (1, "标题"), (3, "第一段没有句号"), (5, "第二段。"), (5, "第二句 在下一行。"),
        (8, "条目一"), (9, "条目二")]
    # a sentence that starts on the next line of its paragraph is there
    assert [s.line for s in sentences("第一句。\n第二句。")] == [1, 2]


def test_math_code_urls_and_role_targets_are_not_read():
    [sentence] = sentences("见 $x_2 = 3$、`f(4)`、[文档 5](https://a.b/6)、https://c.d/7 、"
                           "{eq}`eq-8`、{cite:t}`Key.2017` 和 {doc}`指南 <../9>`。")
    assert sentence.plain.replace(" ", "") == "见、、文档5、、、和指南。"
    assert "$x_2 = 3$" in sentence.text and "`f(4)`" in sentence.text     # what claims quote
    assert sentence.cites == ("Key.2017",)


def test_code_cells_code_blocks_and_math_blocks_are_not_prose():
    text = ("```{code-cell} ipython3\nx = 5\n```\n\n```python\ny = 6  # 比 3 快\n```\n\n"
            "$$a = 2$$ (eq-one)\n\n\\begin{equation}\nb = 3\n\\end{equation}\n\n正文。\n")
    assert texts(text) == ["正文。"]


def test_directive_bodies_are_prose_with_their_lines_options_and_frameworks():
    text = ("```{exercise}\n:label: ex-one\n\n练习的题目。\n```\n\n"
            "```{admonition} 提示的标题\n:class: tip\n提示的正文。\n```\n\n"
            "```{framework-only} b\n只有 Beta 的读者读到。\n```\n\n"
            "```{solution-start} ex-one\n:class: dropdown\n```\n\n"
            "```{task}\n任务。\n```\n")
    found = {s.text: s for s in sentences(text)}
    assert list(found) == ["练习的题目。", "提示的标题", "提示的正文。", "只有 Beta 的读者读到。", "任务。"]
    assert [s.line for s in found.values()] == [4, 7, 9, 13, 21]
    assert found["只有 Beta 的读者读到。"].frameworks == {"b"}
    assert found["只有 Beta 的读者读到。"].read_by("b") and not found["只有 Beta 的读者读到。"].read_by("a")
    assert found["任务。"].frameworks is None


def test_value_roles_are_kept_as_written_and_count_as_numbers():
    [sentence] = sentences("每轮 {value}`sec_10:.4f` 秒。")
    assert sentence.values == ("sec_10",)
    assert sentence.text == "每轮 {value}`sec_10:.4f` 秒。"
    assert backing.need(sentence).values == ("sec_10",)


# ---------------------------------------------------------------- what needs backing

@pytest.mark.parametrize("text, found", [
    ("批量大小 10，学习率 0.05。", ["10", "0.05"]),
    ("约有 37% 的样本。", ["37"]),
    ("降为原来的 1/10，即 GB/s 之比。", ["1/10"]),
    ("L1 缓存、L2 缓存和 AVX-512 指令。", []),          # names, not numbers
    ("见练习 2 和第 3 轮。", []),                        # references and ordinals
    ("快了三个数量级。", ["三个数量级", "量级"]),
    ("数据集变成原来的两倍大。", ["两倍", "倍"]),
    ("还不到十分之一。", ["十分之一", "不到"]),
    ("每轮都只要几毫秒。", ["几毫秒"]),
    ("每个样本出现两次。", ["两次"]),
    ("后两轮的波动。", ["两轮"]),
])
def test_numbers_and_chinese_quantities_need_backing(text, found):
    assert needs(text) == found


@pytest.mark.parametrize("text", [
    "每一步只取一个样本，然后更新一次参数。",      # 一次, 一个: "once", "a"
    "第二轮里损失继续变化。",                      # an ordinal
    "一次性计算只有一条命令。",
    "最后一个小批量，最终损失，最初几步，最优解附近。",  # 最后, 最终, 最初, 最优
    "用最小二乘法算出参照。",
    "用同一个数据集比较这几种算法，所占的比例。",   # 比较, 比例
    "小批量随机梯度下降和梯度下降。",
    "复制数据上的一轮相当于原数据上的两轮",        # 相当于 (but 两轮 is a count)
    "我们先做一次预热训练，先停表。",              # 先 = do this first
    "由于对于这种情况，它等于总数，在于顺序。",
    "现在还看不到结果。",
])
def test_words_that_only_look_comparative_do_not_need_backing(text):
    assert [w for w in needs(text) if w != "两轮"] == []


@pytest.mark.parametrize("text, word", [
    ("它比随机梯度下降快。", "比"), ("它更快。", "更"), ("最快的是一次性计算。", "最"),
    ("快三个数量级以上。", "以上"), ("降到 0.25 以下。", "以下"), ("相差不到三倍。", "不到"),
    ("用时超过梯度下降。", "超过"), ("损失高于最低值。", "高于"), ("损失低于参照。", "低于"),
    ("两者相差很多。", "相差"), ("已接近最低。", "接近"), ("离最低不远。", "不远"),
    ("梯度下降先到达。", "先到"), ("它领先一点。", "领先"), ("用时远远多于它。", "远远"),
    ("两者差不多。", "差不多"), ("与波动相当。", "相当"), ("学习率翻倍。", "倍"),
    ("开销减半。", "减半"), ("批量越大，方差越小。", "越大，方差越"),
    ("此后几乎不再改善。", "几乎"), ("要快得多。", "快得多"), ("学习率略大。", "略大"),
    ("与运行间的波动同一量级。", "量级"), ("两者孰先孰后随框架而变。", "孰先孰后"),
])
def test_comparisons_and_orders_need_backing(text, word):
    assert word in needs(text)


def test_counted_reads_chinese_counts_but_not_orders_of_magnitude():
    assert [backing.counted(q) for q in ("两次", "十轮", "二十次", "十五次", "三倍")] == [2, 10, 20, 15, 3]
    assert backing.counted("三个数量级") is None and backing.counted("几毫秒") is None


# ---------------------------------------------------------------- backing kinds

def claim_output(statement, holds=True):
    return nbformat.v4.new_output("display_data", data={CLAIM_MIME: {
        "statement": statement, "value": 1.0, "at_least": 1, "at_most": None, "margin": 1.0,
        "holds": holds, "timing": False, "numbers": {}}})


def executed(code="pass", claims=(), hidden_code="", holds=True):
    """A framework's executed notebook: a visible cell, a hidden one with claims."""
    visible = nbformat.v4.new_code_cell(code, metadata={"source_line": 3})
    book_cell = nbformat.v4.new_code_cell(hidden_code, metadata={"tags": [source.BOOK],
                                                                  "source_line": 7})
    book_cell.outputs = [claim_output(s, holds) for s in claims]
    return nbformat.v4.new_notebook(cells=[visible, book_cell])


def page(text, name="p"):
    return source.Page(name, pathlib.Path(f"/book/{name}.md"), text)


def rows_of(text, by_tag):
    report = backing.report(page(text), by_tag, TWO)
    return report, {(row.framework.tag, row.sentence.text): row for row in report.rows}


def kinds(row):
    return [b.kind for b in row.backings]


def test_a_value_role_backs_its_sentence():
    _, rows = rows_of("用时 {value}`t:.2f` 秒，比它快。", {"a": executed(), "b": executed()})
    assert kinds(rows["a", "用时 {value}`t:.2f` 秒，比它快。"]) == ["value"]


def test_a_claim_backs_the_sentence_it_quotes_in_its_own_tab_only():
    text = "分块计算比逐列计算快得多。"
    report, rows = rows_of(text, {"a": executed(claims=["比逐列计算快得多"]), "b": executed()})
    assert kinds(rows["a", text]) == ["claim"] and rows["a", text].backings[0].what == "比逐列计算快得多"
    assert not rows["b", text].backed
    assert [(p.kind, p.framework.tag, p.line) for p in report.problems] == [("unbacked", "b", 1)]


def test_a_claim_that_does_not_hold_backs_nothing():
    text = "分块计算比逐列计算快得多。"
    report, rows = rows_of(text, {"a": executed(claims=["比逐列计算快得多"], holds=False),
                                  "b": executed(claims=["比逐列计算快得多"])})
    assert not rows["a", text].backed and "does not hold in this run" in report.problems[0].message


def test_numbers_of_the_visible_code_are_settings():
    text = "批量大小 10，学习率 0.05，训练两轮。"
    _, rows = rows_of(text, {"a": executed("train(.05, 10, epochs=2)"),
                             "b": executed("train(0.05, 20, epochs=2)  # 10 in a comment",
                                           hidden_code="x = 10")})
    assert kinds(rows["a", text]) == ["setting"]
    assert rows["a", text].backings[0].what.startswith("10 (code at line 3)")
    assert not rows["b", text].backed      # 10 only in a comment and a hidden cell


def test_a_setting_backs_only_sentences_of_its_own_section():
    # the visible cell is at line 3, in the section of "# 一"
    text = "# 一\n\n批量大小 16。\n\n## 二\n\n一块 CPU 有 16 核。\n"
    _, rows = rows_of(text, {"a": executed("rows = 16"), "b": executed("rows = 16")})
    assert kinds(rows["a", "批量大小 16。"]) == ["setting"]
    assert not rows["a", "一块 CPU 有 16 核。"].backed


def test_a_setting_does_not_back_a_comparison():
    text = "批量 10 比批量 100 慢。"
    _, rows = rows_of(text, {"a": executed("train(10)\ntrain(100)"), "b": executed()})
    assert not rows["a", text].backed


def test_a_fraction_is_one_number_and_an_exercise_is_a_section():
    text = "# 标题\n\n批量 5，降为原来的 1/10。\n\n```{exercise}\n批量 5。\n```\n"
    _, rows = rows_of(text, {"a": executed("train(factor=0.1, batch=5)"), "b": executed("f(1, 10)")})
    assert kinds(rows["a", "批量 5，降为原来的 1/10。"]) == ["setting"]   # the cell at line 3
    assert not rows["b", "批量 5，降为原来的 1/10。"].backed              # 1 and 10 are not 1/10
    assert not rows["a", "批量 5。"].backed                 # the exercise is a section of its own
    assert backing.number_value("1/10") == 0.1


def test_magics_do_not_hide_a_cells_numbers():
    nb = executed("%matplotlib inline\ntrain(0.4, 1500)  # not 7\n", hidden_code="x = 9")
    assert backing.code_numbers(nb) == {0: {0.4: 3, 1500.0: 3}}    # the cell at line 3


def test_a_citation_backs_its_sentence():
    text = "可参阅 {cite:t}`Ioffe.2017`，批量大于 32 时如此。"
    _, rows = rows_of(text, {"a": executed(), "b": executed()})
    assert kinds(rows["a", text]) == ["citation"]


def test_a_note_right_after_the_paragraph_backs_the_sentence_it_quotes():
    text = ("一共 16 台服务器。至少有 128 个样本。\n% 依据：「至少有 128 个样本」算术：8 × 16 = 128\n\n"
            "另一段也至少有 128 个样本。\n")
    report, rows = rows_of(text, {"a": executed(), "b": executed()})
    assert kinds(rows["a", "至少有 128 个样本。"]) == ["note"]
    assert rows["a", "至少有 128 个样本。"].backings[0].what == "算术：8 × 16 = 128"
    assert not rows["a", "一共 16 台服务器。"].backed          # the note quotes the other sentence
    assert not rows["a", "另一段也至少有 128 个样本。"].backed  # a note backs its own paragraph only


def test_a_note_inside_a_framework_only_block_backs_its_sentence():
    text = "```{framework-only} b\n快 3 倍。\n% 依据：「快 3 倍」理由\n```\n"
    report, rows = rows_of(text, {"a": executed(), "b": executed()})
    assert kinds(rows["b", "快 3 倍。"]) == ["note"] and ("a", "快 3 倍。") not in rows
    assert report.problems == ()


def test_a_note_after_a_code_cell_is_not_right_after_the_paragraph():
    text = "快 3 倍。\n\n```{code-cell} ipython3\nx = 1\n```\n% 依据：「快 3 倍」理由\n"
    report, _ = rows_of(text, {"a": executed(), "b": executed()})
    assert {p.kind for p in report.problems} == {"unbacked", "stale note"}


def test_a_stale_note_is_a_problem_naming_its_line():
    text = "快 3 倍。\n% 依据：「快 4 倍」理由\n"
    report, _ = rows_of(text, {"a": executed(), "b": executed()})
    stale = [p for p in report.problems if p.kind == "stale note"]
    assert [(p.line, p.framework) for p in stale] == [(2, None)] and "「快 4 倍」" in stale[0].message


def test_a_malformed_note_is_an_error_naming_its_line():
    with pytest.raises(BookError, match=r"/book/p.md:2: .*fragment in 「」"):
        backing.report(page("快 3 倍。\n% 依据：快 3 倍\n"), {"a": executed(), "b": executed()}, TWO)
    # a comment that is not a note is none of the report's business
    assert backing.read("快。\n% 一条普通的注释\n")[1] == []


def test_a_stale_claim_is_a_problem_of_its_tab_naming_its_cell():
    text = "```{framework-only} a\n只有 Alpha：快得多。\n```\n"
    report, _ = rows_of(text, {"a": executed(claims=["快得多"]), "b": executed(claims=["快得多"])})
    assert [(p.kind, p.framework.tag, p.line) for p in report.problems] == [("stale claim", "b", 7)]
    assert "«快得多» quotes no sentence" in report.problems[0].message


def test_check_fails_with_page_line_framework_the_sentence_and_what_to_do():
    text = "正文。\n\n批量 10 比批量 100 慢得多。\n"
    with pytest.raises(BookError) as error:
        backing.check(page(text), {"a": executed(), "b": executed()}, TWO)
    message = str(error.value)
    assert message.startswith("/book/p.md:3: [Alpha] unbacked: «批量 10 比批量 100 慢得多。» states ")
    assert "{value} role" in message and "d2l.claim" in message and "% 依据：「" in message
    assert "/book/p.md:3: [Beta] unbacked" in message         # every problem listed
    backing.check(page("正文。\n"), {"a": executed(), "b": executed()}, TWO)   # nothing to say


# ---------------------------------------------------------------- comments never shown

def test_comments_are_dropped_from_notebooks_but_not_code_or_math():
    text = ("一句话。\n% 依据：「一句话」理由\n\n```{framework-only} a\n快。\n% 依据：「快」理由\n```\n\n"
            "```python\n%timeit f()\n```\n\n$$\na = 1 % b\n$$\n")
    kept = myst.without_comments(text)
    assert "依据" not in kept and "%timeit f()" in kept and "a = 1 % b" in kept
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    assert "依据" not in convert_notebook(nb, framework="a").cells[0].source


# ---------------------------------------------------------------- the fixture book

@pytest.fixture(scope="module")
def fixture_book(tmp_path_factory):
    from test_fixture_book import built_copy
    return built_copy(tmp_path_factory, "backing")[0]


def build_with(book, page_name, edit):
    """Build ``book`` with ``edit(text)`` applied to a page; the log and the page's path."""
    from test_fixture_book import build, log_of
    page_path = book / page_name / "page.md"
    original = page_path.read_text(encoding="utf-8")
    page_path.write_text(edit(original), encoding="utf-8")
    try:
        result, _ = build(book)
        report = subprocess.run([sys.executable, str(ROOT / "tools" / "backing.py"), "--book",
                                 str(book), "--unbacked"], capture_output=True, text=True)
        return result, log_of(result), page_path, report
    finally:
        page_path.write_text(original, encoding="utf-8")


def test_the_fixture_book_is_backed_and_the_tool_says_so(fixture_book):
    report = subprocess.run([sys.executable, str(ROOT / "tools" / "backing.py"), "--book",
                             str(fixture_book)], capture_output=True, text=True)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "== NumPy: a/page (1 sentences need backing, 0 unbacked)" in report.stdout
    assert "value     «This page ran in {value}`where`.»  where" in report.stdout


def test_a_planted_unbacked_sentence_fails_the_build_with_page_line_and_framework(fixture_book):
    planted = "Every framework prints where it ran."
    result, log, path, report = build_with(
        fixture_book, "a", lambda text: text.replace(planted, planted + " NumPy 比 MXNet 快 3 倍。"))
    line = path.read_text(encoding="utf-8").splitlines().index(planted) + 1
    assert result.returncode != 0
    assert (f"{path}:{line}: [MXNet] unbacked: «NumPy 比 MXNet 快 3 倍。» states 3、比、倍 but "
            f"nothing backs it") in log, log[-3000:]
    assert report.returncode == 1
    assert f"a/page.md:{line}: [MXNet, PyTorch, TensorFlow, NumPy] unbacked: «NumPy" in report.stdout


def test_a_planted_sentence_of_one_tab_fails_in_that_tab(fixture_book):
    only = "Only NumPy readers see this sentence."
    result, log, path, _ = build_with(fixture_book, "b",
                                      lambda text: text.replace(only, only + "\n它快得多。"))
    line = path.read_text(encoding="utf-8").splitlines().index(only) + 2
    assert result.returncode != 0
    assert f"{path}:{line}: [NumPy] unbacked: «它快得多。»" in log, log[-3000:]


def test_a_stale_note_fails_the_build(fixture_book):
    planted = "Every framework prints where it ran."
    result, log, path, _ = build_with(fixture_book, "a", lambda text: text.replace(
        planted, planted + "\n% 依据：「runs twice as fast」a note whose sentence was rewritten"))
    line = path.read_text(encoding="utf-8").splitlines().index(planted) + 2
    assert result.returncode != 0
    assert f"{path}:{line}: stale note: the note's fragment 「runs twice as fast」" in log, log[-3000:]


def test_a_note_backs_its_sentence_and_neither_edition_shows_it(fixture_book):
    planted = "Every framework prints where it ran."
    note = "% 依据：「prints where it ran 3 times」a planted author's note"

    def edit(text):
        return text.replace(planted, "Every framework prints where it ran 3 times.\n" + note)

    page_path = fixture_book / "a" / "page.md"
    original = page_path.read_text(encoding="utf-8")
    page_path.write_text(edit(original), encoding="utf-8")
    try:
        for edition, html, notebooks in [("full", "html", "notebooks"),
                                         ("course", "html-course", "notebooks-course")]:
            result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"),
                                     str(fixture_book), "--edition", edition, "--builder", "html",
                                     "-n", "-W", "--keep-going"], capture_output=True, text=True)
            assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
            built = fixture_book / "_build"
            assert "ran 3 times" in (built / html / "a" / "page.html").read_text(encoding="utf-8")
            shown = [(built / html / "a" / "page.html").read_text(encoding="utf-8")] + [
                path.read_text(encoding="utf-8") for path in (built / notebooks / "a").glob("*.ipynb")]
            assert len(shown) == 5
            # the note's own words (the notebooks' introduction says 依据 in prose of its own)
            assert not [text for text in shown if "「prints where" in text or "planted author" in text], \
                edition
    finally:
        page_path.write_text(original, encoding="utf-8")


def test_a_stale_claim_fails_the_build(fixture_book):
    quoting = "The claim above checks that where names this page.\n"
    result, log, path, report = build_with(fixture_book, "a", lambda text: text.replace(quoting, ""))
    assert result.returncode != 0
    assert "[MXNet] stale claim: the claim «where names this page» quotes no sentence" in log, \
        log[-3000:]
    assert report.returncode == 1 and "stale claim" in report.stdout


# ---------------------------------------------------------------- the chapter

def test_every_sentence_of_the_chapter_is_backed_in_every_tab():
    """From the last build's execution cache, as tools/backing.py reads it."""
    from book import FRAMEWORKS
    chapter = source.Page.from_file(CHAPTER, ROOT)
    try:
        executed_by_tag = backing_tool.cached_notebooks(chapter, FRAMEWORKS,
                                                         ROOT / "_build" / "framework_cache", (ROOT,))
    except backing_tool.NotInCache as error:
        pytest.fail(str(error))
    report = backing.report(chapter, executed_by_tag, FRAMEWORKS, myst.book_extensions(ROOT))
    assert report.rows                          # the chapter has such sentences
    problems = backing_tool.problem_lines(chapter, report.problems)
    assert not problems, "\n".join(problems)
