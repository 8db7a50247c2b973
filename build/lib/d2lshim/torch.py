"""d2lshim for PyTorch: ``from d2lshim import torch as d2l``."""

import sys

import numpy as np
import torch
from torch import nn
from torch.utils import data

from ._common import *  # noqa: F401,F403
from ._common import (check_batch_size, check_same_length,
                      remember_whole_dataset, whole_dataset_from,
                      seed_python_and_numpy)

# The functions below are printed in the chapter exactly as written here, and
# there they call the library as ``d2l.…``; this name makes that work here too.
d2l = sys.modules[__name__]


def set_seed(seed):
    """Seed Python, NumPy and PyTorch so that initial weights and shuffling repeat."""
    seed_python_and_numpy(seed)
    torch.manual_seed(seed)


class _Minibatches(data.IterableDataset):
    """Minibatches of ``(features, labels)``, reshuffled on every pass."""

    def __init__(self, features, labels, batch_size, shuffle):
        self.features, self.labels = features, labels
        self.batch_size, self.shuffle = batch_size, shuffle

    def __len__(self):
        return -(-len(self.features) // self.batch_size)

    def __iter__(self):
        features, labels = self.features, self.labels
        if self.shuffle:
            # One gather per epoch, then every minibatch is a cheap slice:
            # the same batches as indexing example by example, with far
            # less Python work per batch.
            order = torch.randperm(len(features))
            features, labels = features[order], labels[order]
        for i in range(0, len(features), self.batch_size):
            yield features[i:i + self.batch_size], labels[i:i + self.batch_size]


def load_array(data_arrays, batch_size, is_train=True):
    """A ``DataLoader`` over ``(features, labels)`` that yields minibatches.

    With ``is_train`` every epoch visits the examples in a fresh random
    order (a full permutation); the last batch may be smaller.  ``len()``
    is the number of batches per epoch.
    """
    features, labels = (torch.as_tensor(a) for a in data_arrays)
    check_same_length(features, labels)
    batch_size = check_batch_size(batch_size)
    batches = _Minibatches(features, labels, batch_size, shuffle=is_train)
    loader = data.DataLoader(batches, batch_size=None)
    return remember_whole_dataset(loader, features, labels)


def whole_dataset(data_iter):
    """All examples behind ``data_iter`` as one ``(features, labels)`` pair."""
    return whole_dataset_from(data_iter, torch.cat)


def numpy(x):
    """A tensor as a NumPy array (d2l's ``d2l.numpy``)."""
    return x.detach().cpu().numpy()


def linreg(X, w, b):
    """The linear regression model ``Xw + b``."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss ``(y_hat - y)**2 / 2`` per example; ``y`` takes ``y_hat``'s shape."""
    if y.numel() != y_hat.numel():
        raise ValueError(f"squared_loss(): y_hat has shape {tuple(y_hat.shape)} but y has "
                         f"shape {tuple(y.shape)}; they must hold one value per example")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    """Mean loss over all examples of ``data_iter`` (exact with a short last batch).

    ``loss`` may return one value per example or the batch mean.
    """
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            l = loss(net(X), y)
            n = len(X)
            total += float(l.sum()) if l.numel() == n else float(l.mean()) * n
            count += n
    return total / count


def sgd(params, states, hyperparams):
    with torch.no_grad():
        for p in params:
            p -= hyperparams['lr'] * p.grad
            p.grad = None  # 下一次 backward() 直接写入新梯度，而不是累加到旧梯度上


def get_data_ch11(batch_size=10, n=1500):
    # 读入数据，把每一列（5 个特征和标签）标准化为均值 0、方差 1
    data = np.genfromtxt(d2l.download('airfoil'),
                         dtype=np.float32, delimiter='\t')
    data = torch.from_numpy((data - data.mean(axis=0)) / data.std(axis=0))
    data_iter = d2l.load_array((data[:n, :-1], data[:n, -1]),
                               batch_size, is_train=True)
    return data_iter, data.shape[1] - 1


def train_ch11(trainer_fn, states, hyperparams, data_iter,
               feature_dim, num_epochs=2, init_params=None):
    # 初始化模型参数；init_params=(w, b) 可指定初值（NumPy 数组）
    if init_params is None:
        w = torch.normal(0.0, 0.01, size=(feature_dim, 1))
        b = torch.zeros(1)
    else:
        w, b = (torch.tensor(p, dtype=torch.float32) for p in init_params)
    w.requires_grad_(True)
    b.requires_grad_(True)
    net, loss = lambda X: d2l.linreg(X, w, b), d2l.squared_loss
    # 评估时一次向量化地计算整个数据集上的损失
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 训练；monitor 负责计时（不含评估）、记录和绘制损失
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams)
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)], loss))
    return monitor.finish()


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=2):
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 初始化模型参数
    net = nn.Sequential(nn.Linear(X_all.shape[1], 1))
    nn.init.normal_(net[0].weight, std=0.01)
    nn.init.zeros_(net[0].bias)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    # MSELoss 没有 1/2 因子，除以 2 后与 d2l.squared_loss 的目标函数相同
    loss = nn.MSELoss()
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams)
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            l = loss(out, y.reshape(out.shape)) / 2
            l.backward()
            optimizer.step()
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)],
                                                 d2l.squared_loss))
    return monitor.finish()
