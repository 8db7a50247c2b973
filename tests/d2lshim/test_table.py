"""d2l.table: experiment results as a real table (HTML, Markdown, plain text)."""

import html.parser

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

HEADER = ["批量大小", "学习率", "最终损失"]
ROWS = [[5, 0.01, 0.24312], [500, 0.2, 0.3]]
FORMATS = ["d", "g", ".4f"]


class Cells(html.parser.HTMLParser):
    """The rows of an HTML table: (tag, text, style) of every cell."""

    def __init__(self):
        super().__init__()
        self.rows, self.tables = [], 0

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append([tag, "", dict(attrs).get("style", "")])

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1][1] += data


def cells_of(markup):
    parser = Cells()
    parser.feed(markup)
    assert parser.tables == 1, markup
    return parser.rows


def test_every_framework_module_offers_table(d2l):
    assert d2l.table(HEADER, ROWS, FORMATS).header == HEADER


def test_html_is_one_table_with_a_header_row_and_formatted_numbers(d2l):
    rows = cells_of(d2l.table(HEADER, ROWS, FORMATS)._repr_html_())
    assert [[tag for tag, _, _ in row] for row in rows] == [["th"] * 3, ["td"] * 3, ["td"] * 3]
    assert [[text for _, text, _ in row] for row in rows] == [
        HEADER, ["5", "0.01", "0.2431"], ["500", "0.2", "0.3000"]]
    # numbers right-aligned (also without the book's CSS: a reader's Jupyter)
    assert {style for row in rows for _, _, style in row} == {"text-align: right"}


def test_text_columns_are_left_aligned_and_escaped(d2l):
    table = d2l.table(["抽样", "最终损失"], [["有放回 <b>", "0.2431 ± 0.0012"]])
    markup = table._repr_html_()
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    rows = cells_of(markup)
    assert rows[1] == [["td", "有放回 <b>", "text-align: left"],
                       ["td", "0.2431 ± 0.0012", "text-align: left"]]


def test_a_column_mixing_numbers_and_text_is_left_aligned(d2l):
    rows = cells_of(d2l.table(["a", "b"], [[1, 2], ["x", 3]])._repr_html_())
    assert [style for _, _, style in rows[1]] == ["text-align: left", "text-align: right"]


def test_markdown_is_a_pipe_table_for_the_pdf(d2l):
    table = d2l.table(HEADER + ["注"], [row + ["a|b"] for row in ROWS], FORMATS + [""])
    assert table._repr_markdown_() == (
        "| 批量大小 | 学习率 | 最终损失 | 注 |\n"
        "| ---: | ---: | ---: | :--- |\n"
        "| 5 | 0.01 | 0.2431 | a\\|b |\n"
        "| 500 | 0.2 | 0.3000 | a\\|b |\n")


def test_plain_text_lines_up_chinese_headers_and_numbers(d2l):
    """A Chinese character takes two columns of a terminal: 批量大小 is 8 wide."""
    assert str(d2l.table(HEADER, ROWS, FORMATS)).splitlines() == [
        "批量大小  学习率  最终损失",
        "--------  ------  --------",
        "       5    0.01    0.2431",
        "     500     0.2    0.3000"]
    assert repr(d2l.table(["名称", "x"], [["有放回", 1.5]])).splitlines() == [
        "名称      x",        # a column of numbers: its header right-aligned too
        "------  ---",
        "有放回  1.5"]


def test_numpy_and_framework_scalars_are_formatted_as_numbers(d2l):
    features = np.array([[0.123456, 1.0], [2.0, 3.0]], dtype=np.float32)
    X, _ = next(iter(d2l.load_array((features, np.array([1.0, 2.0], dtype=np.float32)), 2,
                                    is_train=False)))
    table = d2l.table(["numpy", "framework"], [[np.float64(0.5), X[0, 0]]], [".3f", ".3f"])
    assert table.cells == [["0.500", "0.123"]]
    assert table.numeric == [True, True]


def test_without_formats_values_are_shown_as_str(d2l):
    assert d2l.table(["a", "b"], [[0.1, True]]).cells == [["0.1", "True"]]
    assert d2l.table(["a"], [[0.25]], [None]).cells == [["0.25"]]


def test_an_empty_table_keeps_its_header(d2l):
    """The course edition's students start with no results."""
    table = d2l.table(HEADER, [], FORMATS)
    assert cells_of(table._repr_html_()) == [[["th", h, "text-align: left"] for h in HEADER]]
    assert str(table).splitlines()[0] == "批量大小  学习率  最终损失"


def test_rows_and_formats_must_match_the_header(d2l):
    with pytest.raises(ValueError, match=r"row 2 has 2 values, the header 3 columns"):
        d2l.table(HEADER, [ROWS[0], [1, 2]])
    with pytest.raises(ValueError, match=r"2 formats for 3 columns"):
        d2l.table(HEADER, ROWS, ["d", "g"])


def test_in_a_kernel_the_table_is_html_markdown_and_text():
    """What a notebook keeps of a table made in the cell's last line."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from d2lshim._table import table\n"
        "table(['批量大小', '最终损失'], [[5, 0.24312]], ['d', '.4f'])")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    [output] = nb.cells[0].outputs
    assert output["output_type"] == "execute_result"
    assert set(output["data"]) == {"text/html", "text/markdown", "text/plain"}
    assert cells_of(output["data"]["text/html"])[1][1][1] == "0.2431"
    assert output["data"]["text/plain"].splitlines()[-1] == "       5    0.2431"
