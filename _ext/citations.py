"""The book's citation style (pipeline/citations.py) registered with pybtex and
sphinxcontrib-bibtex, where ``_config.yml`` selects it::

    bibtex_reference_style: author_year_round
    bibtex_default_style: author_year

The downloadable notebooks format their citations with the same classes.
"""

import pybtex.plugin
from sphinxcontrib.bibtex.plugin import register_plugin

from pipeline.citations import (NAME, REFERENCE_NAME, AuthorYearLabelStyle,  # noqa: F401
                                AuthorYearStyle, RoundAuthorYearReferenceStyle)

pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, AuthorYearStyle)
register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_NAME,
                RoundAuthorYearReferenceStyle)


def setup(app):
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
