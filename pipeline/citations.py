"""One citation style: author and year, in the text and in the bibliography.

sphinxcontrib-bibtex's author–year references print "Ioffe [2017]" in the
text, while its bibliography styles label the entry "[Iof17]": a reader finds
no "Iof17" in the text.  Here the text reads "Ioffe (2017)" (``{cite:t}``) or
"(Ioffe, 2017)" (``{cite:p}``), as zh.d2l.ai does, and the entry is labelled
"[Ioffe, 2017]" — author names written by the same rule as in the text
(Ioffe; Ioffe and Szegedy; Ioffe et al.).

The book's pages get this style through ``_ext/citations.py`` (which
registers it with pybtex and sphinxcontrib-bibtex); the downloadable
notebooks format their citations and reference list with the same classes
(:func:`cite`, :func:`reference_list`), so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.richtext import BaseReferenceText
from sphinxcontrib.bibtex.style.referencing import BracketStyle, format_references
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

#: The pybtex formatting style's name (``bibtex_default_style`` in ``_config.yml``).
NAME = "author_year"

#: The referencing style's name (``bibtex_reference_style`` in ``_config.yml``).
REFERENCE_NAME = "author_year_round"


def _round():
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """``{cite:t}`` → Ioffe (2017), ``{cite:p}`` → (Ioffe, 2017)."""

    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels "Ioffe, 2017"; "Ioffe, 2017a", "Ioffe, 2017b" when two would be equal.

    (sphinxcontrib-bibtex writes no such letter in the text: two entries with
    the same authors and year would both read "Ioffe (2017)" there.)
    """

    def format_labels(self, sorted_entries):
        reference_style = RoundAuthorYearReferenceStyle()
        authors = reference_style.person.author_or_editor_or_title(full=False)
        labels = [f"{authors.format_data({'entry': entry, 'style': reference_style}).render_as('text')}, "
                  f"{entry.fields.get('year', '')}" for entry in sorted_entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                label += "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's plain entries (sorted by author, year, title), labelled by author and year."""

    # pybtex takes a class here as well as a plugin's name; registering one
    # costs a scan of every installed package's entry points
    default_label_style = AuthorYearLabelStyle


def _unlinked(text):
    """``text`` with sphinxcontrib-bibtex's reference parts as plain text: they
    render only as Sphinx links, and a notebook has no page to link to."""
    if isinstance(text, BaseReferenceText) or type(text) is Text:
        return Text(*(_unlinked(part) for part in text.parts))
    return text


#: A reference outside Sphinx: no builder, no page, no pre- or post-text.
_NO_SPHINX = SphinxReferenceInfo(builder=None, fromdocname="", todocname="", citation_id="",
                                 title=None, pre_text="", post_text="")


def cite(role, keys, bibliography):
    """The text of a citation as the page prints it: ``role`` is the part of
    the role after ``cite:`` (``t``, ``p``; ``""`` for ``{cite}``, which
    sphinxcontrib-bibtex reads as ``p``), ``keys`` the cited keys,
    ``bibliography`` a :class:`pybtex.database.BibliographyData`.  Raises
    ``KeyError`` for a key the bibliography lacks and ``ValueError`` for a role
    the style does not have."""
    style = RoundAuthorYearReferenceStyle()
    role = role or "p"
    if role not in style.role_names():
        raise ValueError(role)
    entries = [bibliography.entries[key] for key in keys]
    formatted = {entry.key: entry for entry in AuthorYearStyle().format_entries(entries)}
    text = format_references(style, role, [(entry, formatted[entry.key], _NO_SPHINX)
                                           for entry in entries])
    return _unlinked(text).render_as("text")


def reference_list(keys, bibliography):
    """The entries ``keys`` as the page's bibliography lists them (sorted, labelled
    "[Ioffe, 2017]"), as a Markdown list."""
    formatted = AuthorYearStyle().format_bibliography(bibliography, keys)
    items = []
    for entry in formatted:
        lines = entry.text.render_as("markdown").split("\n")
        items.append("\n".join([f"- [{entry.label}] {lines[0]}", *(f"  {line}" for line in lines[1:])]))
    return "\n".join(items)
