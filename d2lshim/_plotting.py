"""Plotting helpers: ``set_figsize``, ``plot`` and the live ``Animator``.

Figures are SVG in a notebook, as in d2l (``use_svg_display``): vector
graphics stay sharp at any zoom and on high-DPI screens, in the book's pages
and in the downloadable notebooks alike.

Figures are read on phones too, where a page is about 390 px wide and a
figure inside a solution's tab about 300 px: a figure is then shown smaller
than its natural size, its text with it.  So a figure's text grows with its
width (``text_size``): a 6-inch figure has the text of the default 3.5-inch
one enlarged in proportion, and shrunk to a phone's width both read alike.
Log axes are labelled with plain numbers at a few round values
(``log_ticks``): matplotlib's own labels there are powers of ten with small
superscripts, and its minor-tick labels (2×10⁻³, 3×10⁻³, …) run into each
other on a narrow figure.
"""

import io
import math
import time

import matplotlib
from matplotlib import ticker

matplotlib.rcParams.setdefault("figure.figsize", (3.5, 2.5))
from matplotlib import pyplot as plt  # noqa: E402  (after the rcParams default)

DEFAULT_FIGSIZE = (3.5, 2.5)
DEFAULT_FMTS = ("-", "m--", "g-.", "r:")
#: The text size (points) of a figure ``DEFAULT_FIGSIZE`` wide: matplotlib's
#: default, 13.3 px at the figure's natural size.
BASE_TEXT_SIZE = 10.0


def text_size(figure):
    """The size (points) of every text of ``figure``: ``BASE_TEXT_SIZE`` up to
    the default width, and in proportion to the width beyond it, so that the
    text keeps its share of the figure's width however wide it is drawn."""
    return BASE_TEXT_SIZE * max(1.0, figure.get_figwidth() / DEFAULT_FIGSIZE[0])


def _plain_number(value, _position=None):
    """A tick label of a log axis: 0.002, 0.01, 10 (no powers of ten)."""
    return f"{value:g}"


def log_ticks(axis):
    """Major ticks of a log ``axis`` at round values, labelled as plain numbers;
    the minor ticks unlabelled.  Over more than one and a half decades only the
    powers of ten are labelled, over less also 2 and 5 times them, over less
    than half a decade every digit, so that a short axis still has labels."""
    low, high = sorted(axis.get_view_interval())
    decades = math.log10(high / low) if low > 0 else math.inf
    subs = (1.0,) if decades > 1.5 else (1.0, 2.0, 5.0) if decades >= 0.5 else \
        tuple(float(d) for d in range(1, 10))
    axis.set_major_locator(ticker.LogLocator(subs=subs))
    axis.set_major_formatter(ticker.FuncFormatter(_plain_number))
    axis.set_minor_locator(ticker.LogLocator(subs=tuple(float(d) for d in range(2, 10))))
    axis.set_minor_formatter(ticker.NullFormatter())


def _ipython():
    """The running IPython shell, or None (plain Python)."""
    try:
        from IPython import get_ipython
    except ImportError:  # IPython is optional outside notebooks
        return None
    return get_ipython()


def use_svg_display():
    """Show the figures of IPython's inline backend as SVG (a no-op outside IPython)."""
    if _ipython() is not None:
        from matplotlib_inline import backend_inline
        backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize=DEFAULT_FIGSIZE):
    """Set the size of the figures that ``plot`` draws from now on."""
    use_svg_display()
    plt.rcParams["figure.figsize"] = tuple(figsize)


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label, limit and scale one matplotlib ``Axes``."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    size = text_size(axes.figure)
    axes.xaxis.label.set_size(size)
    axes.yaxis.label.set_size(size)
    axes.tick_params(which="both", labelsize=size)
    for axis in (axes.xaxis, axes.yaxis):
        axis.get_offset_text().set_size(size)
        if axis.get_scale() == "log":
            log_ticks(axis)
    if legend:
        axes.legend(legend, fontsize=size)
    axes.grid()


def _as_list(values):
    """Turn a tensor, array or list into a plain Python list of floats."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    return list(values)


def _is_one_series(values):
    """True if ``values`` is a single series rather than a list of series."""
    if hasattr(values, "ndim"):
        return values.ndim == 1
    return isinstance(values, (list, tuple)) and not (values and hasattr(values[0], "__len__"))


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None,
         ylim=None, xscale="linear", yscale="linear", fmts=DEFAULT_FMTS,
         figsize=None, axes=None):
    """Plot one or several series.

    ``X`` and ``Y`` are a series each or lists of series; with ``Y`` omitted
    ``X`` is plotted against its index.  ``figsize=None`` keeps the size set
    with :func:`set_figsize` (unlike d2l, which resets it on every call).
    """
    use_svg_display()
    if _is_one_series(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _is_one_series(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    if axes is None:
        if figsize is not None:
            plt.figure(figsize=figsize)
        axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts * len(Y)):
        if len(x):
            axes.plot(_as_list(x), _as_list(y), fmt)
        else:
            axes.plot(_as_list(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


def _in_jupyter_kernel():
    """True inside a Jupyter kernel (where rich output can be shown)."""
    return type(_ipython()).__name__ == "ZMQInteractiveShell"


class Animator:
    """Plot data as it arrives.

    In a Jupyter kernel the figure is drawn once and then updated in place
    (one display handle), so an executed notebook keeps one final figure.
    Elsewhere nothing is shown while points are added; the data stays in
    ``X`` and ``Y`` (one list per line) and the figure in ``fig``.

    Drawing a figure takes tens of milliseconds.  With ``min_interval`` > 0
    the figure is redrawn at most that often (seconds); call ``flush()``
    after the last ``add`` to show the final state.  ``live=False`` never
    shows anything (``None``: show only inside a Jupyter kernel).  ``title``
    (it may be set later, before the first point) says what the lines are
    when no legend does.  The figure is shown as SVG.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale="linear", yscale="linear", fmts=DEFAULT_FMTS,
                 nrows=1, ncols=1, figsize=DEFAULT_FIGSIZE, min_interval=0.0, live=None,
                 title=None):
        from matplotlib.figure import Figure

        # A Figure that pyplot does not track: it is never shown twice by
        # the inline backend at the end of a cell, and never leaks.
        self.fig = Figure(figsize=figsize)
        axes = self.fig.subplots(nrows, ncols, squeeze=False).ravel()
        self.axes = list(axes)
        self._config = (xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
        self.fmts = fmts
        self.title = title
        self.X, self.Y = None, None
        self._handle = None
        self._live = _in_jupyter_kernel() if live is None else live
        self.min_interval = min_interval
        self._shown_at = None      # perf_counter() of the last redraw
        self._pending = False      # points added since the last redraw

    def add(self, x, y):
        """Add one point to each line: ``y`` is a number or one per line."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if self.X is None:
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        if len(self.Y) != n or len(x) != n:
            raise ValueError(f"Animator.add(): expected {len(self.Y)} values per point, got {n}")
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(float(a))
                self.Y[i].append(float(b))
        if self._live:
            self._pending = True
            now = time.perf_counter()
            if self._shown_at is None or now - self._shown_at >= self.min_interval:
                self.show()

    def flush(self):
        """Show the points added since the last redraw, if any."""
        if self._live and self._pending:
            self.show()

    def draw(self):
        """Redraw the lines from ``X`` and ``Y`` onto the figure."""
        axes = self.axes[0]
        axes.cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts):
            axes.plot(x, y, fmt)
        set_axes(axes, *self._config)
        if self.title:
            axes.set_title(self.title, fontsize=text_size(self.fig))
        return self.fig

    def _saved(self, fmt):
        buffer = io.BytesIO()
        self.draw().savefig(buffer, format=fmt, bbox_inches="tight")
        return buffer.getvalue()

    def png(self):
        """The current figure as PNG bytes."""
        return self._saved("png")

    def svg(self):
        """The current figure as SVG text."""
        return self._saved("svg").decode("utf-8")

    def show(self):
        """Show the figure in the notebook, replacing its previous state."""
        from IPython.display import SVG, display

        image = SVG(data=self.svg())
        self._shown_at, self._pending = time.perf_counter(), False
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
