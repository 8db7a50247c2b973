"""MyST → plain Jupyter Markdown (pipeline/myst_to_markdown.py) on small made-up
cells: every directive and role the book uses has a conversion, and one the
converter does not know stops it with the page and the line."""

import pathlib
import re

import nbformat
import pytest

from book import CHAPTER, ROOT
from pipeline import citations, myst
from pipeline.errors import BookError
from pipeline.myst_to_markdown import DIRECTIVES, ROLES, convert_notebook

PAGE = pathlib.Path("/book/chapters/page.md")

BIB = r"""
@inproceedings{Ioffe.2017,
  title     = {Batch Renormalization},
  author    = {Ioffe, Sergey},
  booktitle = {NIPS 30},
  year      = {2017}
}

@inproceedings{Ioffe.Szegedy.2015,
  title     = {{B}atch {N}ormalization: Accelerating Deep Network Training},
  author    = {Ioffe, Sergey and Szegedy, Christian},
  booktitle = {Proceedings of {ICML}},
  year      = {2015}
}

@inproceedings{He.Zhang.Ren.ea.2016,
  title     = {Deep Residual Learning for Image Recognition},
  author    = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle = {CVPR},
  year      = {2016}
}
"""


@pytest.fixture
def bib(tmp_path):
    path = tmp_path / "references.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def notebook(*texts, first_line=10):
    """Markdown cells as a page would give them: each knows the line it starts
    on (one blank line between cells)."""
    cells, line = [], first_line
    for text in texts:
        cell = nbformat.v4.new_markdown_cell(text)
        cell.metadata["source_line"] = line
        cells.append(cell)
        line += text.count("\n") + 2
    return nbformat.v4.new_notebook(cells=cells)


def converted(*texts, **options):
    options.setdefault("path", PAGE)
    return [c.source for c in convert_notebook(notebook(*texts), **options).cells]


def one(text, **options):
    (source,) = converted(text, **options)
    return source


def fails(texts, line, *words, **options):
    """The conversion of ``texts`` stops with the page, ``line`` and ``words``."""
    with pytest.raises(BookError) as raised:
        converted(*texts, **options)
    message = str(raised.value)
    assert message.startswith(f"{PAGE}:{line}: "), message
    for word in words:
        assert word in message, message
    return message


# ---------------------------------------------------------------- exercises and tasks

EXERCISES = ("```{exercise}\n:label: ex-a\n\n改变批量大小。\n```\n\n"
             "```{solution-start} ex-a\n:class: dropdown\n```\n\n"
             "```{task}\n补全 `f`。\n```\n\n解答的文字。\n\n```{solution-end}\n```\n\n"
             "```{exercise}\n:label: ex-b\n\n第二题。\n```")


def test_exercises_are_numbered_in_bold_and_tasks_keep_their_text():
    assert one(EXERCISES) == ("**练习 1**：改变批量大小。\n\n**解答**\n\n补全 `f`。\n\n解答的文字。\n\n"
                              "**练习 2**：第二题。")


def test_exercises_as_headings_for_readers_notebooks():
    assert converted(EXERCISES, "```{exercise}\n第三题。\n```", exercise_heading=3) == [
        "### 练习 1\n\n改变批量大小。\n\n#### 解答\n\n补全 `f`。\n\n解答的文字。\n\n### 练习 2\n\n第二题。",
        "### 练习 3\n\n第三题。"]


def test_a_single_block_solution_keeps_its_body():
    assert one("```{solution} ex-a\n:class: dropdown\n\n答案是 $x$。\n```") == "**解答**\n\n答案是 $x$。"


# ---------------------------------------------------------------- conditions

def test_only_blocks_hold_for_a_notebook_as_sphinx_evaluates_them():
    text = "```{only} html and not course\n只在网页上。\n```\n\n```{only} not latex\n不是 PDF。\n```"
    assert one(text) == "不是 PDF。"


def test_an_only_expression_sphinx_cannot_evaluate_is_an_error():
    fails(["一\n\n```{only} html and (\n网页。\n```"], 12, "{only} html and (")


def test_framework_only_prose_reaches_its_frameworks_notebooks():
    text = "共同。\n\n```{framework-only} a b\n快（式 {eq}`e`）。\n```\n\n$$x$$ (e)"
    assert one(text, framework="a") == "共同。\n\n快（式 (1)）。\n\n$$x \\tag{1}$$"
    assert one(text, framework="c") == "共同。\n\n$$x \\tag{1}$$"


# ---------------------------------------------------------------- fences of three kinds

def test_colon_and_tilde_fences_are_directives_too():
    text = (":::{note}\n冒号。\n:::\n\n~~~{exercise}\n波浪号。\n~~~\n\n"
            "::::{framework-only} a\n:::{tip}\n嵌套。\n:::\n::::")
    assert one(text, framework="a") == ("> **备注**\n>\n> 冒号。\n\n**练习 1**：波浪号。\n\n"
                                        "> **小技巧**\n>\n> 嵌套。")


def test_code_blocks_stay_code_blocks():
    text = ("~~~python\n%timeit f()  # {eq}`x`\n~~~\n\n```{code-block} python\n:linenos:\n\nx = 1\n```\n\n"
            "```{code} bash\necho ```\n```\n\n:::\nplain\n:::")
    assert one(text) == ("~~~python\n%timeit f()  # {eq}`x`\n~~~\n\n```python\nx = 1\n```\n\n"
                         "````bash\necho ```\n````\n\n```\nplain\n```")


def test_a_directive_in_a_list_item_keeps_its_indentation():
    assert one("- 一项\n\n  ```{note}\n  说明。\n  ```\n- 二项") == \
        "- 一项\n\n  > **备注**\n  >\n  > 说明。\n- 二项"


# ---------------------------------------------------------------- boxes, figures, math

def test_admonitions_become_quotes_with_their_title():
    assert one("```{warning}\n小心 {eq}`e`。\n```\n\n$$y$$ (e)") == "> **警告**\n>\n> 小心 (1)。\n\n$$y \\tag{1}$$"
    assert one(":::{admonition} 为什么是式 {eq}`e`\n因为。\n:::\n\n$$y$$ (e)") == \
        "> **为什么是式 (1)**\n>\n> 因为。\n\n$$y \\tag{1}$$"


def test_figures_keep_their_image_caption_and_number():
    text = ("```{figure} ../img/loss.svg\n:name: fig-loss\n:alt: 损失曲线\n\n损失随时间下降。\n```\n\n"
            "如 {numref}`fig-loss` 所示，{numref}`图 %s <fig-loss>` 也是。\n\n"
            "```{image} ../img/a.png\n:alt: 一张图\n```")
    assert one(text) == ("![损失曲线](../img/loss.svg)\n\n图 1：损失随时间下降。\n\n"
                         "如 图 1 所示，图 1 也是。\n\n![一张图](../img/a.png)")


def test_equations_are_numbered_across_cells_in_page_order():
    first = "$$a = b$$ (eq-first)\n\n见式 {eq}`eq-second`。"
    second = ("```{math}\n:label: eq-second\n\nc = d\n```\n\n$$\ne = f\n$$ (eq-third)\n\n"
              "式 {eq}`eq-first` 与式 {eq}`eq-third`；无编号：\n\n$$g$$")
    assert converted(first, second) == [
        "$$a = b \\tag{1}$$\n\n见式 (2)。",
        "$$c = d \\tag{2}$$\n\n$$e = f \\tag{3}$$\n\n式 (1) 与式 (3)；无编号：\n\n$$g$$"]


def test_an_equation_label_the_page_lacks_is_an_error():
    fails(["$$a$$ (eq-a)", "第一行\n\n式 {eq}`eq-b`。"], 14, "{eq}`eq-b`", "label")


def test_math_sub_and_sup_roles():
    assert one("{math}`x^2` 与 H{sub}`2`O、x{sup}`2`") == "$x^2$ 与 H<sub>2</sub>O、x<sup>2</sup>"


# ---------------------------------------------------------------- links

def test_link_roles_show_their_title():
    text = ("(sec-a)=\n## 向量化\n\n见{doc}`教师指南 <../../instructors>`、{ref}`sec-a`、"
            "{ref}`这一节 <sec-a>`、{term}`梯度 <gradient>` 和 {term}`批量`。")
    assert one(text) == "## 向量化\n\n见教师指南、向量化、这一节、梯度 和 批量。"


def test_a_link_without_a_title_the_notebook_cannot_know_is_an_error():
    fails(["一\n\n见{doc}`../other`。"], 12, "{doc}`../other`", "title")
    fails(["见{ref}`sec-elsewhere`。"], 10, "{ref}`sec-elsewhere`", "title")


def test_code_roles_become_code():
    assert one("运行 {command}`make notebooks`，打开 {file}`a.ipynb`。") == \
        "运行 `make notebooks`，打开 `a.ipynb`。"


def test_roles_quoted_in_code_are_left_alone():
    assert one("写 `` {eq}`x` `` 会得到 {eq}`x`。\n\n$$x$$ (x)") == \
        "写 `` {eq}`x` `` 会得到 (1)。\n\n$$x \\tag{1}$$"


# ---------------------------------------------------------------- citations

def test_citations_name_one_two_and_three_or_more_authors_as_the_page_does(bib):
    text = ("{cite:t}`Ioffe.2017`；{cite:t}`Ioffe.Szegedy.2015`；{cite:t}`He.Zhang.Ren.ea.2016`；"
            "{cite:p}`Ioffe.Szegedy.2015`；{cite}`Ioffe.2017`")
    assert one(text, bibliography=bib) == ("Ioffe (2017)；Ioffe and Szegedy (2015)；He et al. (2016)；"
                                           "(Ioffe and Szegedy, 2015)；(Ioffe, 2017)")


def test_the_reference_list_is_the_pages_cited_entries_labelled_like_the_text(bib):
    text = "{cite:p}`Ioffe.Szegedy.2015` 与 {cite:t}`Ioffe.2017`。\n\n## 参考文献\n\n```{bibliography}\n```"
    source = one(text, bibliography=bib)
    labels = re.findall(r"^- \[(.+?)\] ", source, re.M)
    assert labels == ["Ioffe, 2017", "Ioffe and Szegedy, 2015"]        # sorted by author, year
    assert "He" not in source                                         # not cited, not listed
    # the nested braces of the title are BibTeX's case protection, not text
    assert "Batch Normalization: accelerating deep network training" in source
    from pybtex.database import parse_file
    assert citations.reference_list(["Ioffe.2017", "Ioffe.Szegedy.2015"], parse_file(str(bib))) in source


def test_a_key_the_bibliography_lacks_is_an_error(bib):
    fails(["一\n\n二 {cite:t}`Nobody.2020`。"], 12, "Nobody.2020", str(bib), bibliography=bib)


def test_a_bibliography_pybtex_cannot_read_is_an_error_naming_its_line(tmp_path):
    bib = tmp_path / "references.bib"
    bib.write_text("@article{a,\n  title = {x},\n  author = {A, B\n}\n@article{b, title = {y}}\n",
                   encoding="utf-8")
    with pytest.raises(BookError) as raised:
        converted("{cite:t}`a`", bibliography=bib)
    assert str(raised.value).startswith(f"{bib}:5: "), raised.value


# ---------------------------------------------------------------- what is left out

def test_labels_comments_and_markers_are_left_out():
    text = "(sec-x)=\n# 标题\n% 依据：理由\n正文。\n\n```{solution-end}\n```\n\n```{tableofcontents}\n```"
    assert one(text) == "# 标题\n正文。"


def test_cells_left_empty_are_dropped():
    nb = convert_notebook(notebook("% 只是注释", "正文。"), path=PAGE)
    assert [c.source for c in nb.cells] == ["正文。"]


# ---------------------------------------------------------------- unknown markup

def test_an_unknown_directive_stops_the_conversion_with_page_and_line():
    fails(["第一段。", "第二段。\n\n```{sidebar2} 标题\n正文\n```"], 14, "{sidebar2}", "DIRECTIVES")


def test_an_unknown_directive_inside_another_names_its_own_line():
    fails(["```{framework-only} a\n一\n\n:::{glossary}\n词\n:::\n```"], 13, "{glossary}",
          framework="a")


def test_an_unknown_role_stops_the_conversion_with_page_and_line():
    fails(["一\n二\n\n- 三\n  四 {kbd2}`Ctrl`"], 14, "{kbd2}", "ROLES")   # the role's own line


def test_a_value_role_that_reaches_the_converter_is_an_error():
    fails(["速度 {value}`speed:.1f`。"], 10, "{value}`speed:.1f`", "for_framework")


# ---------------------------------------------------------------- the book

def test_every_directive_and_role_of_the_book_has_a_conversion():
    """What the book's pages use (the chapter, the front page, the instructors'
    guide) is what the converter has to know."""
    used = set()
    for page in (CHAPTER, ROOT / "index.md", ROOT / "instructors.md"):
        for located in myst.walk(page.read_text(encoding="utf-8")):
            found = myst.directive(located.token)
            if found:
                used.add(("directive", found[0]))
            for child in located.token.children or ():
                if child.type == "myst_role":
                    used.add(("role", child.meta["name"]))
    assert {"exercise", "task", "framework-only", "bibliography"} <= {n for k, n in used if k == "directive"}
    missing = {(kind, name) for kind, name in used
               if not (name in DIRECTIVES if kind == "directive"
                       else name in ROLES or name.split(":")[0] == "cite")}
    assert not missing
