"""What the book's hidden cells use to tie its prose to this run's outputs.

The chapter quotes measured numbers and states conclusions.  Hidden cells
(tag ``book``, never shown to readers) call

* ``glue(name, value)`` to hand a value to the prose, where
  ``{value}`name:.3g``` shows it — on the web page the value of the framework
  the reader selected, in each framework's notebook its own;
* ``claim(statement, value, at_least=…, at_most=…)`` to check a sentence at
  the strength it is written: if it does not hold in this kernel, the build
  fails with the page, the line, the framework, the sentence and the numbers.
  A sentence about measured time says so (``timing=True``): the build then
  measures the whole page again before it gives up, because another process
  taking the cores for a while can decide one measurement
  (``pipeline/execute.py``).

Both hand their record to the book build as an output of a MIME type of their
own, which the pipeline collects and removes (``pipeline/values.py``).
"""

import math
import os

VALUE_MIME = "application/vnd.d2lshim.value+json"
CLAIM_MIME = "application/vnd.d2lshim.claim+json"

#: Set by the book build for each kernel: the framework the cells run in.
FRAMEWORK_ENV = "BOOK_FRAMEWORK"

#: ``report`` records failing claims without raising (``tools/claims.py
#: --survey`` uses it to see every claim's margin in one run).
CLAIMS_ENV = "BOOK_CLAIMS"


class ClaimFailed(AssertionError):
    """A sentence of the page does not hold in this run."""


class TimingClaimFailed(ClaimFailed):
    """A sentence about measured time does not hold in this run."""


def _plain(value):
    """A JSON value: NumPy and framework scalars become Python numbers."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return float(value)


def _display(mime, record):
    from IPython.display import display
    display({mime: record}, raw=True)


def glue(name, value):
    """Hand ``value`` to the prose as ``{value}`name```; returns ``value``."""
    _display(VALUE_MIME, {"name": name, "value": _plain(value)})
    return value


def claim(statement, value, *, at_least=None, at_most=None, frameworks=None, timing=False,
          **numbers):
    """Check that ``at_least <= value <= at_most`` (either bound may be omitted).

    ``statement`` quotes the words of the page that the check backs, verbatim
    (a fragment of one sentence of the tabs it runs in: the book's backing
    report, ``tools/backing.py``, pairs them and fails on a claim it cannot
    find);
    ``numbers`` are shown with it if it fails.  ``frameworks`` limits the
    check to those frameworks' kernels (for prose shown only in their tabs).
    ``timing=True`` marks a sentence about measured time: it fails with
    :class:`TimingClaimFailed`, which the book build answers by measuring
    again.
    Returns the margin: how far ``value`` is from the nearer bound, as a
    ratio (``value / at_least`` or ``at_most / value``; 1.0 is the edge).
    """
    if at_least is None and at_most is None:
        raise ValueError("claim() needs at_least=, at_most= or both")
    here = os.environ.get(FRAMEWORK_ENV)
    if frameworks is not None and here is not None and here not in frameworks:
        return None
    value = float(_plain(value))
    margins = []
    if at_least is not None:
        margins.append(value / at_least if at_least > 0 else value - at_least + 1)
    if at_most is not None:
        margins.append(at_most / value if value > 0 else math.inf)
    margin = min(min(margins), 1e9)   # finite: JSON has no infinity
    holds = (at_least is None or value >= at_least) and (at_most is None or value <= at_most)
    bounds = " and ".join(b for b in (f"≥ {at_least:g}" if at_least is not None else "",
                                     f"≤ {at_most:g}" if at_most is not None else "") if b)
    details = ", ".join(f"{k} = {_plain(v):.4g}" if isinstance(_plain(v), float) else f"{k} = {v}"
                        for k, v in numbers.items())
    _display(CLAIM_MIME, {"statement": statement, "value": value, "at_least": at_least,
                          "at_most": at_most, "margin": margin, "holds": holds, "timing": timing,
                          "numbers": {k: _plain(v) for k, v in numbers.items()}})
    if not holds and os.environ.get(CLAIMS_ENV) != "report":
        failed = TimingClaimFailed if timing else ClaimFailed
        raise failed(f"«{statement}» does not hold: {value:.4g} is not {bounds}"
                          + (f" ({details})" if details else ""))
    return margin
