"""load_array: minibatches, shuffling, len(), bad input."""

import numpy as np
import pytest

from helpers import to_numpy

N = 23


def make_data():
    features = np.arange(N * 2, dtype=np.float32).reshape(N, 2)
    labels = features[:, 0] * 10   # label identifies its example
    return features, labels


def one_epoch(data_iter):
    Xs, ys = zip(*[(to_numpy(X), to_numpy(y)) for X, y in data_iter])
    return Xs, ys


@pytest.mark.parametrize("batch_size", [1, 5, 23, 50])
def test_every_example_once_per_epoch(d2l, batch_size):
    data_iter = d2l.load_array(make_data(), batch_size)
    expected_batches = -(-N // batch_size)
    assert len(data_iter) == expected_batches
    for _ in range(3):
        Xs, ys = one_epoch(data_iter)
        assert len(Xs) == expected_batches
        sizes = [len(X) for X in Xs]
        assert sizes[:-1] == [batch_size] * (expected_batches - 1)
        assert sizes[-1] == N - batch_size * (expected_batches - 1)
        X, y = np.concatenate(Xs), np.concatenate(ys)
        assert sorted(X[:, 0].tolist()) == sorted(make_data()[0][:, 0].tolist())
        np.testing.assert_array_equal(y, X[:, 0] * 10)   # pairs stay together


def test_order_changes_between_epochs(d2l):
    d2l.set_seed(1)
    data_iter = d2l.load_array(make_data(), 4)
    orders = {tuple(np.concatenate(one_epoch(data_iter)[1]).tolist()) for _ in range(4)}
    assert len(orders) == 4    # 4 epochs, 4 different permutations


def test_shuffle_is_a_full_permutation(d2l):
    """With is_train, the first example of an epoch can be any example.

    A 1000-element shuffle buffer (d2l's TensorFlow loader) could never put
    example 1500 first; a full permutation puts it there 1 time in 1600.
    """
    features = np.arange(1600, dtype=np.float32).reshape(-1, 1)
    d2l.set_seed(0)
    data_iter = d2l.load_array((features, features[:, 0]), 1600)
    firsts = [float(to_numpy(y)[0]) for _ in range(60) for _, y in data_iter]
    assert max(firsts) >= 1000


def test_not_shuffled_without_is_train(d2l):
    features, labels = make_data()
    data_iter = d2l.load_array((features, labels), 4, is_train=False)
    np.testing.assert_array_equal(np.concatenate(one_epoch(data_iter)[1]), labels)


def test_mismatched_lengths(d2l):
    features, labels = make_data()
    with pytest.raises(ValueError, match="same number of examples.*23 features and 22 labels"):
        d2l.load_array((features, labels[:-1]), 4)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10", None])
def test_bad_batch_size(d2l, bad):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        d2l.load_array(make_data(), bad)


def test_numpy_integer_batch_size(d2l):
    assert len(d2l.load_array(make_data(), np.int64(5))) == 5


def test_whole_dataset(d2l):
    features, labels = make_data()
    X, y = d2l.whole_dataset(d2l.load_array((features, labels), 4))
    np.testing.assert_array_equal(to_numpy(X), features)
    np.testing.assert_array_equal(to_numpy(y), labels)


def test_dtypes_are_kept_and_lists_become_float32(d2l):
    """NumPy arrays keep their dtype (float64 features, int64 labels); Python
    lists of numbers become float32, the frameworks' default."""
    features, labels = np.arange(6, dtype=np.float64).reshape(3, 2), np.arange(3)
    X, y = d2l.whole_dataset(d2l.load_array((features, labels), 2, is_train=False))
    assert (to_numpy(X).dtype, to_numpy(y).dtype) == (np.float64, np.int64)
    X, y = d2l.whole_dataset(d2l.load_array(([[0.5, 1.0], [1.5, 2.0]], [0.5, 1.5]), 2))
    assert (to_numpy(X).dtype, to_numpy(y).dtype) == (np.float32, np.float32)


def test_labels_of_shape_n_by_1(d2l):
    """d2l's synthetic_data makes labels of shape (n, 1): shuffled with their
    features, and batched with that shape."""
    features, labels = make_data()
    data_iter = d2l.load_array((features, labels.reshape(-1, 1)), 5)
    batches = [(to_numpy(X), to_numpy(y)) for X, y in data_iter]
    assert [y.shape for _, y in batches] == [(5, 1)] * 4 + [(3, 1)]
    X, y = np.concatenate([X for X, _ in batches]), np.concatenate([y for _, y in batches])
    np.testing.assert_array_equal(y[:, 0], X[:, 0] * 10)
    assert sorted(y[:, 0].tolist()) == sorted(labels.tolist())


def test_empty_data_set(d2l):
    empty = np.zeros((0, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=r"^load_array\(\) got an empty data set$"):
        d2l.load_array((empty, empty[:, 0]), 4)
    one = np.ones((1, 2), dtype=np.float32)
    assert len(d2l.load_array((one, one[:, 0]), 4)) == 1


def test_bad_batch_size_messages(d2l):
    with pytest.raises(ValueError) as error:
        d2l.load_array(make_data(), 2.5)
    assert str(error.value) == ("batch_size must be a positive integer, got 2.5 (float); "
                                "pass e.g. batch_size=10")
    with pytest.raises(ValueError) as error:
        d2l.load_array(make_data(), 0)
    assert str(error.value) == "batch_size must be a positive integer, got 0"
