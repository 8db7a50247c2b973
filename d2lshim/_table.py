"""Experiment results as a table: ``d2l.table(header, rows, formats)``.

Results printed as text columns line up only in a wide monospaced window: on
a phone the lines wrap and a row's last value looks like a row of its own.
A :class:`Table` is shown by Jupyter as a real table wherever it is shown:

* ``text/html``, a compact ``<table>``: the web page and a reader's Jupyter;
* ``text/markdown``, a pipe table: the book's PDF (the LaTeX builder of
  MyST-NB takes Markdown before plain text, and renders it as GitHub-flavoured
  Markdown, ``nb_render_markdown_format`` in ``_config.yml``);
* ``text/plain``, columns aligned by their width on screen (a Chinese
  character takes two columns): a terminal, and ``print(table)``.

Numbers are formatted with the column's format (``".4f"``); text is shown as
it is.  A column of numbers is right-aligned, any other left-aligned.
"""

import html
import numbers
import unicodedata


def _plain(value):
    """A Python number for a framework's scalar (a 0-d tensor); anything else as it is."""
    if isinstance(value, (str, numbers.Number)):
        return value               # NumPy's scalars are numbers.Number too
    if hasattr(value, "numpy") and not hasattr(value, "item"):
        value = value.numpy()      # TensorFlow's tensors have no .item()
    return value.item() if hasattr(value, "item") else value


def _is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _width(text):
    """Columns ``text`` takes in a monospaced font: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Table:
    """A table of results; Jupyter shows it as HTML, Markdown or plain text."""

    def __init__(self, header, rows, formats=None):
        self.header = [str(title) for title in header]
        columns = len(self.header)
        self.rows = [[_plain(value) for value in row] for row in rows]
        formats = [""] * columns if formats is None else list(formats)
        if len(formats) != columns:
            raise ValueError(f"d2l.table(): {len(formats)} formats for {columns} columns")
        for number, row in enumerate(self.rows, 1):
            if len(row) != columns:
                raise ValueError(f"d2l.table(): row {number} has {len(row)} values, "
                                 f"the header {columns} columns: {row!r}")
        self.formats = formats
        self.cells = [[format(value, spec or "") if _is_number(value) else str(value)
                       for value, spec in zip(row, formats)] for row in self.rows]
        # a column of numbers (an empty table has none) is right-aligned
        self.numeric = [bool(self.rows) and all(_is_number(row[j]) for row in self.rows)
                        for j in range(columns)]

    def _repr_html_(self):
        def row(tag, cells):
            return "<tr>" + "".join(
                f'<{tag} style="text-align: {"right" if numeric else "left"}">'
                f"{html.escape(cell)}</{tag}>"
                for cell, numeric in zip(cells, self.numeric)) + "</tr>"
        body = "".join(row("td", cells) for cells in self.cells)
        return (f'<table class="d2l-table"><thead>{row("th", self.header)}</thead>'
                f"<tbody>{body}</tbody></table>")

    def _repr_markdown_(self):
        def row(cells):
            return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
        rule = "| " + " | ".join("---:" if numeric else ":---" for numeric in self.numeric) + " |"
        return "\n".join([row(self.header), rule, *(row(cells) for cells in self.cells)]) + "\n"

    def __str__(self):
        widths = [max(_width(text) for text in column)
                  for column in zip(self.header, *self.cells)]

        def row(cells):
            padded = []
            for cell, width, numeric in zip(cells, widths, self.numeric):
                space = " " * (width - _width(cell))
                padded.append(space + cell if numeric else cell + space)
            return "  ".join(padded).rstrip()
        rule = "  ".join("-" * width for width in widths)
        return "\n".join([row(self.header), rule, *(row(cells) for cells in self.cells)])

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, printer, cycle):
        # IPython's text/plain: the table itself, not Table(...)
        printer.text(str(self))


def table(header, rows, formats=None):
    """A table of results: ``header`` names the columns, each of ``rows`` holds
    one value per column, ``formats`` one format per column for its numbers
    (``"d"``, ``"g"``, ``".4f"``; ``""`` or ``None`` for all: ``str``).

    Make it the last expression of a cell (or ``display()`` it) to show it.
    """
    return Table(header, rows, formats)
