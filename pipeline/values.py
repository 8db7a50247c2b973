"""Numbers in prose from the run, per framework: ``{value}`name:format```.

Hidden cells (tag ``book``) call ``d2l.glue(name, value)`` and
``d2l.claim(…)`` (see ``d2lshim/_book.py``); their records arrive as
outputs of two MIME types of their own.  This module collects them from an
executed framework notebook and writes the values into the prose:

* for one framework (its notebook, later its PDF): the formatted value;
* for the web page: a ``{framework-value}`` role holding every framework's
  formatted value, which ``_ext/framework_tabs.py`` shows for the selected
  tab.

A quoted name that a framework's run did not glue is an error naming the
page and line.
"""

from __future__ import annotations

from . import myst
from .errors import BookError

VALUE_MIME = "application/vnd.d2lshim.value+json"
CLAIM_MIME = "application/vnd.d2lshim.claim+json"
RECORD_MIMES = (VALUE_MIME, CLAIM_MIME)

#: What a ``{value}`` role holds: a glued name and an optional format spec.
QUOTED = r"(?P<name>[\w.-]+)(?::(?P<format>[^`]*))?"
ROLE = myst.role_pattern("value", QUOTED)


def quoted_name(content):
    """The glued name a ``{value}`` role's content quotes (``speed:.1f`` → ``speed``)."""
    return content.partition(":")[0]


def records_with_cells(nb_framework, mime):
    """``(record, the code cell that wrote it)`` for each record of ``mime``."""
    for cell in nb_framework.cells:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if mime in output.get("data", {}):
                    yield output["data"][mime], cell


def _records(nb_framework, mime):
    return (record for record, _ in records_with_cells(nb_framework, mime))


def collect(nb_framework):
    """``{name: value}`` glued by a framework's run."""
    return {r["name"]: r["value"] for r in _records(nb_framework, VALUE_MIME)}


def claims(nb_framework):
    """Every claim checked in a framework's run (statement, value, bounds, margin)."""
    return list(_records(nb_framework, CLAIM_MIME))


def without_records(outputs):
    """The outputs a reader sees: value and claim records removed."""
    return [o for o in outputs if not set(o.get("data", {})) & set(RECORD_MIMES)]


def quoting_line(page, name, within=None):
    """The first source line quoting ``name`` (in a line holding ``within``, if given)."""
    if page is None:
        return None
    for number, line in enumerate(page.text.splitlines(), 1):
        if any(m["name"] == name for m in ROLE.finditer(line)) and (
                within is None or within.splitlines()[0] in line):
            return number
    return None


def formatted(values, match, page=None, framework=None):
    """One framework's value for a ``{value}`` role match, formatted."""
    name, spec = match["name"], match["format"] or ""
    path = page.path if page is not None else None
    if name not in values:
        raise BookError(f"the prose quotes {{value}}`{name}` but this framework's run never "
                        f"glued it: add d2l.glue({name!r}, …) to a hidden cell (tag book) "
                        f"before it", path=path, line=quoting_line(page, name), framework=framework)
    try:
        return format(values[name], spec)
    except (ValueError, TypeError) as error:
        raise BookError(f"{{value}}`{name}:{spec}`: cannot format {values[name]!r} ({error})",
                        path=path, line=quoting_line(page, name), framework=framework) from None


def for_framework(text, values, page=None, framework=None):
    """``text`` with each ``{value}`` role replaced by this framework's value."""
    return ROLE.sub(lambda m: formatted(values, m, page, framework), text)


def check_not_in_math(text, page=None):
    """A role inside math would reach MathJax as raw text: refuse it."""
    for math in myst.math(text):
        for match in ROLE.finditer(math):
            raise BookError(f"{{value}}`{match['name']}` stands inside math ({math!r}), "
                            f"where roles are not rendered: put it outside the $…$",
                            path=page.path if page is not None else None,
                            line=quoting_line(page, match["name"], math.strip()))


def for_every_framework(text, values_by_tag, frameworks, page=None):
    """``text`` with each ``{value}`` role replaced by a ``{framework-value}`` role."""
    check_not_in_math(text, page)
    def role(match):
        parts = [f"{f.tag}={formatted(values_by_tag[f.tag], match, page, f)}" for f in frameworks]
        return myst.role_source("framework-value", "|".join(parts))
    return ROLE.sub(role, text)
