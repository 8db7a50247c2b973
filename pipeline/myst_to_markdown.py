"""MyST → plain Jupyter Markdown, for notebooks that leave the book.

The chapter is written in MyST (labels, ``{eq}``/``{cite:t}``/``{doc}``
roles, ``exercise`` and ``solution`` directives, a bibliography).  Jupyter
shows none of that, so the notebooks that readers download and the
coursework notebooks get plain Markdown instead: numbered equations with
``\\tag``, "练习 n" headings, author–year citations and a reference list in
the page's own style (:mod:`pipeline.citations`).  MyST comments (``% …``,
the authors' notes) and labels are left out, as Sphinx leaves them out of the
book.

Directives, fences, roles, labels, comments and math are found by
MyST-Parser's own markdown-it parser (:mod:`pipeline.myst`); each is replaced
in the cell's source, and everything else is kept as written.  Every
directive and role has a conversion below (:data:`DIRECTIVES`,
:data:`ROLES`); one that has none, an ``{eq}`` to a label the notebook lacks
or a ``{cite}`` of a key the bibliography lacks stops the conversion with a
:class:`~pipeline.errors.BookError` naming the page and its line, so that
nothing a reader should see is dropped unnoticed.
"""

from __future__ import annotations

import gettext
import pathlib
import re

from . import citations, myst
from .errors import BookError

#: The book's language (``sphinx.config.language`` in ``_config.yml``): the
#: titles of admonitions and figure numbers are Sphinx's own words in it, as
#: on the page.  The rest of this module's words are Chinese already.
LANGUAGE = "zh_CN"

#: Admonitions: Sphinx's English title of each, translated with Sphinx's catalog.
ADMONITIONS = {"attention": "Attention", "caution": "Caution", "danger": "Danger",
               "error": "Error", "hint": "Hint", "important": "Important", "note": "Note",
               "tip": "Tip", "warning": "Warning", "seealso": "See also"}

#: Directives whose argument is the title of a quoted box.
TITLED_BOXES = ("admonition", "dropdown", "topic", "sidebar", "margin")

#: Code blocks (their argument is the language).
CODE = ("code", "code-block", "sourcecode")

#: Roles shown as their text (the title before ``<target>`` if there is one);
#: a link target in the book is no target in a lone notebook.
TEXT_ROLES = ("term", "abbr", "dfn", "guilabel", "menuselection", "download")

#: Roles shown as inline code.
CODE_ROLES = ("code", "literal", "samp", "file", "kbd", "command", "program", "envvar")

#: Stands for the reference list until every citation of the notebook is known.
BIBLIOGRAPHY_MARK = "\x00bibliography\x00"


def _sphinx_text(english):
    """``english`` in :data:`LANGUAGE`, from Sphinx's own catalog (what the page prints)."""
    import sphinx
    catalog = gettext.translation("sphinx", localedir=pathlib.Path(sphinx.__file__).parent / "locale",
                                  languages=[LANGUAGE], fallback=True)
    return catalog.gettext(english)


def _figure_number(number):
    return _sphinx_text("Fig. %s") % number


def _quoted(text):
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _fence(info, body):
    ticks = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", body)), default=0))
    return f"{ticks}{info}\n{body.rstrip(chr(10))}\n{ticks}"


class Converter:
    """Converts the markdown cells of one notebook, keeping numbers across cells.

    ``path`` is the page the cells come from (for errors); ``all_markdown``
    the sources of all its markdown cells: their labelled equations and named
    figures are numbered in order before any cell is converted, as Sphinx
    numbers them on the page (an ``{eq}`` may point forward).
    """

    def __init__(self, all_markdown=(), bibliography=None, framework=None, exercise_heading=None,
                 path=None):
        self.framework = framework
        self.exercise_heading = exercise_heading
        self.path = path
        self.bibliography_file = bibliography
        self._bibliography = None
        self.exercises = 0
        self.figures = {}
        self.cited = []
        self.equations = {}
        self.sections = {}
        for text in all_markdown:
            self._number(text)

    def _number(self, text):
        """Number the labelled equations and figures of ``text``; note section labels."""
        label = previous = None
        for located in myst.walk(text):
            token = located.token
            if token.type == "math_block_label":
                self.equations.setdefault(token.info, len(self.equations) + 1)
            found = myst.directive(token)
            if found and found[0] == "math" and myst.options(token).get("label"):
                self.equations.setdefault(myst.options(token)["label"], len(self.equations) + 1)
            if found and found[0] == "figure" and myst.options(token).get("name"):
                self.figures.setdefault(myst.options(token)["name"], len(self.figures) + 1)
            # ``(label)=`` right before a heading names the section: {ref} shows its title
            if token.type == "myst_target":
                label = token.content
            elif token.type == "inline" and previous == "heading_open" and label is not None:
                self.sections.setdefault(label, token.content)
            if token.type not in ("myst_target", "heading_open"):
                label = None
            previous = token.type

    def error(self, message, line):
        return BookError(message, path=self.path, line=line)

    def bibliography(self, line=None):
        """The BibTeX file read with pybtex (once); ``line``: the citation that needs it."""
        if self._bibliography is None:
            from pybtex.database import parse_file
            from pybtex.exceptions import PybtexError
            if self.bibliography_file is None or not pathlib.Path(self.bibliography_file).exists():
                raise self.error(f"a citation, but the bibliography {self.bibliography_file} "
                                 "does not exist: name it in bibtex_bibfiles (_config.yml)", line)
            try:
                self._bibliography = parse_file(str(self.bibliography_file))
            except PybtexError as error:
                raise BookError(f"{error} (pybtex cannot read the bibliography: correct the entry)",
                                path=self.bibliography_file,
                                line=getattr(error, "lineno", None)) from None
        return self._bibliography

    # -- blocks --------------------------------------------------------------

    def convert(self, text, first_line=None):
        """``text`` (MyST, starting on file line ``first_line``) as plain Markdown."""
        tokens = myst.parser().parse(text)
        lines = text.split("\n")
        slots = list(lines)            # a slot per source line; None: dropped

        def line_of(index):
            return first_line + index if first_line is not None else None

        def replace(start, end, new):
            prefix = ""
            if new is not None and start < len(lines):
                prefix = re.match(r"^[ \t>]*", lines[start]).group(0)
                new = "\n".join(prefix + line if line else prefix.rstrip()
                                for line in new.split("\n"))
            slots[start:end] = [new] + [None] * (end - start - 1)

        inlines = {}
        for token in tokens:
            if token.map is None:
                continue
            start, end = token.map
            if token.type == "colon_fence" or myst.directive(token):
                replace(start, end, self._block(token, line_of(start)))
            elif token.type in ("myst_target", "myst_line_comment", "myst_block_break",
                                "front_matter"):
                replace(start, end, None)
            elif token.type == "math_block_label":
                number = self.equations.setdefault(token.info, len(self.equations) + 1)
                replace(start, end, f"$${token.content.strip()} \\tag{{{number}}}$$")
            elif token.type == "inline":
                inlines.setdefault((start, end), []).append(token)
        for (start, end), found in inlines.items():
            source = "\n".join(lines[start:end])
            try:
                spans = myst.role_spans(source, found)
            except ValueError as error:
                raise self.error(f"{error}: write the role on one line", line_of(start)) from None
            for begin, finish, role in reversed(spans):
                line = line_of(start + source.count("\n", 0, begin))
                source = source[:begin] + self._role(role, line) + source[finish:]
            if spans:
                replace(start, end, source)
        text = "\n".join(slot for slot in slots if slot is not None)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def _block(self, token, line):
        found = myst.directive(token)
        if found is None:       # a ::: code block (``` and ~~~ ones stay as written)
            return _fence(token.info, token.content)
        name, argument = found
        converter = DIRECTIVES.get(name) or self._unknown("directive", name, "DIRECTIVES",
                                                          DIRECTIVES, line)
        content, offset = myst.body(token)
        return converter(self, argument, myst.options(token), content,
                         line + offset if line is not None else None, line)

    def _unknown(self, kind, name, table, known, line):
        raise self.error(
            f"the notebooks cannot show the {kind} {{{name}}}: pipeline/myst_to_markdown.py has "
            f"no conversion of it to plain Markdown (add one to {table}, or use a {kind} it "
            f"knows: {', '.join(sorted(known))})", line)

    # -- inline --------------------------------------------------------------

    def _role(self, token, line):
        name, text = token.meta["name"], token.content
        if name.startswith("cite"):
            return self._cite(name.partition(":")[2], text, line)
        converter = ROLES.get(name) or self._unknown("role", name, "ROLES",
                                                     [*ROLES, "cite", "cite:p", "cite:t"], line)
        return converter(self, text, line)

    def _cite(self, role, text, line):
        keys = [key.strip() for key in text.split(",")]
        bibliography = self.bibliography(line)
        missing = [key for key in keys if key not in bibliography.entries]
        if missing:
            raise self.error(f"{{cite}} of {', '.join(missing)}, which {self.bibliography_file} "
                             f"does not hold: add the entry or correct the key", line)
        try:
            cited = citations.cite(role, keys, bibliography)
        except ValueError:
            raise self.error(f"the citation style has no role {{cite:{role}}}", line) from None
        self.cited.extend(key for key in keys if key not in self.cited)
        return cited

    def _reference_title(self, role, text, line, known):
        """The title of ``text <label>``; for a bare label, what ``known`` gives it."""
        title = myst.role_title(text)
        if title is not None:
            return title
        if text in known:
            return known[text]
        raise self.error(f"{{{role}}}`{text}` names nothing in this notebook, so it has no text "
                         f"there: give it a title ({{{role}}}`title <{text}>`)", line)


# -- the conversions: (converter, argument, options, body, body's line, fence's line) -------

def _exercise(self, argument, options, body, line, fence_line):
    self.exercises += 1
    text = self.convert(body, line)
    title = f"练习 {self.exercises}" + (f"：{self.convert(argument, fence_line)}" if argument else "")
    if self.exercise_heading:       # a reader's notebook folds solutions under headings
        return f"{'#' * self.exercise_heading} {title}\n\n{text}"
    return f"**{title}**：{text}"


def _solution_heading(self):
    return f"{'#' * (self.exercise_heading + 1)} 解答" if self.exercise_heading else "**解答**"


def _solution(self, argument, options, body, line, _):
    return f"{_solution_heading(self)}\n\n{self.convert(body, line)}"


def _only(self, argument, options, body, line, fence_line):
    """``{only}``: kept when its expression holds for a notebook, which is neither
    HTML nor LaTeX and has none of the build's tags (``html and not course``
    fails, ``not latex`` holds)."""
    from sphinx.util.tags import Tags
    try:
        holds = Tags().eval_condition(argument)
    except Exception as error:      # Sphinx parses the expression with Jinja and says no more
        raise self.error(f"{{only}} {argument}: not an expression Sphinx can evaluate "
                         f"({error.__class__.__name__}: {str(error).splitlines()[0]})",
                         fence_line) from None
    return self.convert(body, line) if holds else ""


def _framework_only(self, argument, options, body, line, _):
    """Prose that holds for some frameworks only: the notebook of one of them keeps it."""
    return self.convert(body, line) if self.framework in argument.split() else ""


def _admonition(self, argument, options, body, line, fence_line, name=None):
    title = _sphinx_text(ADMONITIONS[name]) if name else self.convert(argument, fence_line)
    text = self.convert(body, line)
    return _quoted(f"**{title}**" + (f"\n\n{text}" if text else ""))


def _math(self, argument, options, body, line, _):
    label = options.get("label")
    tag = f" \\tag{{{self.equations[label]}}}" if label else ""
    return f"$${(argument + chr(10) + body).strip()}{tag}$$"


def _figure(self, argument, options, body, line, fence_line):
    image = f"![{options.get('alt', '')}]({argument})"
    caption = self.convert(body, line)
    name = options.get("name")
    if name in self.figures:
        number = _figure_number(self.figures[name])
        caption = f"{number}：{caption}" if caption else number
    return f"{image}\n\n{caption}" if caption else image


def _image(self, argument, options, body, line, _):
    return f"![{options.get('alt', '')}]({argument})"


def _code(self, argument, options, body, line, _):
    return _fence(argument, body)


def _bibliography(self, argument, options, body, line, _):
    return BIBLIOGRAPHY_MARK


def _dropped(self, argument, options, body, line, _):
    """A marker with nothing to show (the end of a solution) or the site's
    table of contents, which a lone notebook has no pages for."""
    return ""


def _code_cell(self, argument, options, body, line, _):
    raise self.error("a {code-cell} inside prose (another directive, an indented block): "
                     "a code cell has to stand at the top level of the page", line)


DIRECTIVES = {
    "exercise": _exercise,
    "solution": _solution,
    "solution-start": lambda self, *_: _solution_heading(self),
    "solution-end": _dropped,
    "task": lambda self, argument, options, body, line, _: self.convert(body, line),
    "only": _only,
    "framework-only": _framework_only,
    **{name: (lambda self, *args, name=name: _admonition(self, *args, name=name))
       for name in ADMONITIONS},
    **{name: _admonition for name in TITLED_BOXES},
    "math": _math,
    "figure": _figure,
    "image": _image,
    **{name: _code for name in CODE},
    "bibliography": _bibliography,
    "tableofcontents": _dropped,
    "toctree": _dropped,
    "code-cell": _code_cell,
}


def _eq(self, text, line):
    if text not in self.equations:
        raise self.error(f"{{eq}}`{text}` refers to no labelled equation of this page "
                         f"(label one with $$ … $$ ({text}))", line)
    return f"({self.equations[text]})"


def _numref(self, text, line):
    label = myst.role_target(text)
    if label not in self.figures:
        raise self.error(f"{{numref}}`{text}` refers to no named figure of this page", line)
    number = self.figures[label]
    title = myst.role_title(text)
    if title is not None:
        return title.replace("%s", str(number)).replace("{number}", str(number))
    return _figure_number(number)


def _value(self, text, line):
    raise self.error(f"{{value}}`{text}` reached the notebook unfilled: the run's values are "
                     "put in by pipeline.values.for_framework before the conversion", line)


ROLES = {
    "eq": _eq,
    "numref": _numref,
    "ref": lambda self, text, line: self._reference_title("ref", text, line, self.sections),
    "doc": lambda self, text, line: self._reference_title("doc", text, line, {}),
    **{name: (lambda self, text, line: myst.role_title(text) or text) for name in TEXT_ROLES},
    **{name: (lambda self, text, line: f"`{text}`") for name in CODE_ROLES},
    "math": lambda self, text, line: f"${text}$",
    "sub": lambda self, text, line: f"<sub>{text}</sub>",
    "sup": lambda self, text, line: f"<sup>{text}</sup>",
    "value": _value,
}


def convert_notebook(nb, bibliography=None, framework=None, exercise_heading=None, path=None):
    """Convert every markdown cell of ``nb`` in place; drop cells left empty.

    ``bibliography`` is the BibTeX file that ``{cite}`` roles refer to;
    ``framework`` (a tag) keeps the ``{framework-only}`` blocks meant for it;
    ``exercise_heading`` (a level) makes each exercise a heading ("### 练习 1")
    and each solution's start one a level below ("#### 解答") instead of
    bold text (see :mod:`pipeline.reader`); ``path`` is the page, which errors
    name together with the line (each cell's ``source_line`` metadata).
    """
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    converter = Converter(markdown, bibliography, framework, exercise_heading, path)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source, cell.metadata.get("source_line"))
    for cell in nb.cells:       # the reference list: what the notebook cites
        if cell.cell_type == "markdown" and BIBLIOGRAPHY_MARK in cell.source:
            cell.source = cell.source.replace(BIBLIOGRAPHY_MARK, citations.reference_list(
                converter.cited, converter.bibliography()) if converter.cited else "").strip()
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source]
    return nb
