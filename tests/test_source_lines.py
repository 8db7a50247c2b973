"""Every line a message names is a line of the page's ``.md`` file.

``source.read`` gives each cell its line from MyST-NB's source map; the
merged notebook (and a single-framework edition's) carries a ``source_map``
again, so that Sphinx's and MyST's own warnings on a framework page name the
line of the ``.md`` file, whichever cell (prose, tab, note) they come from;
plain pages and notebook pages without framework cells get a map too.
The book tests plant unknown directives, an unknown role and a reference to
no label in a copy of the fixture book (prose only: nothing executes again)
and read the build's warnings.
"""

import importlib.util
import subprocess
import sys

import nbformat
import pytest

from book import CHAPTER, MYST_HEADER, ROOT
from pipeline import errors, source
from test_fixture_book import FIXTURE_FRAMEWORKS, built_copy, executed, log_of

# ---------------------------------------------------------------- source.read


PAGE = MYST_HEADER + """
(label)=
# A title

A paragraph.


Two blank lines above this one.

```{code-cell} ipython3
:tags: [mxnet]

x = 1
```
Prose right below the fence.

+++ {"slide": true}

Prose after a cell break.
```{code-cell} ipython3
y = 2
```
"""


def test_every_cell_knows_its_line():
    lines = PAGE.splitlines()
    nb = source.read(PAGE)
    found = [(c.cell_type, c.metadata["source_line"]) for c in nb.cells]
    assert found == [("markdown", lines.index("(label)=") + 1),
                     ("code", lines.index(":tags: [mxnet]")),
                     ("markdown", lines.index("Prose right below the fence.") + 1),
                     ("markdown", lines.index("Prose after a cell break.") + 1),
                     ("code", lines.index("y = 2"))]
    assert nb.cells[3].metadata == {"slide": True, "source_line": found[3][1]}
    assert "source_map" not in nb.metadata            # the lines are on the cells


def test_every_cell_of_the_chapter_starts_at_its_line():
    text = CHAPTER.read_text(encoding="utf-8")
    lines = text.splitlines()
    nb = source.read(text)
    assert len(nb.cells) > 60 and sum(c.cell_type == "code" for c in nb.cells) > 30
    for cell in nb.cells:
        line = lines[cell.metadata["source_line"] - 1]
        if cell.cell_type == "code":
            assert line.startswith("```{code-cell}")
        else:
            assert line == cell.source.splitlines()[0]


def test_a_cell_with_malformed_options_names_page_and_line(tmp_path):
    page = tmp_path / "page.md"
    text = PAGE.replace(":tags: [mxnet]", ":tags: [mxnet")
    with pytest.raises(errors.BookError) as raised:
        source.read(text, page)
    line = text.splitlines().index("```{code-cell} ipython3") + 1
    assert str(raised.value).startswith(f"{page}:{line}: Code cell 1 at line {line} could not be read")


def framework_tabs():
    """``_ext/framework_tabs.py``, loaded from its file (``_ext`` is no package)."""
    spec = importlib.util.spec_from_file_location("framework_tabs", ROOT / "_ext" / "framework_tabs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_download_note_goes_below_the_title_and_keeps_the_lines():
    """The title is the first level-1 heading as MyST parses it (not a line
    of a code block that starts with "# "); the note stands at its line, the
    rest of the first cell at the rest's first line."""
    first = "(label)=\n```text\n# not a title\n```\n# The title\n\n\nThe rest."
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(first, metadata={"source_line": 20}),
                nbformat.v4.new_markdown_cell("More.", metadata={"source_line": 30})]
    source.with_source_map(nb)
    note = nbformat.v4.new_markdown_cell("The note.")
    framework_tabs()._insert_after_title(nb, note)
    assert [c.source for c in nb.cells] == [
        "(label)=\n```text\n# not a title\n```\n# The title", "The note.", "The rest.", "More."]
    shift = source.SOURCE_MAP_SHIFT
    assert [line + shift for line in nb.metadata["source_map"]] == [20, 24, 27, 30]


# ---------------------------------------------------------- the built book

#: Planted in ``a/page.md`` of the fixture book: each name is a directive or
#: role that no extension defines, so Sphinx or MyST warns at its line.
PLANTS = {
    "Prose of page a.": "Prose of page a.\n\n```{plant-prose}\n```",
    # right after the tab group: the first line of the markdown cell below it
    "Every framework prints where it ran.":
        "```{plant-after-code}\n```\n\nEvery framework prints where it ran.\n\n"
        "A role {plant-role}`here` and a {ref}`reference <plant-no-such-label>`.",
    "Only NumPy readers see this sentence.\n```":
        "Only NumPy readers see this sentence.\n```\n\n"
        "````{framework-only} numpy\n```{plant-framework-only}\n```\n````",
}

#: Appended: two exercises; the first solution's answer spans two cells (the
#: ``+++`` cell break), so the course edition builds a cell that starts after
#: a dropped piece.  Nothing follows the last solution (a reader's notebook
#: would fold it into that solution).
EXERCISES = """
## Exercises

```{exercise}
:label: ex-where

Say where the page ran.
```

```{solution-start} ex-where
:class: dropdown
```

It ran where it says.

```{plant-solution}
```

+++

The answer goes on.

```{solution-end}
```

```{plant-after-solution}
```

```{exercise}
:label: ex-again

Say it again.
```

```{solution-start} ex-again
:class: dropdown
```

Again, where it says.

```{solution-end}
```
"""


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The fixture book, built, then its page ``a`` with the plants: ``(book,
    page, {plant: line})``.  Restored afterwards."""
    book, _ = built_copy(tmp_path_factory, "source-lines")
    page = book / "a" / "page.md"
    original = page.read_text(encoding="utf-8")
    text = original
    for anchor, replacement in PLANTS.items():
        assert text.count(anchor) == 1, anchor
        text = text.replace(anchor, replacement)
    text += EXERCISES
    page.write_text(text, encoding="utf-8")
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        for name in ("plant-prose", "plant-after-code", "plant-role", "plant-no-such-label",
                     "plant-framework-only", "plant-solution", "plant-after-solution"):
            if name in line:
                lines[name] = number
    # a plain page, and a notebook page without framework cells
    others = {}
    for other, name in (("index.md", "plant-plain"), ("c/notes.md", "plant-notebook")):
        path = book / other
        others[path] = path.read_text(encoding="utf-8")
        path.write_text(others[path] + f"\n```{{{name}}}\n```\n", encoding="utf-8")
        lines[name] = (path, len(others[path].splitlines()) + 2)
    yield book, page, lines
    page.write_text(original, encoding="utf-8")
    for path, text in others.items():
        path.write_text(text, encoding="utf-8")


def build(book, *args, env=None):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), str(book),
                             "--builder", "html", "-n", "-W", "--keep-going", *args],
                            capture_output=True, text=True, env=env)
    assert executed(result) == [], log_of(result)[-3000:]     # prose edits only
    return log_of(result)


def expect(log, page, lines, shown, left_out=()):
    """Each warning of ``shown`` names its planted line; ``left_out`` warn nowhere."""
    messages = {
        "plant-prose": "Unknown directive type: 'plant-prose'",
        "plant-after-code": "Unknown directive type: 'plant-after-code'",
        "plant-role": 'Unknown interpreted text role "plant-role".',
        "plant-no-such-label": "undefined label: 'plant-no-such-label'",
        "plant-framework-only": "Unknown directive type: 'plant-framework-only'",
        "plant-solution": "Unknown directive type: 'plant-solution'",
        "plant-after-solution": "Unknown directive type: 'plant-after-solution'",
    }
    for name in shown:
        assert f"{page}:{lines[name]}: WARNING: {messages[name]}" in log, (name, log[-3000:])
    for name in left_out:
        assert messages[name] not in log, name


def test_sphinx_and_myst_warnings_name_the_md_line(planted):
    book, page, lines = planted
    log = build(book)
    expect(log, page, lines, ["plant-prose", "plant-after-code", "plant-role",
                              "plant-no-such-label", "plant-framework-only", "plant-solution",
                              "plant-after-solution"])
    for name in ("plant-plain", "plant-notebook"):
        path, line = lines[name]
        assert f"{path}:{line}: WARNING: Unknown directive type: '{name}'" in log, log[-3000:]
    # The readers' notebooks cannot show an unknown directive either: each
    # framework's conversion warns at the same line, and writes no notebook
    # that would lack it (nor links one).
    for framework in FIXTURE_FRAMEWORKS:
        assert (f"{page}:{lines['plant-prose']}: WARNING: [{framework.label}] the notebooks "
                f"cannot show the directive {{plant-prose}}") in log, log[-3000:]
        assert not (book / "_build" / "notebooks" / "a" / f"page-{framework.tag}.ipynb").exists()
    assert "page-numpy.ipynb" not in (book / "_build" / "html" / "a" / "page.html").read_text(
        encoding="utf-8")


def test_course_edition_warnings_name_the_md_line(planted):
    """The course edition leaves the solutions out (and their warnings); the
    cell that starts after a dropped solution-end starts at its own line."""
    book, page, lines = planted
    log = build(book, "--edition", "course")
    expect(log, page, lines, ["plant-prose", "plant-after-code", "plant-role",
                              "plant-no-such-label", "plant-framework-only",
                              "plant-after-solution"], left_out=["plant-solution"])


def test_single_framework_edition_warnings_name_the_md_line(planted, tmp_path):
    """One framework's edition (what a PDF renders), here as HTML: the
    ``{framework-only}`` blocks of other frameworks are left out."""
    book, page, lines = planted
    everywhere = ["plant-prose", "plant-after-code", "plant-role", "plant-no-such-label",
                  "plant-solution", "plant-after-solution"]
    log = build(book, "--path-output", str(tmp_path / "numpy"), "--framework", "numpy")
    expect(log, page, lines, everywhere + ["plant-framework-only"])
    log = build(book, "--path-output", str(tmp_path / "mxnet"), "--framework", "mxnet")
    expect(log, page, lines, everywhere, left_out=["plant-framework-only"])
