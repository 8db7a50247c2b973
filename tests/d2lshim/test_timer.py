import pytest

from d2lshim import _timer
from d2lshim._timer import Timer


@pytest.fixture
def fake_clock(monkeypatch):
    """perf_counter returning 0, 1, 3, 6, 10, … (steps 1, 2, 3, 4, …)."""
    readings = iter([0.0, 1.0, 3.0, 6.0, 10.0, 15.0, 21.0])
    monkeypatch.setattr(_timer.time, "perf_counter", lambda: next(readings))


def test_records_each_interval(fake_clock):
    timer = Timer()                    # starts at 0
    assert timer.stop() == 1.0         # 0 -> 1
    timer.start()                      # 3
    assert timer.stop() == 3.0         # 3 -> 6
    timer.start()                      # 10
    assert timer.stop() == 5.0         # 10 -> 15
    assert timer.times == [1.0, 3.0, 5.0]
    assert timer.sum() == 9.0
    assert timer.avg() == 3.0
    assert timer.cumsum() == [1.0, 4.0, 9.0]


def test_avg_without_times_says_why():
    with pytest.raises(ValueError, match="no time recorded"):
        Timer().avg()


def test_measures_real_time():
    import time
    timer = Timer()
    time.sleep(0.02)
    assert 0.015 < timer.stop() < 1.0
