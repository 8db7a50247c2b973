"""Framework-independent bookkeeping of the chapter's training loops."""

import contextlib
import io
import math
import random

import numpy as np

from ._plotting import Animator
from ._timer import Timer

#: Record the loss after this many examples (and at the end of every epoch).
RECORD_EVERY = 200

#: Redraw the live loss curve at most this often (seconds): drawing is slow.
REDRAW_EVERY = 0.5


_QUIET = False


@contextlib.contextmanager
def quiet():
    """Inside this ``with`` block training functions neither plot nor print.

    For experiments that run many trainings and then show one summary.
    """
    global _QUIET
    saved, _QUIET = _QUIET, True
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        _QUIET = saved


def seed_python_and_numpy(seed):
    random.seed(seed)
    np.random.seed(seed)


def _learning_rate(hyperparams):
    for key in ("lr", "learning_rate"):
        if key in hyperparams:
            return hyperparams[key]
    return None


class TrainMonitor:
    """Time a training loop, record its loss, plot it and stop it if it diverges.

    Call ``due(batch_size)`` after every update step.  It returns ``True``
    every ``RECORD_EVERY`` examples and at the end of every epoch, and then
    the clock is already stopped: compute the loss and pass it to
    ``record(loss)``, which plots it and restarts the clock.  So the
    measured time is training only, never evaluation.  ``finish()`` prints
    the final loss and the training time per epoch (total training time
    divided by the number of epochs) and returns ``(times, losses)``:
    cumulative training seconds and the loss at every recorded point.

    ``sync`` is called before the clock stops; pass ``npx.waitall`` for
    MXNet, whose operators run asynchronously.

    ``prepared`` names work done once before the clock started and its
    seconds, e.g. ``("graph built", 0.05)``: TensorFlow builds its graph and
    JAX compiles before training, and ``finish()`` prints that time apart,
    so that a reader can see both.

    The figure's title names the run: "batch size 10, lr 0.05", followed by
    ``note`` if given (say, how the learning rate changes).
    """

    def __init__(self, num_epochs, num_examples, hyperparams=None, sync=None,
                 ylim=(0.22, 0.35), note=None, prepared=None):
        self.num_epochs, self.num_examples = num_epochs, num_examples
        self.prepared = prepared
        self.hyperparams = hyperparams or {}
        self.sync = sync
        self.animator = Animator(xlabel="epoch", ylabel="loss",
                                 xlim=[0, num_epochs], ylim=list(ylim),
                                 min_interval=REDRAW_EVERY,
                                 live=False if _QUIET else None)
        self.note = note
        self.batch_size = None
        self.seen = 0               # examples processed so far
        self.since_record = 0       # examples since the last recorded loss
        self.timer = Timer()

    def due(self, batch_size):
        """Count a step over ``batch_size`` examples; ``True`` if a loss is due."""
        batch_size = int(batch_size)
        if self.batch_size is None:
            self.batch_size = batch_size
        self.seen += batch_size
        self.since_record += batch_size
        end_of_epoch = self.seen % self.num_examples == 0
        if self.since_record < RECORD_EVERY and not end_of_epoch:
            return False
        if self.sync is not None:
            self.sync()
        self.timer.stop()
        self.since_record = 0
        return True

    def record(self, loss):
        """Plot the loss, stop with an error if it is not finite, restart the clock."""
        loss = float(loss)
        epoch = self.seen / self.num_examples
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"Training diverged: the loss is {loss} after {epoch:.2f} epochs with "
                f"learning rate {_learning_rate(self.hyperparams)} and batch size "
                f"{self.batch_size}. Use a smaller learning rate (or a larger batch size).")
        if self.animator.title is None:        # the batch size is known from the first step on
            self.animator.title = self.title()
        self.animator.add(epoch, (loss,))
        self.timer.start()

    def title(self):
        """What the figure shows: "batch size 10, lr 0.05[, note]"."""
        parts = [f"batch size {self.batch_size}"]
        lr = _learning_rate(self.hyperparams)
        if lr is not None:
            parts.append(f"lr {lr:g}")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)

    def finish(self):
        """Print the final loss and seconds per epoch; return ``(times, losses)``.

        Losses get four decimals and times three significant digits, the
        precision at which the chapter's prose quotes them; with more than
        one epoch the loss after the first epoch is printed too.
        """
        self.animator.flush()
        epochs, losses = self.animator.X[0], self.animator.Y[0]
        first = [loss for epoch, loss in zip(epochs, losses) if epoch == 1]
        after_first = (f" (after epoch 1: {first[0]:.4f})"
                       if self.num_epochs > 1 and first else "")
        print(f"loss: {losses[-1]:.4f}{after_first}, "
              f"{self.timer.sum() / self.num_epochs:.3g} sec/epoch")
        if self.prepared is not None:
            what, seconds = self.prepared
            print(f"{what} in {seconds:.3g} s before the clock started (not in sec/epoch)")
        return self.timer.cumsum(), losses
