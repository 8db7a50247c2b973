"""The pipeline on small made-up pages: split, execute, cache, merge, errors.

The kernels are real (one per framework and execution), the cells tiny.
"""

import json
import os
import re
import shutil

import pytest

from book import FRAMEWORKS, MYST_HEADER as HEADER, ROOT
from pipeline import cache as cache_module, errors, execute, export, frameworks, merge, myst, outputs, source, values



def code(text, tag=None):
    tags = f":tags: [{tag}]\n\n" if tag else ""
    return f"```{{code-cell}} ipython3\n{tags}{text}\n```\n"


def group(**sources):
    return "".join(code(sources.get(fw.tag, f"x = '{fw.tag}'"), fw.tag) for fw in FRAMEWORKS)


def chapter(shared="print(x)", **framework_sources):
    """Title, prose, a tab group, prose, a second tab group, two adjacent shared cells."""
    return "\n".join([HEADER, "# Title\n", "Some prose.\n", group(**framework_sources),
                      "Between the groups.\n",
                      group(**{fw.tag: f"print('second {fw.tag}')" for fw in FRAMEWORKS}),
                      "More prose.\n", code(shared), code("print('same everywhere')"),
                      "The end.\n"])


@pytest.fixture
def cache(tmp_path):
    return cache_module.OutputCache(tmp_path / "cache", note=lambda m: None)


def run(text, cache, tmp_path, fws=FRAMEWORKS, **kwargs):
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    log = []
    nb, executed = outputs.executed_notebooks(source.Page("page", path, text), fws, cache,
                                              log.append, **kwargs)
    return nb, executed, log


def executed_frameworks(log):
    return sorted(line.split("executed ")[1].split()[0] for line in log if "executed" in line)


def outputs_by_source(merged):
    """{(slot or None, source): printed text} of every code cell of a merged notebook."""
    return {(c.metadata.get("framework_slot", "").rsplit("-", 1)[-1] or None, c.source):
            "".join(o.get("text", "") for o in c.outputs)
            for c in merged.cells if c.cell_type == "code"}


def test_split_keeps_prose_shared_and_own_cells():
    nb = source.read(chapter())
    pt = source.split(nb, FRAMEWORKS.get("pytorch"), FRAMEWORKS)
    sources = [c.source for c in pt.cells]
    assert "x = 'pytorch'" in sources and "x = 'mxnet'" not in sources
    assert "print(x)" in sources and any("Some prose." in s for s in sources)


def test_execution_merge_and_cache(cache, tmp_path):
    text = chapter()
    nb, executed, log = run(text, cache, tmp_path)
    assert executed_frameworks(log) == sorted(FRAMEWORKS.tags)
    merged = merge.merge(nb, executed, FRAMEWORKS)

    # two framework groups, and print(x) whose outputs differ: three tab sets
    tab_sets = [c for c in merged.cells if c.cell_type == "markdown" and "{tab-set}" in c.source]
    assert len(tab_sets) == 3
    for fw in FRAMEWORKS:
        assert all(f"{{tab-item}} {fw.label}" in t.source for t in tab_sets)
    assert all(":selected:" in t.source.split("{tab-item} PyTorch")[1].split("````")[0]
               for t in tab_sets)
    printed = outputs_by_source(merged)
    for fw in FRAMEWORKS:
        assert printed[fw.tag, "print(x)"] == f"{fw.tag}\n"
        assert printed[fw.tag, f"print('second {fw.tag}')"] == f"second {fw.tag}\n"
    same = [c for c in merged.cells if c.cell_type == "code" and "same everywhere" in c.source]
    assert len(same) == 1 and same[0].outputs[0]["text"] == "same everywhere\n"
    assert merged.metadata["mystnb"]["execution_mode"] == "off"

    # nothing changed: nothing executes
    assert executed_frameworks(run(text, cache, tmp_path)[2]) == []
    # one PyTorch cell changed: only PyTorch executes
    _, executed, log = run(chapter(pytorch="x = 'pt2'"), cache, tmp_path)
    assert executed_frameworks(log) == ["pytorch"]
    assert [c.outputs[0]["text"] for c in executed["pytorch"].cells
            if c.cell_type == "code" and c.source == "print(x)"] == ["pt2\n"]
    # a shared cell changed: all of them execute
    _, _, log = run(chapter(shared="print(x * 2)", pytorch="x = 'pt2'"), cache, tmp_path)
    assert executed_frameworks(log) == sorted(FRAMEWORKS.tags)


PROSE_EDITS = {
    "insert at the start": lambda t: t.replace("# Title\n", "A new first paragraph.\n\n# Title\n"),
    "insert at the end": lambda t: t + "\nA new last paragraph.\n",
    "insert between adjacent code cells": lambda t: t.replace(
        "```\n\n```{code-cell} ipython3\nprint('same everywhere')",
        "```\n\nA new paragraph between two code cells.\n\n```{code-cell} ipython3\nprint('same everywhere')"),
    "delete a paragraph": lambda t: t.replace("More prose.\n", ""),
    "edit the heading": lambda t: t.replace("# Title", "# A new title"),
    "make two tab groups adjacent": lambda t: t.replace("Between the groups.\n", ""),
}


@pytest.mark.parametrize("edit", PROSE_EDITS)
def test_prose_edit_executes_nothing_and_keeps_outputs_on_their_cells(edit, cache, tmp_path):
    text = chapter()
    nb, executed, _ = run(text, cache, tmp_path)
    before = outputs_by_source(merge.merge(nb, executed, FRAMEWORKS))
    edited = PROSE_EDITS[edit](text)
    assert edited != text
    nb, executed, log = run(edited, cache, tmp_path)
    assert executed_frameworks(log) == []
    assert outputs_by_source(merge.merge(nb, executed, FRAMEWORKS)) == before
    # the runnable notebooks carry the new prose
    prose = "\n".join(c.source for c in export.runnable_notebook(executed["pytorch"]).cells
                      if c.cell_type == "markdown")
    for paragraph in ("A new first paragraph.", "A new last paragraph.",
                      "A new paragraph between two code cells.", "A new title"):
        assert (paragraph in prose) == (paragraph in edited)
    assert ("More prose." in prose) == ("More prose." in edited)


def test_module_change_reexecutes_every_framework(cache, tmp_path):
    (tmp_path / "shim.py").write_text("VERSION = 1\n")
    fws = frameworks.from_list([{"tag": fw.tag, "label": fw.label, "module": "shim"}
                                for fw in FRAMEWORKS])
    text = chapter()
    run(text, cache, tmp_path, fws)
    assert executed_frameworks(run(text, cache, tmp_path, fws)[2]) == []
    (tmp_path / "shim.py").write_text("VERSION = 2\n")
    assert executed_frameworks(run(text, cache, tmp_path, fws)[2]) == sorted(FRAMEWORKS.tags)


def test_key_covers_settings_and_environment(tmp_path):
    nb = source.split(source.read(chapter()), FRAMEWORKS.default, FRAMEWORKS)
    base = cache_module.key(nb, FRAMEWORKS.default)
    assert cache_module.key(nb, FRAMEWORKS.default, execute.Settings(timeout=5)) != base
    assert cache_module.key(nb, FRAMEWORKS.default,
                            execute.Settings(env=(("A", "1"),))) != base
    assert cache_module.key(nb, FRAMEWORKS.default, execute.Settings(claims="report")) != base
    env = cache_module.environment(FRAMEWORKS.get("pytorch"), (ROOT,))
    assert env["packages"]["torch"].startswith("2.")
    assert "not found" not in env["module_source"]


def copy_of_d2lshim(folder):
    """A copy of d2lshim's sources in ``folder`` (without Python's bytecode
    cache), for a test to change: the real files are never touched."""
    shutil.copytree(ROOT / "d2lshim", folder / "d2lshim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder / "d2lshim"


def test_d2lshim_source_digest_follows_its_source_and_nothing_else(tmp_path):
    """The key covers the source of the framework's d2lshim package: every module
    of it, since the framework modules share code with their siblings
    (``cache.module_files``).  Changing any of them re-executes; what does not
    decide a run's outputs must not: where the copy lies (another checkout,
    another machine), the files' times (a fresh clone), Python's bytecode cache
    beside them.  Checked on the digest and on the key it goes into."""
    page_folder = tmp_path / "page"            # an empty page folder: only d2lshim differs
    page_folder.mkdir()
    package = copy_of_d2lshim(tmp_path / "checkout")
    nb = source.split(source.read(chapter()), FRAMEWORKS.get("pytorch"), FRAMEWORKS)

    def digest(folder=package.parent):
        return cache_module.source_digest("d2lshim.torch", (str(folder),))

    def key():
        return cache_module.key(nb, FRAMEWORKS.get("pytorch"),
                                search_path=(page_folder, package.parent))

    original, original_key = digest(ROOT), key()
    assert digest() == original                  # the same source elsewhere
    for path in package.glob("*.py"):            # other times
        os.utime(path, (0, 0))
    (package / "__pycache__").mkdir()            # bytecode beside the sources
    (package / "__pycache__" / "_common.cpython-311.pyc").write_bytes(b"\x00 not source")
    assert (digest(), key()) == (original, original_key)

    # a change in a module that d2lshim.torch shares with the other frameworks
    shared = package / "_common.py"
    text = shared.read_text(encoding="utf-8")
    shared.write_text(text + "\nCHANGED = True\n", encoding="utf-8")
    assert digest() != original and key() != original_key
    shared.write_text(text, encoding="utf-8")    # undone: the entries written before are hits again
    assert (digest(), key()) == (original, original_key)
    (package / "_new.py").write_text("", encoding="utf-8")      # a new module, even an empty one
    assert digest() != original and key() != original_key


CORRUPTIONS = {
    "truncated": lambda text: text[: len(text) // 2],
    "not JSON": lambda text: "\x00\x01 garbage",
    "another format": lambda text: json.dumps(dict(json.loads(text), format=1)),
    "cells of another page": lambda text: json.dumps(dict(json.loads(text), cells=[])),
    "mangled outputs": lambda text: json.dumps(dict(json.loads(text), cells=[
        dict(c, outputs=[{"output_type": "nonsense"}]) for c in json.loads(text)["cells"]])),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_broken_cache_entry_is_a_miss(corruption, tmp_path):
    warnings = []
    cache = cache_module.OutputCache(tmp_path / "cache", note=warnings.append)
    text = chapter()
    run(text, cache, tmp_path)
    [entry] = (tmp_path / "cache" / "page" / "pytorch").glob("*.json")
    entry.write_text(CORRUPTIONS[corruption](entry.read_text(encoding="utf-8")), encoding="utf-8")
    _, executed, log = run(text, cache, tmp_path)
    assert executed_frameworks(log) == ["pytorch"]
    assert len(warnings) == 1 and "page: [PyTorch]" in warnings[0] and str(entry) in warnings[0]
    assert [c.outputs[0]["text"] for c in executed["pytorch"].cells
            if c.cell_type == "code" and c.source == "print(x)"] == ["pytorch\n"]
    # rewritten: the next run is a hit, and nothing half-written is left
    assert executed_frameworks(run(text, cache, tmp_path)[2]) == []
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def line_of(text, needle):
    """The line of the ``{code-cell}`` directive of the cell containing ``needle``."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if needle in line)
    return max(i for i in range(at) if lines[i].startswith("```{code-cell}")) + 1


FAILURES = {
    "a failing cell": ("raise RuntimeError('boom')", "a cell failed", "boom"),
    "a cell timeout": ("import time; time.sleep(30)", "cell timeout of 3 s", "raise Settings.timeout"),
    "a kernel that dies": ("import os; os._exit(1)", "the kernel died", ""),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_failures_name_page_line_and_framework(failure, cache, tmp_path):
    cell, what, detail = FAILURES[failure]
    text = chapter(tensorflow=cell)
    with pytest.raises(errors.BookError) as error:
        run(text, cache, tmp_path, settings=execute.Settings(timeout=3))
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'page.md'}:{line_of(text, cell)}: [TensorFlow] ")
    assert what in message and detail in message
    # the frameworks before it ran and were cached; the failing one never is
    cached = sorted(p.parent.name for p in (tmp_path / "cache").rglob("*.json"))
    assert cached == ["mxnet", "pytorch"]


def test_a_missing_kernel_names_the_framework(cache, tmp_path):
    fws = frameworks.from_list([{"tag": fw.tag, "label": fw.label, "module": fw.module,
                                 "kernel": "no-such-kernel" if fw.tag == "mxnet" else "python3"}
                                for fw in FRAMEWORKS])
    with pytest.raises(errors.BookError, match=r"page.md:\?: \[MXNet\] no Jupyter kernel named "
                                               r"'no-such-kernel'"):
        run(chapter(), cache, tmp_path, fws)


def test_an_incomplete_tab_group_names_page_and_line_before_executing(cache, tmp_path):
    text = "\n".join([HEADER, "# T\n", code("a = 1", "mxnet"), code("a = 1", "pytorch"),
                      "A paragraph that splits the group.\n", code("a = 1", "tensorflow")])
    with pytest.raises(errors.BookError) as error:
        run(text, cache, tmp_path)
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'page.md'}:{line_of(text, 'a = 1')}: ")
    missing = ", ".join(f.label for f in FRAMEWORKS if f.tag not in ("mxnet", "pytorch"))
    assert f"this group of framework cells has no {missing} version" in message
    assert not (tmp_path / "cache").exists()      # nothing executed


def test_a_cell_with_two_framework_tags_names_its_line(cache, tmp_path):
    text = "\n".join([HEADER, "# T\n", "```{code-cell} ipython3\n:tags: [mxnet, pytorch]\n\n1\n```\n"])
    with pytest.raises(errors.BookError, match=re.escape(f"page.md:{line_of(text, ':tags:')}: ")
                       + ".*more than one framework tag"):
        run(text, cache, tmp_path)


@pytest.mark.parametrize("entries, message", [
    ([], "non-empty list"),
    ([{"tag": "a", "label": "A"}], "entry 1: missing module"),
    ([{"tag": "a", "label": "A", "module": "m", "colour": "red"}], "unknown colour"),
    ([{"tag": "a", "label": "A", "module": "m"}] * 2, "listed twice"),
])
def test_a_malformed_framework_list_says_what_to_write(entries, message):
    with pytest.raises(errors.ConfigError, match=message):
        frameworks.from_list(entries)


def test_the_book_declares_its_frameworks_once():
    # the list itself is _config.yml's; here: one default, every module found
    assert FRAMEWORKS.default.tag == "pytorch"
    assert all(cache_module.module_files(fw.module, (ROOT,)) for fw in FRAMEWORKS)


def test_runnable_notebook_has_one_framework(cache, tmp_path):
    _, executed, _ = run(chapter(), cache, tmp_path)
    nb = export.runnable_notebook(executed["tensorflow"])
    tags = {t for c in nb.cells if c.cell_type == "code" for t in c.metadata.get("tags", [])}
    assert tags == {"tensorflow"}
    assert all(not set(export.BOOKKEEPING) & set(c.metadata) for c in nb.cells)
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)


@pytest.mark.parametrize("text, refused", [
    ("Set `$HOME` from {value}`speed` and `$PATH`.", False),     # dollars in code are no math
    ("```bash\necho $HOME\n```\n\n{value}`speed` s, `$x`.", False),
    ("In math: $t = {value}`speed`$.", True),
    ("$$\nt = {value}`speed`\n$$", True),
    ("```{note}\nA note: $t = {value}`speed`$.\n```", True),     # a directive's prose too
    ("```{math}\nt = {value}`speed`\n```", True),
])
def test_a_value_is_refused_in_math_and_only_there(text, refused):
    quoted = {f.tag: {"speed": 1.0} for f in FRAMEWORKS}
    if refused:
        with pytest.raises(errors.BookError, match=r"\{value\}`speed` stands inside math"):
            values.for_every_framework(text, quoted, FRAMEWORKS)
    else:
        assert "{framework-value}`mxnet=1.0|" in values.for_every_framework(text, quoted, FRAMEWORKS)


def test_values_quoted_in_prose_errors_name_the_line(tmp_path):
    text = "\n".join([HEADER, "# T\n", "A value: {value}`speed:.2f` s.\n",
                      "Math: $x = {value}`speed`$.\n"])
    page = source.Page("page", tmp_path / "page.md", text)
    lines = text.splitlines()
    quoted, in_math = (lines.index(line) + 1 for line in ("A value: {value}`speed:.2f` s.",
                                                          "Math: $x = {value}`speed`$."))
    with pytest.raises(errors.BookError, match=rf"page.md:{quoted}: \[PyTorch\] the prose quotes "
                                               r"\{value\}`speed` but this framework's run never glued"):
        values.for_framework(text, {}, page, FRAMEWORKS.get("pytorch"))
    assert values.for_framework("took {value}`speed:.2f` s", {"speed": 1.234}) == "took 1.23 s"
    with pytest.raises(errors.BookError, match=rf"page.md:{in_math}: .*inside math"):
        values.for_every_framework(text, {f.tag: {"speed": 1.0} for f in FRAMEWORKS}, FRAMEWORKS,
                                   page)
    with pytest.raises(errors.BookError, match=r"cannot format 'fast'"):
        values.for_framework("{value}`speed:.2f`", {"speed": "fast"})


def test_the_pipelines_markdown_parser_is_the_books():
    """Pages are read (source, exercises, backing) with myst.EXTENSIONS where
    no caller passes the book's list: it must be _config.yml's
    parse.myst_enable_extensions, or the pipeline and Sphinx would read a
    page differently (a colon fence a directive for one, text for the other)."""
    assert myst.EXTENSIONS == myst.book_extensions(ROOT)
