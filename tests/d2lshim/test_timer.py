import codecs
import io

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
    with pytest.raises(ValueError) as error:
        Timer().avg()
    assert str(error.value) == "Timer.avg(): no time recorded yet; call start() and stop() first"


def test_sum_and_cumsum_without_times():
    timer = Timer()
    assert timer.sum() == 0 and timer.cumsum() == []


def test_measures_real_time():
    """The clock is a real one: a measurement spans at least the time slept
    (no upper bound: a busy machine may take longer)."""
    import time
    timer = Timer()
    time.sleep(0.02)
    assert timer.stop() >= 0.019


CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model\t\t: 85
model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz: rev 7 \t
flags\t\t: fpu vme
processor\t: 1
model name\t: another core
"""


def fake_open(text):
    """``open`` for _timer that reads ``text`` as /proc/cpuinfo (and checks
    the arguments as the real one would)."""
    def open_(path, encoding=None):
        assert path == "/proc/cpuinfo"
        codecs.lookup(encoding)          # LookupError for a wrong encoding name
        return io.StringIO(text)
    return open_


def no_cpuinfo(path, encoding=None):
    raise FileNotFoundError(path)       # macOS, Windows


def test_cpu_name_from_proc_cpuinfo(monkeypatch):
    """The first "model name" line, everything after its first colon, trimmed."""
    monkeypatch.setattr(_timer, "open", fake_open(CPUINFO), raising=False)
    monkeypatch.setattr(_timer.platform, "processor", lambda: "not this")
    assert _timer.cpu_name() == "Intel(R) Xeon(R) CPU @ 2.20GHz: rev 7"


def test_cpu_name_without_a_model_name_line(monkeypatch):
    """Linux on ARM: /proc/cpuinfo has no "model name"; the platform says."""
    monkeypatch.setattr(_timer, "open", fake_open("processor\t: 0\nmodel\t\t: 85\n"), raising=False)
    monkeypatch.setattr(_timer.platform, "processor", lambda: "aarch64")
    assert _timer.cpu_name() == "aarch64"


@pytest.mark.parametrize("processor, machine, name", [
    ("Intel64 Family 6 Model 85", "AMD64", "Intel64 Family 6 Model 85"),
    ("", "arm64", "arm64"),
    ("", "", "unknown"),
])
def test_cpu_name_without_proc_cpuinfo(monkeypatch, processor, machine, name):
    monkeypatch.setattr(_timer, "open", no_cpuinfo, raising=False)
    monkeypatch.setattr(_timer.platform, "processor", lambda: processor)
    monkeypatch.setattr(_timer.platform, "machine", lambda: machine)
    assert _timer.cpu_name() == name


def test_cpu_name_here():
    name = _timer.cpu_name()
    assert isinstance(name, str) and name == name.strip() and name
