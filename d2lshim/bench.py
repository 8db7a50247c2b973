"""Benchmark of ``train_ch11`` with plain SGD: ``python -m d2lshim.bench``.

For every framework (each in a fresh process, one after another, so that no
two share the cores; ``--interpreter torch=PATH`` runs one in the Python of
its own environment, as ``make bench`` does) and batch size, it runs the chapter's ``train_sgd``
once to warm up and then ``--repeats`` times, and reports medians of

* seconds per epoch: training time only (evaluation excluded), divided by
  the number of epochs, as ``train_ch11`` prints it;
* the wall time of the whole call (reading the data, training, evaluating);
* the ratio of the two.

A NumPy loop doing the same math (same model, loss, update and recording)
is measured the same way, as a floor for the framework overhead.
"""

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time

import numpy as np

from . import __all__ as FRAMEWORK_MODULES
from ._data import download
from ._training import TrainMonitor

#: What can be measured: each framework module, and the NumPy loop.
FRAMEWORKS = (*FRAMEWORK_MODULES, "numpy")
#: The chapter's four experiments, batch size -> (learning rate, epochs), as
#: its ``train_sgd`` calls run them: measured here, and checked by
#: tests/d2lshim/test_training.py at the strength the page states their
#: results.  tests/test_chapter_source.py checks that every framework's cells
#: of the page call ``train_sgd`` with exactly these.
CHAPTER_RUNS = {1500: (1, 10), 1: (0.005, 2), 100: (0.4, 2), 10: (0.05, 2)}


def airfoil_numpy(n=1500):
    """The standardised Airfoil data as float32 NumPy arrays (features, labels)."""
    data = np.genfromtxt(download("airfoil"), dtype=np.float32, delimiter="\t")
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    return data[:n, :-1], data[:n, -1]


def train_numpy(lr, batch_size, num_epochs=2, init_params=None, data=None, seed=0):
    """Minibatch SGD for linear regression in plain NumPy (float32).

    Same loss (squared loss / 2, averaged over the batch), same update, same
    recording of the loss as ``train_ch11``; returns ``(times, losses)``.
    """
    features, labels = data if data is not None else airfoil_numpy()
    rng = np.random.default_rng(seed)
    n, d = features.shape
    if init_params is None:
        w, b = rng.normal(0, 0.01, size=(d, 1)).astype(np.float32), np.zeros(1, np.float32)
    else:
        w, b = (np.array(p, dtype=np.float32) for p in init_params)
    y_all = labels.reshape(-1, 1)
    monitor = TrainMonitor(num_epochs, n, {"lr": lr})
    for _ in range(num_epochs):
        order = rng.permutation(n)
        X_epoch, y_epoch = features[order], y_all[order]
        for i in range(0, n, batch_size):
            X, y = X_epoch[i:i + batch_size], y_epoch[i:i + batch_size]
            err = X @ w + b - y
            w -= np.float32(lr) * (X.T @ err) / len(X)
            b -= np.float32(lr) * err.mean(axis=0)
            if monitor.due(len(X)):
                monitor.record(float(np.mean((features @ w + b - y_all) ** 2) / 2))
    return monitor.finish()


def _train_sgd(framework, lr, batch_size, num_epochs):
    if framework == "numpy":
        return train_numpy(lr, batch_size, num_epochs)
    import importlib
    d2l = importlib.import_module(f"d2lshim.{framework}")
    data_iter, feature_dim = d2l.get_data_ch11(batch_size)
    return d2l.train_ch11(d2l.sgd, None, {"lr": lr}, data_iter, feature_dim, num_epochs)


def measure(framework, batch_sizes, repeats):
    """Medians for one framework, as a list of dicts."""
    rows = []
    for batch_size in batch_sizes:
        lr, num_epochs = CHAPTER_RUNS[batch_size]
        per_epoch, wall, losses = [], [], []
        for run in range(repeats + 1):            # run 0 warms up
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                times, loss = _train_sgd(framework, lr, batch_size, num_epochs)
                elapsed = time.perf_counter() - start
            if run:
                per_epoch.append(times[-1] / num_epochs)
                wall.append(elapsed)
                losses.append(loss[-1])
        rows.append({"framework": framework, "batch_size": batch_size, "lr": lr,
                     "epochs": num_epochs, "sec_per_epoch": statistics.median(per_epoch),
                     "train_sec": statistics.median(per_epoch) * num_epochs,
                     "wall_sec": statistics.median(wall), "final_loss": statistics.median(losses)})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frameworks", nargs="+", default=list(FRAMEWORKS), choices=FRAMEWORKS)
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=sorted(CHAPTER_RUNS),
                        choices=list(CHAPTER_RUNS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--interpreter", action="append", default=[], metavar="FRAMEWORK=PYTHON",
                        help="the Python to measure FRAMEWORK with (default: this one)")
    parser.add_argument("--json", action="store_true", help="print raw results as JSON")
    parser.add_argument("--one", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:   # the child process: measure one framework, report JSON
        print(json.dumps(measure(args.one, args.batch_sizes, args.repeats)))
        return
    interpreters = dict(pair.split("=", 1) for pair in args.interpreter)
    rows = []
    for framework in args.frameworks:
        child = subprocess.run(
            [interpreters.get(framework, sys.executable), "-m", "d2lshim.bench", "--one", framework, "--repeats",
             str(args.repeats), "--batch-sizes", *map(str, args.batch_sizes)],
            check=True, capture_output=True, text=True)
        rows += json.loads(child.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"train_sgd with plain SGD: medians of {args.repeats} runs after one warm-up run")
    print(f"{'framework':<11}{'batch':>6}{'lr':>7}{'epochs':>7}{'sec/epoch':>11}"
          f"{'train s':>9}{'whole s':>9}{'whole/train':>13}{'loss':>7}")
    for r in rows:
        print(f"{r['framework']:<11}{r['batch_size']:>6}{r['lr']:>7}{r['epochs']:>7}"
              f"{r['sec_per_epoch']:>11.4f}{r['train_sec']:>9.3f}{r['wall_sec']:>9.3f}"
              f"{r['wall_sec'] / r['train_sec']:>13.2f}{r['final_loss']:>7.3f}")


if __name__ == "__main__":
    main()
