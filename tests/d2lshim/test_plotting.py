"""set_figsize/plot and the Animator, outside and inside a Jupyter kernel."""

import time

import nbformat
import pytest
from nbclient import NotebookClient

from d2lshim import _plotting
from d2lshim._plotting import Animator, plot, plt, set_figsize


def test_set_figsize_is_honoured_by_plot():
    set_figsize((6, 3))
    try:
        axes = plot([1, 2, 3], [[1, 4, 9], [1, 2, 3]], "x", "y", legend=["a", "b"],
                    xscale="log")
        assert tuple(axes.figure.get_size_inches()) == (6, 3)
        assert axes.get_xscale() == "log" and len(axes.get_lines()) == 2
        assert [t.get_text() for t in axes.get_legend().get_texts()] == ["a", "b"]
    finally:
        plt.close("all")
        set_figsize()


def test_plot_with_explicit_figsize():
    axes = plot([0, 1], [1, 0], figsize=(2, 2))
    assert tuple(axes.figure.get_size_inches()) == (2, 2)
    plt.close("all")


def test_animator_outside_ipython_prints_nothing(capsys):
    animator = Animator(xlabel="epoch", legend=["train", "test"])
    for epoch in range(1, 4):
        animator.add(epoch, (1 / epoch, 2 / epoch))
    assert capsys.readouterr() == ("", "")
    assert animator.X == [[1, 2, 3], [1, 2, 3]]
    assert animator.Y[1] == [2, 1, pytest.approx(2 / 3)]
    assert animator.png().startswith(b"\x89PNG")
    assert "<svg" in animator.svg()


def test_animator_rejects_wrong_number_of_values():
    animator = Animator()
    animator.add(1, (1, 2))
    with pytest.raises(ValueError, match="expected 2 values per point, got 3"):
        animator.add(2, (1, 2, 3))


def test_animator_in_kernel_keeps_one_updated_figure():
    """Executed in a real kernel, 5 add() calls leave exactly one SVG output."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from d2lshim._plotting import Animator\n"
        "animator = Animator(legend=['loss'])\n"
        "for i in range(5):\n"
        "    animator.add(i, 1 / (i + 1))\n"
        "print(len(animator.Y[0]))")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    images = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(images) == 1, outputs
    assert images[0]["output_type"] == "display_data"
    assert not any("image/png" in o.get("data", {}) for o in outputs)
    assert [o["text"] for o in outputs if o["output_type"] == "stream"] == ["5\n"]


def test_throttled_animator_flushes_final_state(monkeypatch):
    """With min_interval, add() skips redraws and flush() shows the last state."""
    shown = []
    monkeypatch.setattr(_plotting, "_in_jupyter_kernel", lambda: True)
    animator = Animator(min_interval=3600)

    def fake_show():   # what show() does, minus rendering
        shown.append(len(animator.Y[0]))
        animator._pending, animator._shown_at = False, time.perf_counter()

    monkeypatch.setattr(animator, "show", fake_show)
    for i in range(4):
        animator.add(i, i)
    assert shown == [1]          # drawn once, then throttled
    animator.flush()
    assert shown == [1, 4]
    animator.flush()
    assert shown == [1, 4]       # nothing new: no redraw


def test_plot_in_kernel_shows_svg_and_titles_are_drawn():
    """d2l's use_svg_display: the inline backend's figures are vector graphics."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "%matplotlib inline\n"
        "from d2lshim._plotting import plot\n"
        "plot([1, 2, 3], [[1, 4, 9]], 'x', 'y', legend=['squares'])")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    figures = [o for o in nb.cells[0].outputs if o["output_type"] == "display_data"]
    assert len(figures) == 1 and set(figures[0]["data"]) == {"image/svg+xml", "text/plain"}
    assert "<svg" in figures[0]["data"]["image/svg+xml"]


def test_animator_title_may_come_later_and_is_drawn():
    animator = Animator(xlabel="epoch")
    animator.add(1, 0.5)
    animator.title = "batch size 10, lr 0.05"
    assert animator.draw().axes[0].get_title() == "batch size 10, lr 0.05"


def test_every_framework_module_offers_use_svg_display(d2l):
    """d2l's name for "show figures as SVG", as d2l's chapters call it."""
    assert d2l.use_svg_display is _plotting.use_svg_display
    d2l.use_svg_display()          # outside IPython: nothing to do, and no error
