"""glue() and claim(): the records the book build reads, and when a claim fails."""

import math

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from d2lshim import _book


@pytest.fixture
def shown(monkeypatch):
    """What glue/claim hand to the notebook, as (MIME type, record) pairs."""
    records = []
    monkeypatch.setattr(_book, "_display", lambda mime, record: records.append((mime, record)))
    monkeypatch.delenv(_book.FRAMEWORK_ENV, raising=False)
    monkeypatch.delenv(_book.CLAIMS_ENV, raising=False)
    return records


class Scalar:
    """A number with neither ``item`` nor a JSON type (only ``__float__``)."""

    def __float__(self):
        return 2.5


def test_every_framework_module_offers_glue_and_claim(d2l):
    assert d2l.glue is _book.glue and d2l.claim is _book.claim and d2l.ClaimFailed is _book.ClaimFailed


@pytest.mark.parametrize("value, plain", [
    (0.25, 0.25), (3, 3), (True, True), ("text", "text"), (None, None),
    (np.float32(0.5), 0.5), (np.int64(7), 7), (Scalar(), 2.5),
])
def test_glue_hands_a_plain_value_and_returns_the_original(shown, value, plain):
    assert _book.glue("name", value) is value
    assert shown == [(_book.VALUE_MIME, {"name": "name", "value": plain})]
    assert type(shown[0][1]["value"]) is type(plain)


def test_claim_needs_a_bound(shown):
    with pytest.raises(ValueError) as error:
        _book.claim("anything", 1.0)
    assert str(error.value) == "claim() needs at_least=, at_most= or both"
    assert shown == []


def test_claim_that_holds_returns_its_margin_and_records_it(shown):
    assert _book.claim("at least twice as fast", np.float32(3.0), at_least=2, runs=5) == 1.5
    assert shown == [(_book.CLAIM_MIME, {
        "statement": "at least twice as fast", "value": 3.0, "at_least": 2, "at_most": None,
        "margin": 1.5, "holds": True, "timing": False, "numbers": {"runs": 5}})]
    assert type(shown[0][1]["value"]) is float


@pytest.mark.parametrize("value, bounds, margin", [
    (2.0, dict(at_most=3), 1.5),
    (2.0, dict(at_least=1, at_most=3), 1.5),       # the nearer bound
    (2.5, dict(at_least=1, at_most=3), 1.2),
    (2.0, dict(at_least=2), 1.0),                  # on the bound: holds, margin 1
    (3.0, dict(at_most=3), 1.0),
    (0.5, dict(at_least=0), 1.5),                  # bound 0 or below: value - bound + 1
    (0.5, dict(at_least=-1), 2.5),
    (0.75, dict(at_least=0.5), 1.5),               # a bound between 0 and 1 is a ratio too
    (1.0, dict(at_least=1), 1.0),
    (0.5, dict(at_most=1), 2.0),                   # so is a value between 0 and 1
    (0.0, dict(at_most=3), 1e9),                   # at_most / 0: infinite, capped (JSON)
    (-1.0, dict(at_most=3), 1e9),
    (1e-12, dict(at_most=3), 1e9),
])
def test_claim_margins(shown, value, bounds, margin):
    assert _book.claim("s", value, **bounds) == pytest.approx(margin, rel=1e-12)
    assert shown[0][1]["holds"] is True and shown[0][1]["margin"] == pytest.approx(margin, rel=1e-12)


@pytest.mark.parametrize("value, bounds, text", [
    (1.0, dict(at_least=2, at_most=3), "1 is not ≥ 2 and ≤ 3"),
    (3.5, dict(at_least=2, at_most=3), "3.5 is not ≥ 2 and ≤ 3"),
    (0.123456, dict(at_least=0.5), "0.1235 is not ≥ 0.5"),
    (4.0, dict(at_most=3.25), "4 is not ≤ 3.25"),
])
def test_a_failing_claim_says_what_does_not_hold(shown, value, bounds, text):
    with pytest.raises(_book.ClaimFailed) as error:
        _book.claim("the loss falls", value, **bounds)
    assert str(error.value) == f"«the loss falls» does not hold: {text}"
    assert type(error.value) is _book.ClaimFailed
    assert shown[0][1]["holds"] is False


def test_a_failing_claim_shows_its_numbers(shown):
    with pytest.raises(_book.ClaimFailed) as error:
        _book.claim("faster", 0.5, at_least=1, ratio=np.float64(0.123456), runs=3, device="cpu")
    assert str(error.value) == ("«faster» does not hold: 0.5 is not ≥ 1 "
                                "(ratio = 0.1235, runs = 3, device = cpu)")
    assert shown[0][1]["numbers"] == {"ratio": 0.123456, "runs": 3, "device": "cpu"}


def test_a_failing_timing_claim(shown):
    with pytest.raises(_book.TimingClaimFailed, match="«fast» does not hold"):
        _book.claim("fast", 5.0, at_most=1, timing=True)
    assert issubclass(_book.TimingClaimFailed, _book.ClaimFailed)
    assert shown[0][1]["timing"] is True and shown[0][1]["holds"] is False


def test_survey_mode_records_without_raising(shown, monkeypatch):
    monkeypatch.setenv(_book.CLAIMS_ENV, "report")
    assert _book.claim("faster", 0.5, at_least=1) == 0.5
    assert shown[0][1]["holds"] is False


def test_claims_env_other_than_report_still_raises(shown, monkeypatch):
    monkeypatch.setenv(_book.CLAIMS_ENV, "check")
    with pytest.raises(_book.ClaimFailed):
        _book.claim("faster", 0.5, at_least=1)


def test_claim_limited_to_other_frameworks_is_skipped(shown, monkeypatch):
    monkeypatch.setenv(_book.FRAMEWORK_ENV, "mxnet")
    assert _book.claim("PyTorch is faster", 0.5, at_least=1, frameworks=("pytorch",)) is None
    assert shown == []


def test_claim_limited_to_this_framework_is_checked(shown, monkeypatch):
    monkeypatch.setenv(_book.FRAMEWORK_ENV, "pytorch")
    with pytest.raises(_book.ClaimFailed):
        _book.claim("PyTorch is faster", 0.5, at_least=1, frameworks=("pytorch",))
    assert len(shown) == 1


def test_claim_outside_the_book_build_is_checked(shown):
    """No BOOK_FRAMEWORK (a reader's kernel): every claim is checked."""
    with pytest.raises(_book.ClaimFailed):
        _book.claim("PyTorch is faster", 0.5, at_least=1, frameworks=("pytorch",))


def test_display_hands_the_record_raw(monkeypatch):
    """One output whose MIME bundle is the record alone (display(raw=True))."""
    import IPython.display
    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kwargs: calls.append((objs, kwargs)))
    _book._display("application/x-test", {"a": 1})
    assert calls == [(({"application/x-test": {"a": 1}},), {"raw": True})]


def test_records_reach_the_notebook_as_their_own_mime_types():
    """In a kernel, each record is an output of exactly its MIME type (no text/plain)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\n"
        "os.environ.pop('BOOK_FRAMEWORK', None); os.environ.pop('BOOK_CLAIMS', None)\n"
        "from d2lshim._book import claim, glue\n"
        "glue('lr', 0.05)\n"
        "claim('s', 3.0, at_least=2)")]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for o in nb.cells[0].outputs if o["output_type"] == "display_data"]
    assert [o["data"] for o in outputs][0] == {_book.VALUE_MIME: {"name": "lr", "value": 0.05}}
    assert list(outputs[1]["data"]) == [_book.CLAIM_MIME]
    assert outputs[1]["data"][_book.CLAIM_MIME]["margin"] == 1.5
    assert math.isclose(outputs[1]["data"][_book.CLAIM_MIME]["value"], 3.0)
    assert len(outputs) == 2
