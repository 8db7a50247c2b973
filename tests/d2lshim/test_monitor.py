"""TrainMonitor on its own (no framework, no training): when a loss is due,
what is timed, what is printed and drawn, and when the live figure is redrawn."""

import math
import types

import pytest

from d2lshim import _plotting, _timer, _training
from d2lshim._training import RECORD_EVERY, REDRAW_EVERY, TrainMonitor, quiet


class Clock:
    """A perf_counter that moves only when told to."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(_timer, "time", types.SimpleNamespace(perf_counter=clock))
    monkeypatch.setattr(_plotting, "time", types.SimpleNamespace(perf_counter=clock))
    return clock


def test_the_chapters_constants():
    assert (RECORD_EVERY, REDRAW_EVERY) == (200, 0.5)


def test_a_loss_is_due_every_200_examples_and_at_every_epochs_end():
    syncs = []
    monitor = TrainMonitor(2, 250, {"lr": 0.1}, sync=lambda: syncs.append(monitor.seen))
    steps = [100, 100, 50, 100, 100, 50]                 # two epochs of 250
    assert [monitor.due(n) for n in steps] == [False, True, True, False, True, True]
    assert syncs == [200, 250, 450, 500]                 # sync before every due loss
    assert len(monitor.timer.times) == 4                 # the clock stopped each time


def test_a_batch_of_exactly_200_examples_is_due_at_once():
    monitor = TrainMonitor(1, 1000)
    assert [monitor.due(200) for _ in range(2)] == [True, True]
    monitor = TrainMonitor(1, 1000)
    assert [monitor.due(199), monitor.due(1), monitor.due(199), monitor.due(1)] == [False, True] * 2


def test_the_first_batch_size_names_the_run():
    monitor = TrainMonitor(1, 25, {"lr": 0.5})
    monitor.due(10)
    monitor.due(10)
    monitor.due(5)                                        # the short last batch
    assert monitor.batch_size == 10 and monitor.title() == "batch size 10, lr 0.5"


def test_batch_size_may_be_a_tensor_like_number():
    monitor = TrainMonitor(1, 20)
    assert monitor.due(20.0) is True
    assert monitor.title() == "batch size 20" and isinstance(monitor.batch_size, int)


def test_no_hyperparams_no_learning_rate_in_the_title():
    monitor = TrainMonitor(1, 10)
    monitor.due(10)
    assert monitor.title() == "batch size 10"


def test_training_time_excludes_evaluation(clock, capsys):
    """Only the time between record() and the next due() counts."""
    monitor = TrainMonitor(2, 200, {"lr": 0.1})           # starts at 0
    clock.now = 3.0
    assert monitor.due(200)                               # 3 s of training
    clock.now = 10.0                                      # 7 s evaluating
    monitor.record(0.5)
    clock.now = 12.0
    assert monitor.due(200)                               # 2 s of training
    clock.now = 20.0
    monitor.record(0.25)
    times, losses = monitor.finish()
    assert times == [3.0, 5.0] and losses == [0.5, 0.25]
    assert capsys.readouterr().out == "loss: 0.2500 (after epoch 1: 0.5000), 2.5 sec/epoch\n"


def test_losses_are_plotted_against_epochs():
    monitor = TrainMonitor(2, 400, {"lr": 0.1})
    for loss in (0.4, 0.3, 0.2, 0.1):
        assert monitor.due(200)
        monitor.record(loss)
    assert monitor.animator.X == [[0.5, 1.0, 1.5, 2.0]]
    assert monitor.animator.Y == [[0.4, 0.3, 0.2, 0.1]]
    axes = monitor.animator.draw().axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("epoch", "loss")
    assert tuple(axes.get_xlim()) == (0, 2) and tuple(axes.get_ylim()) == (0.22, 0.35)
    assert axes.get_title() == "batch size 200, lr 0.1"


def test_ylim_and_note():
    monitor = TrainMonitor(3, 10, {"learning_rate": 0.2}, ylim=(0, 1), note="momentum 0.9")
    monitor.due(10)
    monitor.record(0.5)
    axes = monitor.animator.draw().axes[0]
    assert tuple(axes.get_xlim()) == (0, 3) and tuple(axes.get_ylim()) == (0, 1)
    assert axes.get_title() == "batch size 10, lr 0.2, momentum 0.9"


def test_record_takes_a_tensor_like_loss():
    monitor = TrainMonitor(1, 10)
    monitor.due(10)
    monitor.record(_Loss())
    assert monitor.animator.Y == [[0.5]]


class _Loss:
    def __float__(self):
        return 0.5


@pytest.mark.parametrize("loss", [math.inf, math.nan, -math.inf])
def test_divergence_names_learning_rate_and_batch_size(loss):
    monitor = TrainMonitor(5, 500, {"learning_rate": 3})
    monitor.due(100)
    monitor.due(100)
    with pytest.raises(FloatingPointError) as error:
        monitor.record(loss)
    assert str(error.value) == (
        f"Training diverged: the loss is {loss} after 0.40 epochs with learning rate 3 and "
        f"batch size 100. Use a smaller learning rate (or a larger batch size).")


def test_in_a_kernel_the_curve_is_redrawn_at_most_every_half_second(clock, monkeypatch):
    monkeypatch.setattr(_plotting, "_in_jupyter_kernel", lambda: True)
    monitor = TrainMonitor(1, 2000, {"lr": 0.1})
    shown = []

    def show():   # what Animator.show does, minus the notebook
        shown.append(clock.now)
        monitor.animator._shown_at, monitor.animator._pending = clock.now, False

    monitor.animator.show = show
    for now in (0.0, 0.3, 0.49, 0.5, 0.7, 1.2):
        clock.now = now
        monitor.due(200)
        monitor.record(0.3)
    assert shown == [0.0, 0.5, 1.2]
    clock.now = 1.3
    monitor.due(200)
    monitor.record(0.3)
    monitor.finish()                                      # shows the last point
    assert shown == [0.0, 0.5, 1.2, 1.3]


def test_quiet_neither_draws_nor_prints(monkeypatch, capsys):
    monkeypatch.setattr(_plotting, "_in_jupyter_kernel", lambda: True)
    with quiet():
        monitor = TrainMonitor(1, 200)
        monitor.animator.show = lambda: pytest.fail("quiet() must not draw")
        monitor.due(200)
        monitor.record(0.3)
        monitor.finish()
    assert capsys.readouterr().out == ""
    assert not _training._QUIET
    assert TrainMonitor(1, 200).animator._live is True    # after the block: live again


def test_one_epoch_prints_no_first_epoch_loss_and_small_times_keep_three_digits(clock, capsys):
    """A time of 0.000412 s must not print as 0.000 (the prose quotes it)."""
    monitor = TrainMonitor(1, 100)
    clock.now = 0.000412
    assert monitor.due(100)
    monitor.record(0.24321)
    monitor.finish()
    assert capsys.readouterr().out == "loss: 0.2432, 0.000412 sec/epoch\n"


def test_the_first_epochs_loss_is_the_one_recorded_at_its_end(clock, capsys):
    monitor = TrainMonitor(2, 400)
    for loss in (0.4, 0.3, 0.2, 0.1):                  # at 0.5, 1.0, 1.5 and 2.0 epochs
        assert monitor.due(200)
        monitor.record(loss)
    monitor.finish()
    assert capsys.readouterr().out.startswith("loss: 0.1000 (after epoch 1: 0.3000), ")


def test_work_done_before_the_clock_is_printed_apart(clock, capsys):
    monitor = TrainMonitor(1, 100, prepared=("graph built", 0.0523))
    clock.now = 2.0
    monitor.due(100)
    monitor.record(0.3)
    monitor.finish()
    assert capsys.readouterr().out == (
        "loss: 0.3000, 2 sec/epoch\n"
        "graph built in 0.0523 s before the clock started (not in sec/epoch)\n")
