"""linreg, squared_loss and evaluate_loss against NumPy."""

import numpy as np
import pytest

from helpers import to_numpy

rng = np.random.default_rng(0)
X = rng.normal(size=(13, 5)).astype(np.float32)
w = rng.normal(size=(5, 1)).astype(np.float32)
b = np.float32(0.3)
y = rng.normal(size=13).astype(np.float32)


def tensors(d2l):
    """X, w, b, y as framework arrays, through load_array's own conversion."""
    Xt, yt = d2l.whole_dataset(d2l.load_array((X, y), 13, is_train=False))
    wt, bt = d2l.whole_dataset(d2l.load_array((w, np.full((5,), b, np.float32)), 5))
    return Xt, wt, bt[:1], yt


def test_linreg(d2l):
    Xt, wt, bt, _ = tensors(d2l)
    np.testing.assert_allclose(to_numpy(d2l.linreg(Xt, wt, bt)), X @ w + b, rtol=1e-5)


def test_squared_loss_reshapes_y(d2l):
    Xt, wt, bt, yt = tensors(d2l)
    y_hat = d2l.linreg(Xt, wt, bt)                 # shape (13, 1); y has shape (13,)
    loss = to_numpy(d2l.squared_loss(y_hat, yt))
    assert loss.shape == (13, 1)
    np.testing.assert_allclose(loss, (X @ w + b - y.reshape(-1, 1)) ** 2 / 2, rtol=1e-5)


def test_squared_loss_rejects_wrong_shapes(d2l):
    Xt, wt, bt, yt = tensors(d2l)
    with pytest.raises(ValueError, match="one value per example"):
        d2l.squared_loss(d2l.linreg(Xt, wt, bt), yt[:5])


@pytest.mark.parametrize("batch_size", [1, 4, 13])
def test_evaluate_loss_is_exact_mean(d2l, batch_size):
    """Mean over examples, also when the last batch is short (13 = 4+4+4+1)."""
    Xt, wt, bt, _ = tensors(d2l)
    data_iter = d2l.load_array((X, y), batch_size)
    net = lambda features: d2l.linreg(features, wt, bt)  # noqa: E731
    expected = np.mean((X @ w + b - y.reshape(-1, 1)) ** 2 / 2)
    assert d2l.evaluate_loss(net, data_iter, d2l.squared_loss) == pytest.approx(expected, rel=1e-5)


def test_evaluate_loss_accepts_a_mean_loss(d2l):
    """A loss returning the batch mean (like MSELoss) is weighted by batch size."""
    Xt, wt, bt, _ = tensors(d2l)
    data_iter = d2l.load_array((X, y), 4)
    net = lambda features: d2l.linreg(features, wt, bt)  # noqa: E731

    def mean_loss(y_hat, labels):
        per_example = d2l.squared_loss(y_hat, labels)
        if hasattr(per_example, "mean"):
            return per_example.mean()
        return d2l.tf.reduce_mean(per_example)   # TensorFlow tensors have no .mean()

    expected = np.mean((X @ w + b - y.reshape(-1, 1)) ** 2 / 2)
    assert d2l.evaluate_loss(net, data_iter, mean_loss) == pytest.approx(expected, rel=1e-5)


def test_whole_dataset_of_a_plain_list(d2l):
    """whole_dataset also works for iterables load_array did not make."""
    Xt, _, _, yt = tensors(d2l)
    X_all, y_all = d2l.whole_dataset([(Xt[:6], yt[:6]), (Xt[6:], yt[6:])])
    np.testing.assert_array_equal(to_numpy(X_all), X)
    np.testing.assert_array_equal(to_numpy(y_all), y)
