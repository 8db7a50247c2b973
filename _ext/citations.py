"""One citation style: author and year, in the text and in the bibliography.

sphinxcontrib-bibtex's author–year references print "Ioffe [2017]" in the
text, while its bibliography styles label the entry "[Iof17]": a reader finds
no "Iof17" in the text.  Here the text reads "Ioffe (2017)" (``{cite:t}``) or
"(Ioffe, 2017)" (``{cite:p}``), as zh.d2l.ai does, and the entry is labelled
"[Ioffe, 2017]" — author names written by the same rule as in the text
(Ioffe; Ioffe and Szegedy; Ioffe et al.).  The downloadable notebooks use the
same author–year form (pipeline/myst_to_markdown.py).

``_config.yml`` selects both::

    bibtex_reference_style: author_year_round
    bibtex_default_style: author_year
"""

import dataclasses
from collections import Counter

import pybtex.plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

NAME = "author_year"


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


pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, AuthorYearStyle)
register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_round",
                RoundAuthorYearReferenceStyle)


def setup(app):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
