"""A page's MyST as markdown-it tokens, directive bodies included, with source lines.

MyST-Parser reads a page with markdown-it-py and the mdit_py_plugins
extensions the book enables (``parse.myst_enable_extensions`` in
``_config.yml``: dollarmath, amsmath, colon_fence …).  This module builds
the same parser (:func:`myst_parser.parsers.mdit.create_md_parser`), so that
what the pipeline calls math, code, a role, a comment or a paragraph is what
Sphinx renders as such.

A directive (```` ```{name} ````, ``:::{name}``) is one ``fence`` token whose
body markdown-it does not parse; :func:`walk` parses the body of every
directive that holds prose (``{framework-only}``, ``{task}``,
``{exercise}``, admonitions …) and yields its tokens too, each with the line
of the ``.md`` file it starts on and the frameworks whose readers see it.
"""

from __future__ import annotations

import dataclasses
import functools
import re

#: The book's MyST extensions, as in ``_config.yml`` (``parse.myst_enable_extensions``);
#: callers that have the book's configuration pass its list instead.
EXTENSIONS = ("amsmath", "colon_fence", "dollarmath", "linkify", "substitution")

#: Directives whose body is not prose: code, bibliography, math, tables of contents.
#: Every other directive's body is parsed as Markdown.
NOT_PROSE = frozenset({
    "code-cell", "code", "code-block", "sourcecode", "literalinclude", "raw", "eval-rst",
    "include", "math", "bibliography", "toctree", "tableofcontents", "image", "glue",
    "glue:figure", "glue:math", "framework-slot", "solution-end", "mermaid"})

#: Directives whose argument is a title that readers read (the others name
#: labels, frameworks or build conditions).
TITLED = frozenset({"admonition", "exercise", "solution", "topic", "sidebar", "dropdown"})

DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:[\w-]+:")


@functools.lru_cache(maxsize=8)
def parser(extensions=EXTENSIONS):
    """MyST-Parser's markdown-it parser with ``extensions`` enabled."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


@dataclasses.dataclass(frozen=True)
class Located:
    """A token of the page: ``line`` is the 1-based line of the ``.md`` file it
    starts on (``None`` for closing tokens, which have no map); ``frameworks``
    the tags of the ``{framework-only}`` blocks it is inside (``None``: every
    framework's readers see it); ``depth`` how many directive bodies it is in."""
    token: object
    line: int | None
    frameworks: frozenset | None
    depth: int
    directive: str | None = None    # set on the fence of a prose directive


def directive(token):
    """``(name, argument)`` of a directive's fence token, or ``None`` for a code block."""
    if token.type not in ("fence", "colon_fence"):
        return None
    found = DIRECTIVE.match(token.info.strip())
    return (found["name"], found["arg"].strip()) if found else None


def body(token):
    """A directive's body and the number of lines before it in the token (the
    opening fence, the ``:option:`` lines or the ``---`` options block, and
    the blank line that may follow them)."""
    lines = token.content.split("\n")
    skip = 0
    if lines and lines[0].strip() == "---":                  # a YAML options block
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if closing is not None:
            skip = closing + 1
    while skip < len(lines) and OPTION.match(lines[skip]):
        skip += 1
    if skip and skip < len(lines) and not lines[skip].strip():   # the blank line after the options
        skip += 1
    return "\n".join(lines[skip:]), 1 + skip


def walk(text, extensions=EXTENSIONS, *, first_line=1, frameworks=None, depth=0):
    """Every token of ``text`` in order, with its line, descending into the
    bodies of prose directives (right after the directive's fence token).

    ``first_line`` is the file line of ``text``'s first line; a
    ``{framework-only} a b`` body is seen by the readers of ``a`` and ``b``
    only.
    """
    for token in parser(tuple(extensions)).parse(text):
        line = first_line + token.map[0] if token.map else None
        found = directive(token)
        name = found[0] if found else None
        prose = found is not None and name not in NOT_PROSE
        yield Located(token, line, frameworks, depth, name if prose else None)
        if not prose:
            continue
        inner = frameworks
        if name == "framework-only":
            tags = frozenset(found[1].split())
            inner = tags if frameworks is None else frameworks & tags
        content, offset = body(token)
        yield from walk(content, extensions, first_line=line + offset, frameworks=inner,
                        depth=depth + 1)


def comment_lines(text, extensions=EXTENSIONS):
    """The 1-based lines of ``text`` that are MyST comments (``% …``), directive
    bodies included: Sphinx never shows them, so neither may a notebook."""
    lines = set()
    for located in walk(text, extensions):
        if located.token.type == "myst_line_comment":
            start, end = located.token.map
            lines.update(range(located.line, located.line + end - start))
    return lines


def without_comments(text, extensions=EXTENSIONS):
    """``text`` without its MyST comment lines."""
    drop = comment_lines(text, extensions)
    if not drop:
        return text
    return "\n".join(line for number, line in enumerate(text.split("\n"), 1) if number not in drop)


def book_extensions(book_root):
    """The MyST extensions a book enables (``parse.myst_enable_extensions`` of
    its ``_config.yml``), sorted; :data:`EXTENSIONS` if it names none."""
    import pathlib

    import yaml

    path = pathlib.Path(book_root) / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    listed = ((config or {}).get("parse") or {}).get("myst_enable_extensions")
    return tuple(sorted(listed)) if listed else EXTENSIONS


# --------------------------------------------------------------------------
# Blocks of a page or a cell, found by the parser, with their source lines.
# ``map`` of a block token is ``[first line, line after it)``, 0-based,
# counted in the text that was parsed.

def top_level(text, extensions=EXTENSIONS):
    """The block tokens of ``text`` that are not nested in another block
    (a list item's or a blockquote's fences and headings are part of those)."""
    return [token for token in parser(tuple(extensions)).parse(text)
            if token.level == 0 and token.map is not None]


def directives(text, extensions=EXTENSIONS):
    """``(token, name, argument)`` of each top-level directive of ``text``, in
    order, with backtick, tilde or colon fences; code blocks are not directives."""
    for token in top_level(text, extensions):
        found = directive(token)
        if found is not None:
            yield token, found[0], found[1]


def options(token):
    """A directive's options as ``{name: value}``: its ``:name: value`` lines
    or its ``---`` YAML block (the lines :func:`body` skips)."""
    _, skip = body(token)
    # the options' lines: those body() skips, but a blank line after them
    lines = [line for line in token.content.split("\n")[:skip - 1] if line.strip()]
    if lines and lines[0].strip() == "---":
        import yaml

        loaded = yaml.safe_load("\n".join(lines[1:-1])) or {}
        return {str(key): "" if value is None else str(value) for key, value in loaded.items()} \
            if isinstance(loaded, dict) else {}
    found = {}
    for line in lines:
        name, _, value = line.strip()[1:].partition(":")
        found[name] = value.strip()
    return found


@dataclasses.dataclass(frozen=True)
class Heading:
    """A top-level heading: ``level`` 1–6, ``title`` its inline text, ``start``
    and ``end`` its lines in the text (0-based, ``end`` excluded: a setext
    heading spans two)."""
    level: int
    title: str
    start: int
    end: int


def headings(text, extensions=EXTENSIONS):
    """The top-level headings of ``text`` (ATX and setext), in order; not the
    ``#`` lines of code blocks, directive bodies or math."""
    tokens = parser(tuple(extensions)).parse(text)
    return [Heading(int(token.tag[1:]), tokens[index + 1].content, *token.map)
            for index, token in enumerate(tokens)
            if token.type == "heading_open" and token.level == 0]


def math(text, extensions=EXTENSIONS):
    """The math of ``text`` as written between its delimiters: ``$…$``,
    ``$$…$$``, amsmath environments and ``{math}`` directives, directive
    bodies included (not code, where a ``$`` is a dollar)."""
    for located in walk(text, extensions):
        token = located.token
        if token.type in ("math_block", "math_block_label", "amsmath"):
            yield token.content
        elif (directive(token) or ("",))[0] == "math":
            yield body(token)[0]
        for child in token.children or ():
            if child.type in ("math_inline", "math_inline_double"):
                yield child.content


def role_pattern(name, content=r"[^`]*"):
    """A regular expression for the ``{name}`content``` roles of a text.

    A pattern, not the parser: a role's value is written into the text in
    place (:mod:`pipeline.values`), which needs the role's characters, and
    markdown-it's tokens carry lines only.  ``content`` names the groups
    the caller reads inside the backticks.
    """
    return re.compile(r"\{" + re.escape(name) + r"\}`(?:" + content + r")`")


def role_title(content):
    """The title of a cross-reference role's ``title <target>`` (``None``
    when it has none), as Sphinx splits it."""
    from sphinx.util.nodes import split_explicit_title

    explicit, title, _ = split_explicit_title(content)
    return title if explicit else None


def role_target(content):
    """The target of a cross-reference role's ``title <target>`` (or of a
    bare ``target``), as Sphinx splits it."""
    from sphinx.util.nodes import split_explicit_title

    return split_explicit_title(content)[2]


def role_source(name, content):
    """How a ``{name}`` role holding ``content`` is written."""
    return f"{{{name}}}`{content}`"


def substitution_source(name):
    """How a ``substitution`` reference to ``name`` is written."""
    return f"{{{{ {name} }}}}"


def directive_source(name, argument="", body=""):
    """How a ``{name}`` directive is written (backtick fences; a body, if any,
    on the lines between them)."""
    opening = f"```{{{name}}}" + (f" {argument}" if argument else "")
    return "\n".join([opening, *([body] if body else []), "```"])


def role_spans(source, inline_tokens):
    """``(start, end, token)`` of each role (``myst_role`` token) among the
    children of ``inline_tokens``, as character offsets in ``source``, the text
    of the lines those tokens were parsed from.

    markdown-it keeps a role's name and content but neither its place nor its
    backticks, so each role's markup (``{name}`` and the content between
    backtick runs of any length) is looked up after the previous role; code
    spans on the way are stepped over, so that a role quoted in code is not
    taken for one.
    """
    spans, cursor = [], 0
    for inline in inline_tokens:
        for child in inline.children or ():
            if child.type == "code_inline":
                for candidate in (f"{child.markup}{child.content}{child.markup}",
                                  f"{child.markup} {child.content} {child.markup}"):
                    found = source.find(candidate, cursor)
                    if found >= 0:
                        cursor = found + len(candidate)
                        break
            elif child.type == "myst_role":
                name = child.meta["name"]
                found = min(((at, at + len(markup)) for markup in
                             (f"{{{name}}}{tick}{child.content}{tick}" for tick in
                              ("`" * n for n in range(1, 6)))
                             if (at := source.find(markup, cursor)) >= 0), default=None)
                if found is None:
                    raise ValueError(f"role {{{name}}} not found in its source")
                spans.append((*found, child))
                cursor = found[1]
    return spans
