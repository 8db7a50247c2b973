"""The book machinery on a small made-up chapter: split, merge, cache, failures.

The kernels here are real (three per execution), the cells tiny.
"""

import pytest

from book import fnb

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def code(source, tag=None):
    tags = f":tags: [{tag}]\n\n" if tag else ""
    return f"```{{code-cell}} ipython3\n{tags}{source}\n```\n"


def chapter(mxnet="x = 'mx'", pytorch="x = 'pt'", tensorflow="x = 'tf'",
            shared="print(x)"):
    return "\n".join([HEADER, "# Title\n", "Some prose.\n",
                      code(mxnet, "mxnet"), code(pytorch, "pytorch"), code(tensorflow, "tensorflow"),
                      "More prose.\n", code(shared), code("print('same everywhere')")])


@pytest.fixture
def cache(tmp_path):
    return fnb.ExecutionCache(tmp_path / "cache")


def run(text, cache, tmp_path):
    source = tmp_path / "page.md"
    source.write_text(text, encoding="utf-8")
    log = []
    nb, executed = fnb.executed_notebooks(text, "page", source, cache, log.append)
    return nb, executed, log


def executed_frameworks(log):
    return sorted(line.split("executed ")[1].split()[0] for line in log if "executed" in line)


def test_split_keeps_prose_shared_and_own_cells():
    nb = fnb.read_source(chapter())
    pt = fnb.split(nb, "pytorch")
    sources = [c.source for c in pt.cells]
    assert "x = 'pt'" in sources and "x = 'mx'" not in sources and "x = 'tf'" not in sources
    assert "print(x)" in sources and any("Some prose." in s for s in sources)


def test_execution_merge_and_cache(cache, tmp_path):
    text = chapter()
    nb, executed, log = run(text, cache, tmp_path)
    assert executed_frameworks(log) == ["mxnet", "pytorch", "tensorflow"]
    merged = fnb.merge(nb, executed)

    # the framework run becomes one tab set holding each framework's cell
    tab_sets = [c for c in merged.cells if c.cell_type == "markdown" and "{tab-set}" in c.source]
    assert len(tab_sets) == 2     # the framework cells, and print(x) whose outputs differ
    for label in ("MXNet", "PyTorch", "TensorFlow"):
        assert all(f"{{tab-item}} {label}" in t.source for t in tab_sets)
    assert all(":selected:" in t.source.split("{tab-item} PyTorch")[1].split("````")[0]
               for t in tab_sets)
    slots = {c.metadata.get("framework_slot"): c for c in merged.cells if c.cell_type == "code"}
    assert [slots[f"g2-{fw}"].outputs[0]["text"] for fw in fnb.TAGS] == ["mx\n", "pt\n", "tf\n"]
    assert "remove-input" in slots["g2-pytorch"].metadata["tags"]
    # identical outputs are shown once, without tabs
    same = [c for c in merged.cells if c.cell_type == "code" and "same everywhere" in c.source]
    assert len(same) == 1 and same[0].outputs[0]["text"] == "same everywhere\n"
    assert merged.metadata["mystnb"]["execution_mode"] == "off"

    # nothing changed: nothing executes
    _, _, log = run(text, cache, tmp_path)
    assert executed_frameworks(log) == []

    # one PyTorch cell changed: only PyTorch executes
    _, executed, log = run(chapter(pytorch="x = 'pt2'"), cache, tmp_path)
    assert executed_frameworks(log) == ["pytorch"]
    printed = [c.outputs for c in executed["pytorch"].cells if c.source == "print(x)"]
    assert printed[0][0]["text"] == "pt2\n"

    # a shared cell changed: all three execute
    _, _, log = run(chapter(pytorch="x = 'pt2'", shared="print(x * 2)"), cache, tmp_path)
    assert executed_frameworks(log) == ["mxnet", "pytorch", "tensorflow"]


def test_library_change_invalidates_the_cache(cache, tmp_path, monkeypatch):
    shim = tmp_path / "shim.py"
    shim.write_text("VERSION = 1\n")
    monkeypatch.setattr(fnb, "KEY_FILES", [shim])
    text = chapter()
    run(text, cache, tmp_path)
    shim.write_text("VERSION = 2\n")
    _, _, log = run(text, cache, tmp_path)
    assert executed_frameworks(log) == ["mxnet", "pytorch", "tensorflow"]


def test_failing_cell_names_page_line_and_framework(cache, tmp_path):
    text = chapter(tensorflow="raise RuntimeError('boom')")
    with pytest.raises(fnb.CellFailed) as error:
        run(text, cache, tmp_path)
    message = str(error.value)
    # the ```{code-cell} line (1-based) is three lines above the code
    line = text.splitlines().index("raise RuntimeError('boom')") - 2
    assert f"page.md:{line}:" in message
    assert "TensorFlow" in message and "boom" in message
    # MXNet and PyTorch ran and were cached; the failing framework never is
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").rglob("*.ipynb"))
    assert cached == ["mxnet", "pytorch"]


def test_missing_framework_version_is_an_error():
    text = "\n".join([HEADER, code("a = 1", "mxnet"), code("a = 1", "pytorch")])
    nb = fnb.read_source(text)
    with pytest.raises(ValueError, match="no tensorflow version"):
        fnb.merge(nb, {fw: fnb.split(nb, fw) for fw in fnb.TAGS})


def test_runnable_notebook_has_one_framework(cache, tmp_path):
    _, executed, _ = run(chapter(), cache, tmp_path)
    nb = fnb.runnable_notebook(executed["tensorflow"])
    tags = {t for c in nb.cells if c.cell_type == "code" for t in c.metadata.get("tags", [])}
    assert tags == {"tensorflow"}
    assert all("source_index" not in c.metadata for c in nb.cells)
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)
