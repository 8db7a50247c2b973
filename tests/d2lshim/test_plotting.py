"""set_figsize/plot and the Animator, outside and inside a Jupyter kernel."""

import io
import struct
import time

import matplotlib
import matplotlib.text
import matplotlib.ticker
import nbformat
import numpy as np
import pytest
from matplotlib.font_manager import FontProperties
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


# In-process checks of what the kernel tests above see from outside: mutmut
# (tools/mutation.py) runs for each mutant only the tests that call the
# mutated function in pytest's own process, never in a kernel.

def line_data(axes):
    return [(line.get_xdata().tolist(), line.get_ydata().tolist()) for line in axes.get_lines()]


def line_styles(axes):
    return [(line.get_linestyle(), matplotlib.colors.to_hex(line.get_color()))
            for line in axes.get_lines()]


def test_plot_draws_each_series_with_its_format():
    try:
        axes = plot([1, 2, 3], [[1, 4, 9], [3, 2, 1]], "x", "y", xlim=[0, 4], ylim=[-1, 10])
        assert line_data(axes) == [([1, 2, 3], [1, 4, 9]), ([1, 2, 3], [3, 2, 1])]
        assert line_styles(axes) == [("-", "#1f77b4"), ("--", "#bf00bf")]   # "-", "m--"
        assert (axes.get_xlabel(), axes.get_ylabel()) == ("x", "y")
        assert tuple(axes.get_xlim()) == (0, 4) and tuple(axes.get_ylim()) == (-1, 10)
        assert axes.get_legend() is None
    finally:
        plt.close("all")


def test_plot_without_x_uses_the_index():
    try:
        axes = plot([[3, 1, 2], [0, 5, 1]], fmts=("g-.", "r:"))
        assert line_data(axes) == [([0, 1, 2], [3, 1, 2]), ([0, 1, 2], [0, 5, 1])]
        assert line_styles(axes) == [("-.", "#008000"), (":", "#ff0000")]
        axes = plot([4, 5])                                  # one series, no x
        assert line_data(axes) == [([0, 1], [4, 5])]
    finally:
        plt.close("all")


def test_plot_one_series_in_a_list_and_arrays(d2l):
    """A list holding one series is one line; 1-D arrays and the framework's
    tensors are one series each, 2-D arrays several."""
    import numpy as np
    try:
        assert line_data(plot([1, 2], [[5, 6]])) == [([1, 2], [5, 6])]
        assert line_data(plot(np.array([1.0, 2.0]), np.array([5.0, 6.0]))) == [([1, 2], [5, 6])]
        assert line_data(plot(np.array([1.0, 2.0]), np.array([[5.0, 6.0], [7.0, 8.0]]))) == \
            [([1, 2], [5, 6]), ([1, 2], [7, 8])]
        X, y = d2l.whole_dataset(d2l.load_array((np.float32([[1], [2]]), np.float32([5, 6])), 2,
                                                is_train=False))
        assert line_data(plot(X[:, 0], y)) == [([1, 2], [5, 6])]
    finally:
        plt.close("all")


def test_as_list_gives_plain_floats():
    import numpy as np
    for values in (np.array([1.5, 2.5]), np.float32([1.5, 2.5]), [1.5, 2.5], (1.5, 2.5)):
        as_list = _plotting._as_list(values)
        assert as_list == [1.5, 2.5] and all(type(v) is float for v in as_list)


def test_use_svg_display_in_ipython(monkeypatch):
    from matplotlib_inline import backend_inline
    formats = []
    monkeypatch.setattr(backend_inline, "set_matplotlib_formats", lambda *f: formats.append(f))
    monkeypatch.setattr(_plotting, "_ipython", lambda: None)
    _plotting.use_svg_display()
    assert formats == []                                      # plain Python: nothing to do
    monkeypatch.setattr(_plotting, "_ipython", lambda: object())
    _plotting.use_svg_display()
    assert formats == [("svg",)]


def test_animator_draws_its_lines():
    animator = Animator(legend=["train", "test"], xlim=[0, 3], ylim=[0, 1], fmts=("b-", "r:"))
    animator.add(1, (0.5, 0.75))
    animator.add(2, (0.25, None))          # None: no point for that line
    axes = animator.draw().axes[0]
    assert line_data(axes) == [([1, 2], [0.5, 0.25]), ([1], [0.75])]
    assert line_styles(axes) == [("-", "#0000ff"), (":", "#ff0000")]
    assert tuple(axes.get_xlim()) == (0, 3) and tuple(axes.get_ylim()) == (0, 1)
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["train", "test"]
    assert Animator().draw().axes[0].get_lines() == []      # no points yet: an empty figure


def test_animator_title_is_medium_sized():
    animator = Animator(title="batch size 10")
    axes = animator.draw().axes[0]
    assert axes.get_title() == "batch size 10"
    assert axes.title.get_fontsize() == FontProperties(size="medium").get_size_in_points()


def png_size(png):
    return struct.unpack(">II", png[16:24])


def test_saved_figures_are_cropped_to_their_content():
    """As the inline backend shows figures (bbox_inches="tight")."""
    animator = Animator(xlabel="epoch", ylabel="loss")
    animator.add(1, 0.5)
    whole = io.BytesIO()
    animator.draw().savefig(whole, format="png")
    assert png_size(animator.png()) != png_size(whole.getvalue())


def test_png_and_svg_whatever_matplotlibs_default_format():
    animator = Animator()
    animator.add(1, 0.5)
    with matplotlib.rc_context({"savefig.format": "pdf"}):
        assert animator.png().startswith(b"\x89PNG")
        assert animator.svg().lstrip().startswith("<?xml") and "<svg" in animator.svg()


def test_show_displays_once_then_updates_in_place(monkeypatch):
    """show(): the first call displays the figure as SVG with a display id,
    later calls update that same output."""
    import IPython.display
    calls = []

    class Handle:
        def update(self, image):
            calls.append(("update", image))

    def display(image, display_id=None):
        calls.append(("display", image, display_id))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    animator = Animator(live=True)
    animator.add(1, 0.5)                                    # shown at once (first point)
    animator.add(2, 0.25)                                   # min_interval 0: shown again
    assert [c[0] for c in calls] == ["display", "update"]
    assert calls[0][2] is True
    for call in calls:
        assert isinstance(call[1], IPython.display.SVG) and "<svg" in call[1].data
    assert animator._pending is False and animator._shown_at is not None
    assert calls[1][1].data != calls[0][1].data             # the second point is drawn


def test_live_animator_waits_for_min_interval(monkeypatch):
    shown = []
    animator = Animator(live=True, min_interval=3600)
    monkeypatch.setattr(animator, "show", lambda: shown.append(1) or setattr(
        animator, "_shown_at", time.perf_counter()) or setattr(animator, "_pending", False))
    animator.add(1, 0.5)
    animator.add(2, 0.25)
    assert shown == [1] and animator._pending is True


def test_kernel_detection(monkeypatch):
    class ZMQInteractiveShell:          # ipykernel's shell, by its class name
        pass

    class TerminalInteractiveShell:     # IPython in a terminal: no rich output
        pass

    for shell, in_kernel in [(ZMQInteractiveShell(), True), (TerminalInteractiveShell(), False),
                             (None, False)]:
        monkeypatch.setattr(_plotting, "_ipython", lambda: shell)
        assert _plotting._in_jupyter_kernel() is in_kernel


def test_animator_layout_and_size():
    animator = Animator()
    assert len(animator.axes) == 1 and tuple(animator.fig.get_size_inches()) == (3.5, 2.5)
    animator = Animator(nrows=1, ncols=2, figsize=(6, 2))
    assert tuple(animator.fig.get_size_inches()) == (6, 2)
    left, right = (a.get_position() for a in animator.axes)
    assert left.y0 == right.y0 and left.x1 < right.x0       # side by side
    assert len(Animator(nrows=2, ncols=3).axes) == 6


def test_animator_points_with_their_own_x():
    animator = Animator()
    animator.add([1, 2], (0.5, 0.25))
    assert animator.X == [[1.0], [2.0]] and animator.Y == [[0.5], [0.25]]


def test_live_animator_flush_without_points_shows_nothing(monkeypatch):
    animator = Animator(live=True)
    monkeypatch.setattr(animator, "show", lambda: pytest.fail("nothing to show"))
    animator.flush()


def test_an_animator_that_is_not_live_never_shows(monkeypatch):
    monkeypatch.setattr(_plotting, "_in_jupyter_kernel", lambda: True)
    animator = Animator(live=False)
    monkeypatch.setattr(animator, "show", lambda: pytest.fail("live=False shows nothing"))
    animator.add(1, 0.5)
    animator.flush()


def every_text(figure):
    """Every text matplotlib draws on ``figure`` that is not empty."""
    return [t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("width, points", [(3.5, 10.0), (2.0, 10.0), (6.0, 10.0 * 6 / 3.5)])
def test_text_grows_with_the_figures_width(width, points):
    """A figure wider than the default shrinks more to fit a phone: its text
    grows in proportion, every text alike (ticks, labels, legend, title)."""
    set_figsize((width, 3))
    try:
        axes = plot([1, 2, 3], [[1, 4, 9], [1, 2, 3]], "time (sec)", "loss",
                    legend=["a", "b"], xscale="log")
        axes.figure.canvas.draw()
        texts = every_text(axes.figure)
        assert {"time (sec)", "loss", "a", "b"} <= {t.get_text() for t in texts}
        assert [t.get_fontsize() for t in texts] == pytest.approx([points] * len(texts))
    finally:
        plt.close("all")
        set_figsize()
    animator = Animator(figsize=(width, 3), title="batch size 10", xlabel="epoch")
    animator.add(1, 0.5)
    figure = animator.draw()
    figure.draw_without_rendering()
    sizes = [t.get_fontsize() for t in every_text(figure)]
    assert len(sizes) >= 4 and sizes == pytest.approx([points] * len(sizes))


def tick_labels(axis):
    """The labels drawn: matplotlib also labels ticks beyond the axis, never drawn."""
    low, high = sorted(axis.get_view_interval())
    return [label for tick, label in zip(axis.get_major_ticks() + axis.get_minor_ticks(),
                                         axis.get_ticklabels() + axis.get_ticklabels(minor=True))
            if label.get_visible() and label.get_text() and low <= tick.get_loc() <= high]


@pytest.mark.parametrize("low, high, expected", [
    # MXNet's figure of exercise 4: matplotlib labelled 2×10⁻³ 3×10⁻³ 4×10⁻³ 6×10⁻³
    # 10⁻², and 3×10⁻³ ran into 4×10⁻³
    (1.8e-3, 1.5e-2, ["0.002", "0.005", "0.01"]),
    (1.5e-3, 1.2, ["0.01", "0.1", "1"]),                     # the chapter's figure
    (2.1e-3, 3.9e-3, ["0.003", "0.004"]),                     # less than half a decade
])
def test_log_axes_have_plain_labels_that_do_not_touch(low, high, expected):
    set_figsize((6, 3))
    try:
        x = np.geomspace(low, high, 20)
        axes = plot([x, x], [np.linspace(0.33, 0.24, 20), np.linspace(0.3, 0.25, 20)],
                    "time (sec)", "loss", legend=["gd", "batch size=100, duplicated"],
                    xscale="log")
        axes.figure.canvas.draw()
        labels = tick_labels(axes.xaxis)
        assert [t.get_text() for t in labels] == expected
        renderer = axes.figure.canvas.get_renderer()
        boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
        gaps = [right.x0 - left.x1 for left, right in zip(boxes, boxes[1:])]
        # a space's width (0.3 em) in the renderer's pixels
        space = 0.3 * labels[0].get_fontsize() * axes.figure.dpi / 72
        assert all(gap > space for gap in gaps), gaps
    finally:
        plt.close("all")
        set_figsize()


def test_linear_axes_keep_matplotlibs_ticks():
    axes = plot([0, 1, 2], [0.3, 0.25, 0.24], "epoch", "loss")
    try:
        assert isinstance(axes.xaxis.get_major_formatter(), matplotlib.ticker.ScalarFormatter)
    finally:
        plt.close("all")

