"""The autograder's hidden tests, kept apart from the page source.

An ``autograder`` cell of a page holds the tests students see and run
themselves.  Where its hidden tests go, it has one line::

    ### HIDDEN TESTS

indented like the code around it.  The hidden tests are files in a folder
that the instructor keeps private (the page source is public: anyone who
reads it would read tests written there), named in ``_config.yml``::

    coursework:
      hidden_tests: coursework/hidden

relative to the book's root, or an absolute path (say, a private
repository's checkout).  One file per test cell,
``<folder>/<page>/<grade id>.py``: ``<page>`` is the page's name below the
book root (``chapters/chapter_optimization/minibatch-sgd``), the grade id is
``<exercise label>-<check function>`` (``ex-lr-decay-check_decay``, see
:mod:`pipeline.coursework`); the file holds the lines written at the left
margin.

The book never reads the folder: neither edition, no page, notebook or cache
key depends on it.  ``make assignments`` puts each file into its cell of the
instructor notebook between nbgrader's ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``, which ``nbgrader generate_assignment`` leaves out
of the student version.  Without the folder the placeholder line is dropped
and the instructor notebooks hold the visible tests only.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re

import yaml

from .errors import BookError

#: Where a cell's hidden tests go.
PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)### HIDDEN TESTS[ \t]*$", re.M)
#: nbgrader's markers written into the page: the tests would be public.
INLINE = re.compile(r"^[ \t]*### (BEGIN|END) HIDDEN TESTS[ \t]*$", re.M)
SUFFIX = ".py"


def configured_folder(root):
    """The folder ``coursework: hidden_tests:`` of ``root/_config.yml`` names,
    or ``None`` when the configuration names none."""
    root = pathlib.Path(root)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    folder = (config.get("coursework") or {}).get("hidden_tests")
    return (root / folder).resolve() if folder else None


@dataclasses.dataclass(frozen=True)
class PageTests:
    """The hidden tests of one page: ``tests`` maps a grade id to its lines;
    ``folder`` is where they are (``<hidden tests>/<page>``)."""
    folder: pathlib.Path
    tests: dict

    def file(self, grade_id):
        return self.folder / f"{grade_id}{SUFFIX}"


def for_page(folder, page_name):
    """The hidden tests of the page ``page_name`` in ``folder``, or ``None``
    when ``folder`` does not exist (the tests are not at hand)."""
    if folder is None or not pathlib.Path(folder).is_dir():
        return None
    page_folder = pathlib.Path(folder) / page_name
    tests = {path.name[:-len(SUFFIX)]: path.read_text(encoding="utf-8")
             for path in sorted(page_folder.glob(f"*{SUFFIX}"))}
    return PageTests(page_folder, tests)


def check_not_inline(source, grade_id, path=None, line=None):
    """A test cell of the page must not hold its hidden tests itself."""
    if INLINE.search(source):
        raise BookError(f"the test cell {grade_id!r} holds its hidden tests in the page, which is "
                        f"public: move the lines between the markers into the hidden tests' "
                        f"folder as <folder>/<page>/{grade_id}{SUFFIX} (see pipeline/hidden_tests.py) "
                        f"and write `### HIDDEN TESTS` where they were", path=path, line=line)


def merge(source, grade_id, page_tests, path=None, line=None):
    """``source`` with its placeholder replaced by the hidden tests of
    ``grade_id`` between nbgrader's markers; without the tests at hand
    (``page_tests`` is ``None``) the placeholder is dropped."""
    found = list(PLACEHOLDER.finditer(source))
    if len(found) > 1:
        raise BookError(f"the test cell {grade_id!r} has {len(found)} `### HIDDEN TESTS` lines: "
                        f"one file of hidden tests goes in one place", path=path, line=line)
    if not found:
        return source
    placeholder = found[0]
    if page_tests is None:
        block = ""
    else:
        if grade_id not in page_tests.tests:
            raise BookError(f"the test cell {grade_id!r} has a `### HIDDEN TESTS` line, and "
                            f"{page_tests.file(grade_id)} does not exist: write the hidden tests "
                            f"there (at the left margin), or remove the line", path=path, line=line)
        indent = placeholder["indent"]
        lines = page_tests.tests[grade_id].rstrip().splitlines()
        body = "".join(f"{indent}{text}\n" if text.strip() else "\n" for text in lines)
        block = f"{indent}### BEGIN HIDDEN TESTS\n{body}{indent}### END HIDDEN TESTS\n"
    end = placeholder.end() + (1 if source[placeholder.end():placeholder.end() + 1] == "\n" else 0)
    return source[:placeholder.start()] + block + source[end:]


def check_all_used(page_tests, used, path=None):
    """Every file of hidden tests belongs to a test cell with a placeholder."""
    if page_tests is None:
        return
    unused = sorted(set(page_tests.tests) - set(used))
    if unused:
        files = ", ".join(str(page_tests.file(grade_id)) for grade_id in unused)
        raise BookError(f"hidden tests that no test cell of the page takes: {files}; the page's "
                        f"test cells with a `### HIDDEN TESTS` line are {', '.join(sorted(used)) or 'none'} "
                        f"(a file is named after its cell's grade id)", path=path)
