"""get_data_ch11, train_ch11 and train_concise_ch11: what they promise besides
the loss they reach (that is test_training.py): the data, the defaults, the
initial weights, what reaches the trainer, the MXNet sync, d2l.numpy."""

import numpy as np
import pytest

from d2lshim import _data
from helpers import to_numpy


def framework_of(d2l):
    return d2l.__name__.split(".")[-1]


def airfoil_standardised():
    """The chapter's data, computed here with NumPy alone: every column of the
    whole file standardised, then the first 1500 rows."""
    raw = np.genfromtxt(_data.download("airfoil"), delimiter="\t")
    assert raw.shape == (1503, 6)
    return ((raw - raw.mean(axis=0)) / raw.std(axis=0))[:1500]


def concise_trainer(d2l, lr):
    """The framework's own SGD optimizer and its hyperparameters."""
    framework = framework_of(d2l)
    if framework == "mxnet":
        return "sgd", {"learning_rate": lr}
    if framework == "torch":
        return d2l.torch.optim.SGD, {"lr": lr}
    if framework == "jax":
        return d2l.optax.sgd, {"learning_rate": lr}
    return d2l.tf.keras.optimizers.SGD, {"learning_rate": lr}


def test_get_data_ch11_defaults(d2l):
    """Batches of 10 from the first 1500 examples, 5 features, all standardised."""
    data_iter, feature_dim = d2l.get_data_ch11()
    assert feature_dim == 5 and len(data_iter) == 150
    X, y = next(iter(data_iter))
    assert to_numpy(X).shape == (10, 5) and to_numpy(y).shape == (10,)
    X_all, y_all = (to_numpy(a) for a in d2l.whole_dataset(data_iter))
    assert (X_all.dtype, y_all.dtype) == (np.float32, np.float32)
    expected = airfoil_standardised()
    np.testing.assert_allclose(X_all, expected[:, :-1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y_all, expected[:, -1], rtol=1e-4, atol=1e-5)


def test_get_data_ch11_fewer_examples(d2l):
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=7, n=100)
    assert feature_dim == 5 and len(data_iter) == 15
    X_all, y_all = (to_numpy(a) for a in d2l.whole_dataset(data_iter))
    np.testing.assert_allclose(y_all, airfoil_standardised()[:100, -1], rtol=1e-4, atol=1e-5)


def test_the_data_is_reshuffled_every_epoch(d2l):
    d2l.set_seed(0)
    data_iter, _ = d2l.get_data_ch11(1500)
    first, second = (to_numpy(next(iter(data_iter))[1]) for _ in range(2))
    assert not np.array_equal(first, second)
    assert sorted(first.tolist()) == sorted(second.tolist())


def test_train_ch11_runs_two_epochs_by_default(d2l):
    data_iter, feature_dim = d2l.get_data_ch11(1500)
    times, losses = d2l.train_ch11(d2l.sgd, None, {"lr": 1}, data_iter, feature_dim)
    assert len(times) == len(losses) == 2          # full batch: one point per epoch


def test_train_concise_ch11_runs_two_epochs_by_default(d2l):
    data_iter, _ = d2l.get_data_ch11(1500)
    times, losses = d2l.train_concise_ch11(*concise_trainer(d2l, 1.0), data_iter)
    assert len(times) == len(losses) == 2


def test_states_and_hyperparams_reach_the_trainer(d2l):
    """Optimizers with state (momentum, Adam) get theirs on every step: here
    a trainer whose learning rate is the hyperparameter times a factor held
    in its state follows plain SGD at the product."""
    def trainer(*args):              # (params, [grads,] states, hyperparams)
        *params_and_grads, states, hyperparams = args
        return d2l.sgd(*params_and_grads, states, {"lr": hyperparams["lr"] * states["scale"]})

    data_iter, feature_dim = d2l.get_data_ch11(1500)
    init_params = (np.full((5, 1), 0.1, np.float32), np.float32([0.3]))
    scaled = d2l.train_ch11(trainer, {"scale": 0.25}, {"lr": 2.0}, data_iter, feature_dim, 3,
                            init_params=init_params)[1]
    plain = d2l.train_ch11(d2l.sgd, None, {"lr": 0.5}, data_iter, feature_dim, 3,
                           init_params=init_params)[1]
    np.testing.assert_allclose(scaled, plain, rtol=1e-5)


def half_mean_square(labels):
    return float(np.mean(labels ** 2) / 2)


def test_initial_weights_are_small_and_the_bias_zero(d2l):
    """With learning rate 0 the model stays as initialised: weights of
    standard deviation 0.01 and bias 0 predict about 0, so the loss is about
    half the mean square of the (standardised) labels, 0.5, whatever the seed
    (they differ by less than 0.02; weights of standard deviation 1 give more
    than 1)."""
    untrained = half_mean_square(airfoil_standardised()[:, -1])
    assert untrained == pytest.approx(0.5, abs=0.01)
    for seed in range(5):
        d2l.set_seed(seed)
        data_iter, feature_dim = d2l.get_data_ch11(500)
        _, losses = d2l.train_ch11(d2l.sgd, None, {"lr": 0.0}, data_iter, feature_dim, 1)
        assert losses == pytest.approx([untrained] * 3, abs=0.05), seed
        assert len(set(losses)) == 1


def test_concise_initial_weights_are_small_and_the_bias_zero(d2l):
    d2l.set_seed(0)
    data_iter, _ = d2l.get_data_ch11(500)
    _, losses = d2l.train_concise_ch11(*concise_trainer(d2l, 0.0), data_iter, num_epochs=1)
    untrained = half_mean_square(airfoil_standardised()[:, -1])
    assert losses == pytest.approx([untrained] * 3, abs=0.05)


def test_init_params_may_be_float64_arrays_or_lists(d2l):
    """The initial weights are converted to float32, whatever they come as."""
    data_iter, feature_dim = d2l.get_data_ch11(1500)
    w = np.linspace(-0.5, 0.5, 5).reshape(5, 1)
    as_float32 = (w.astype(np.float32), np.float32([0.2]))
    for init_params in [as_float32, (w, np.array([0.2])), (w.tolist(), [0.2])]:
        curve = d2l.train_ch11(d2l.sgd, None, {"lr": 1}, data_iter, feature_dim, 3,
                               init_params=init_params)[1]
        reference = d2l.train_ch11(d2l.sgd, None, {"lr": 1}, data_iter, feature_dim, 3,
                                   init_params=as_float32)[1]
        np.testing.assert_allclose(curve, reference, rtol=1e-5)


def test_concise_divergence_names_the_learning_rate(d2l):
    data_iter, _ = d2l.get_data_ch11(1500)
    with pytest.raises(FloatingPointError, match=r"learning rate 1000(\.0)? and batch size 1500"):
        d2l.train_concise_ch11(*concise_trainer(d2l, 1000.0), data_iter, num_epochs=40)


def test_asynchronous_work_is_waited_for_before_the_clock_stops(d2l, monkeypatch):
    """MXNet and JAX run operators asynchronously: both training functions
    wait for them (npx.waitall, jax.block_until_ready) before every
    measurement."""
    waits = []
    if framework_of(d2l) == "mxnet":
        module, name = d2l.npx, "waitall"
    elif framework_of(d2l) == "jax":
        module, name = d2l.jax, "block_until_ready"
    else:
        pytest.skip("PyTorch and TensorFlow (eager) compute before they return")
    wait = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args: waits.append(args) or wait(*args))
    data_iter, feature_dim = d2l.get_data_ch11(500)
    d2l.train_ch11(d2l.sgd, None, {"lr": 0.1}, data_iter, feature_dim, num_epochs=1)
    assert len(waits) >= 3
    assert all(waited_for_arrays(d2l, args) for args in waits)
    waits.clear()
    d2l.train_concise_ch11(*concise_trainer(d2l, 0.1), data_iter, num_epochs=1)
    assert len(waits) >= 3
    assert all(waited_for_arrays(d2l, args) for args in waits)


def waited_for_arrays(d2l, args):
    """npx.waitall() waits for everything; jax.block_until_ready(x) only for
    the arrays in x, so x must hold some (the parameters, an update's result)."""
    if framework_of(d2l) == "mxnet":
        return args == ()
    return len(d2l.jax.tree_util.tree_leaves(args)) > 0


def test_concise_with_an_optimizer_that_has_state(d2l):
    """SGD with momentum: the optimizer's state is made from the model's
    parameters and carried from step to step."""
    trainer, hyperparams = concise_trainer(d2l, 0.05)
    d2l.set_seed(0)
    data_iter, _ = d2l.get_data_ch11(100)
    _, losses = d2l.train_concise_ch11(trainer, dict(hyperparams, momentum=0.9), data_iter,
                                       num_epochs=2)
    assert len(losses) == 16 and losses[0] > 0.4 and 0.2 < losses[-1] < 0.26


def test_numpy_of_a_tensor(d2l):
    X, _ = d2l.whole_dataset(d2l.load_array((np.eye(3, dtype=np.float32), np.ones(3)), 3))
    array = d2l.numpy(X)
    assert isinstance(array, np.ndarray)
    np.testing.assert_array_equal(array, np.eye(3))


# What each framework does once before the clock starts, and prints apart:
# TensorFlow builds its graphs, JAX compiles; MXNet and PyTorch run eagerly.
PREPARED = {"tensorflow": "graph built", "jax": "compiled", "mxnet": None, "torch": None}


@pytest.mark.parametrize("train", ["train_ch11", "train_concise_ch11"])
def test_graph_building_or_compiling_is_printed_apart_from_the_epochs(d2l, train, capsys):
    data_iter, feature_dim = d2l.get_data_ch11(1500)
    if train == "train_ch11":
        d2l.train_ch11(d2l.sgd, None, {"lr": 1}, data_iter, feature_dim)
    else:
        d2l.train_concise_ch11(*concise_trainer(d2l, 1.0), data_iter)
    lines = capsys.readouterr().out.splitlines()
    what = PREPARED[framework_of(d2l)]
    assert lines[0].startswith("loss: ") and lines[0].endswith(" sec/epoch")
    if what is None:
        assert len(lines) == 1, lines
    else:
        assert len(lines) == 2 and lines[1].startswith(f"{what} in "), lines
        seconds = float(lines[1].split(" in ")[1].split(" s ")[0])
        assert seconds > 0
