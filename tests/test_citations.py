"""One citation style: "Ioffe (2017)" in the text points at "[Ioffe, 2017]" in the bibliography."""

import re

from book import ROOT, built_pages

import citations  # (registers the styles)


def test_text_citations_and_bibliography_labels_agree():
    checked = 0
    for name, soup in built_pages().items():
        for citation in soup.select("span.bibtex-citation"):
            text = citation.get_text()
            match = re.fullmatch(r"(?P<authors>.+?) \((?P<year>\d{4}[a-z]?)\)", text) or \
                re.fullmatch(r"\((?P<authors>.+?), (?P<year>\d{4}[a-z]?)\)", text)
            assert match, f"{name}: citation {text!r} is not author–year"
            target = soup.find(id=citation.a["href"].lstrip("#"))
            label = target.select_one(".label").get_text().strip("[]")
            assert label == f"{match['authors']}, {match['year']}", name
            checked += 1
    assert checked >= 1
    assert not any(re.search(r"\[[A-Z][a-z]{2}\d{2}\]", soup.get_text())   # no alpha labels left
                   for soup in built_pages().values())


def test_labels_name_authors_as_the_text_does():
    from pybtex.database import Entry, Person

    def entry(year, *authors):
        return Entry("article", fields={"year": year, "title": "t"},
                     persons={"author": [Person(a) for a in authors]})

    entries = [entry("2017", "Ioffe, Sergey"), entry("2015", "Ioffe, Sergey", "Szegedy, Christian"),
               entry("2016", "He, K", "Zhang, X", "Ren, S"), entry("2016", "He, K", "Zhang, X", "Sun, J")]
    labels = list(citations.AuthorYearLabelStyle().format_labels(entries))
    assert labels == ["Ioffe, 2017", "Ioffe and Szegedy, 2015", "He et al., 2016a", "He et al., 2016b"]
