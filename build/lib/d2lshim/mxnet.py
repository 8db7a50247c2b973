"""d2lshim for MXNet: ``from d2lshim import mxnet as d2l``.

MXNet 1.9.1 still uses ``numpy.bool``, an alias that NumPy 1.24 removed;
this module restores the alias before importing MXNet, so import it before
``mxnet`` itself.
"""

import sys

import numpy as onp

if "bool" not in onp.__dict__:
    onp.bool = bool  # MXNet 1.9.1 reads numpy.bool when it is imported

from mxnet import autograd, gluon, init, np, npx  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

from ._common import *  # noqa: F401,F403,E402
from ._common import (check_batch_size, check_same_length,  # noqa: E402
                      remember_whole_dataset, whole_dataset_from,
                      seed_python_and_numpy)

npx.set_np()

# The functions below are printed in the chapter exactly as written here, and
# there they call the library as ``d2l.…``; this name makes that work here too.
d2l = sys.modules[__name__]


def set_seed(seed):
    """Seed Python, NumPy and MXNet so that initial weights and shuffling repeat."""
    import mxnet
    seed_python_and_numpy(seed)
    mxnet.random.seed(seed)


class _Minibatches(gluon.data.Dataset):
    """Item ``k`` of this data set is minibatch ``k`` of the current epoch."""

    def __init__(self, features, labels, batch_size, shuffle):
        self.features, self.labels = features, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.reshuffle()

    def reshuffle(self):
        # One gather per epoch, then every minibatch is a cheap slice.
        if self.shuffle:
            order = np.array(onp.random.permutation(len(self.features)), dtype='int64')
            self._epoch = (np.take(self.features, order, axis=0),
                           np.take(self.labels, order, axis=0))
        else:
            self._epoch = (self.features, self.labels)

    def __len__(self):
        return -(-len(self.features) // self.batch_size)

    def __getitem__(self, k):
        start = k * self.batch_size
        X, y = self._epoch
        return X[start:start + self.batch_size], y[start:start + self.batch_size]


class _EpochSampler(gluon.data.Sampler):
    """Ask for minibatches 0, 1, …, reshuffling the data set before each epoch."""

    def __init__(self, minibatches):
        self.minibatches = minibatches

    def __iter__(self):
        self.minibatches.reshuffle()
        return iter(range(len(self.minibatches)))

    def __len__(self):
        return len(self.minibatches)


def load_array(data_arrays, batch_size, is_train=True):
    """A gluon ``DataLoader`` over ``(features, labels)`` that yields minibatches.

    With ``is_train`` every epoch visits the examples in a fresh random
    order (a full permutation); the last batch may be smaller.  ``len()``
    is the number of batches per epoch.
    """
    features, labels = (np.array(a, dtype=a.dtype if hasattr(a, 'dtype') else 'float32')
                        for a in data_arrays)
    check_same_length(features, labels)
    batch_size = check_batch_size(batch_size)
    minibatches = _Minibatches(features, labels, batch_size, shuffle=is_train)
    loader = gluon.data.DataLoader(
        minibatches, batch_sampler=gluon.data.BatchSampler(_EpochSampler(minibatches), 1),
        batchify_fn=lambda batch: batch[0])
    return remember_whole_dataset(loader, features, labels)


def whole_dataset(data_iter):
    """All examples behind ``data_iter`` as one ``(features, labels)`` pair."""
    return whole_dataset_from(data_iter, np.concatenate)


def numpy(x):
    """A tensor as a NumPy array (d2l's ``d2l.numpy``)."""
    return x.asnumpy()


def linreg(X, w, b):
    """The linear regression model ``Xw + b``."""
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss ``(y_hat - y)**2 / 2`` per example; ``y`` takes ``y_hat``'s shape."""
    if y.size != y_hat.size:
        raise ValueError(f"squared_loss(): y_hat has shape {y_hat.shape} but y has "
                         f"shape {y.shape}; they must hold one value per example")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    """Mean loss over all examples of ``data_iter`` (exact with a short last batch).

    ``loss`` may return one value per example or the batch mean.
    """
    total, count = 0.0, 0
    for X, y in data_iter:
        l = loss(net(X), y)
        n = len(X)
        total += float(l.sum()) if l.size == n else float(l.mean()) * n
        count += n
    return total / count


def sgd(params, states, hyperparams):
    for p in params:
        p -= hyperparams['lr'] * p.grad  # 原地更新，p 仍保留其梯度缓冲区


def get_data_ch11(batch_size=10, n=1500):
    # 读入数据，把每一列（5 个特征和标签）标准化为均值 0、方差 1
    data = onp.genfromtxt(d2l.download('airfoil'),
                          dtype=onp.float32, delimiter='\t')
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    data_iter = d2l.load_array((data[:n, :-1], data[:n, -1]),
                               batch_size, is_train=True)
    return data_iter, data.shape[1] - 1


def train_ch11(trainer_fn, states, hyperparams, data_iter,
               feature_dim, num_epochs=2, init_params=None):
    # 初始化模型参数；init_params=(w, b) 可指定初值（NumPy 数组）
    if init_params is None:
        w = np.random.normal(scale=0.01, size=(feature_dim, 1))
        b = np.zeros(1)
    else:
        w, b = (np.array(p, dtype='float32') for p in init_params)
    w.attach_grad()
    b.attach_grad()
    net, loss = lambda X: d2l.linreg(X, w, b), d2l.squared_loss
    # 评估时一次向量化地计算整个数据集上的损失
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 训练；MXNet 异步执行，停表前先用 npx.waitall 等待计算完成
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams,
                               sync=npx.waitall)
    for _ in range(num_epochs):
        for X, y in data_iter:
            with autograd.record():
                l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)], loss))
    return monitor.finish()


def train_concise_ch11(tr_name, hyperparams, data_iter, num_epochs=2):
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 初始化模型参数
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    trainer = gluon.Trainer(net.collect_params(), tr_name, hyperparams)
    # L2Loss 即 (y_hat - y)**2 / 2，与 d2l.squared_loss 相同
    loss = gluon.loss.L2Loss()
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams,
                               sync=npx.waitall)
    for _ in range(num_epochs):
        for X, y in data_iter:
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            trainer.step(X.shape[0])
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)],
                                                 d2l.squared_loss))
    return monitor.finish()
