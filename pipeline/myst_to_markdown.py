"""MyST → plain Jupyter Markdown, for notebooks that leave the book.

The chapter is written in MyST (labels, ``{eq}``/``{cite:t}``/``{doc}``
roles, ``exercise`` and ``solution`` directives, a bibliography).  Jupyter
shows none of that, so the notebooks that readers download and the
coursework notebooks get plain Markdown instead: numbered equations with
``\\tag``, "练习 n" headings, author–year citations and a reference list;
MyST comments (``% …``, the authors' notes) are left out, as Sphinx leaves
them out of the book.
"""

import pathlib
import re

from . import myst

FENCE = r"(?P<fence>`{3,})"
# ``??``: an empty directive (```{solution-end}``` then ```) must not reach
# forward into the body of the next one.
DIRECTIVE = re.compile(FENCE + r"\{(?P<name>[\w-]+)\}(?P<arg>[^\n]*)(?:\n(?P<body>.*?))??\n(?P=fence)[ \t]*$",
                       re.S | re.M)
EQUATION = re.compile(r"\$\$(?P<math>.+?)\$\$\s*\((?P<label>[\w-]+)\)", re.S)
ROLE = re.compile(r"\{(?P<role>[\w:]+)\}`(?P<text>[^`]*)`")
LABEL_LINE = re.compile(r"^\([\w-]+\)=[ \t]*\n", re.M)


def bibliography_entries(path):
    """key -> (authors' surnames, year, title) from a small BibTeX file."""
    entries = {}
    if path is None or not pathlib.Path(path).exists():
        return entries
    for key, body in re.findall(r"@\w+\{([^,]+),(.*?)\n\}", pathlib.Path(path).read_text(encoding="utf-8"), re.S):
        fields = dict(re.findall(r"(\w+)\s*=\s*\{(.*?)\},?\s*$", body, re.M))
        surnames = [a.split(",")[0].strip() for a in fields.get("author", "").split(" and ")]
        entries[key.strip()] = (surnames, fields.get("year", ""), fields.get("title", ""),
                                fields.get("booktitle", fields.get("journal", "")))
    return entries


class Converter:
    """Converts the markdown cells of one notebook, keeping numbers across cells."""

    def __init__(self, all_markdown, bibliography=None, framework=None, exercise_heading=None):
        self.framework = framework
        self.exercise_heading = exercise_heading
        self.equations = {}
        for match in EQUATION.finditer(all_markdown):
            self.equations.setdefault(match["label"], len(self.equations) + 1)
        self.exercises = 0
        self.bib = bibliography_entries(bibliography)

    def _role(self, match):
        role, text = match["role"], match["text"]
        target = re.match(r"(?P<title>.*?)\s*<(?P<target>[^>]+)>$", text)
        if role == "eq":
            return f"({self.equations.get(text, '?')})"
        if role.startswith("cite"):
            names = []
            for key in text.split(","):
                surnames, year, _, _ = self.bib.get(key.strip(), ([key], "", "", ""))
                author = surnames[0] + (" 等" if len(surnames) > 1 else "")
                names.append(f"{author} ({year})")
            return "；".join(names)
        return target["title"] if target else text

    def _directive(self, match):
        name, body = match["name"], match["body"] or ""
        body = re.sub(r"^:[\w-]+:.*\n?", "", body, flags=re.M).strip()
        if name == "exercise":
            self.exercises += 1
            if self.exercise_heading:       # a reader's notebook folds solutions under headings
                return f"{'#' * self.exercise_heading} 练习 {self.exercises}\n\n{body}"
            return f"**练习 {self.exercises}**：{body}"
        if name == "solution-start":
            return f"{'#' * (self.exercise_heading + 1)} 解答" if self.exercise_heading else "**解答**"
        if name == "solution-end":
            return ""
        if name == "only":          # book-only remarks (e.g. about the book's layout)
            return ""
        if name == "framework-only":   # prose that holds for some frameworks only
            return body if self.framework in match["arg"].split() else ""
        if name == "bibliography":
            return "\n".join(f"- {', '.join(s)}. {title}. *{venue}*, {year}."
                             for s, year, title, venue in self.bib.values())
        return body

    def convert(self, text):
        # MyST comments (the authors' % 依据 notes among them) are never shown
        # in the book; Jupyter would show them as text
        text = myst.without_comments(text)
        text = LABEL_LINE.sub("", text)
        text = EQUATION.sub(lambda m: f"$${m['math'].strip()} \\tag{{{self.equations[m['label']]}}}$$",
                            text)
        text = DIRECTIVE.sub(self._directive, text)
        text = ROLE.sub(self._role, text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def convert_notebook(nb, bibliography=None, framework=None, exercise_heading=None):
    """Convert every markdown cell of ``nb`` in place; drop cells left empty.

    ``bibliography`` is the BibTeX file that ``{cite}`` roles refer to;
    ``framework`` (a tag) keeps the ``{framework-only}`` blocks meant for it;
    ``exercise_heading`` (a level) makes each exercise a heading ("### 练习 1")
    and each solution's start one a level below ("#### 解答") instead of
    bold text (see :mod:`pipeline.reader`).
    """
    converter = Converter("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"),
                          bibliography, framework, exercise_heading)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source]
    return nb
