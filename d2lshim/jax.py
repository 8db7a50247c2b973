"""d2lshim for JAX: ``from d2lshim import jax as d2l``.

Written the way JAX is used: parameters are a pytree (a tuple of arrays)
that an update step returns anew instead of changing in place; the update
step is compiled with ``jax.jit``; randomness comes from explicit PRNG keys,
which :func:`next_key` hands out from the key :func:`set_seed` made (so a
seed makes runs repeat); and because JAX dispatches work asynchronously, a
timer stops only after ``jax.block_until_ready``.
"""

import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from ._common import *  # noqa: F401,F403
from ._common import (check_batch_size, check_same_length,
                      remember_whole_dataset, whole_dataset_from,
                      seed_python_and_numpy)

# The functions below are printed in the chapter exactly as written here, and
# there they call the library as ``d2l.…``; this name makes that work here too.
d2l = sys.modules[__name__]

# Unseeded, every process starts from a different key, as the other
# frameworks' global generators do.
_key = jax.random.key(int.from_bytes(os.urandom(4), "little"))


def set_seed(seed):
    """Seed Python and NumPy, and make the key :func:`next_key` splits from."""
    global _key
    seed_python_and_numpy(seed)
    _key = jax.random.key(seed)


def next_key():
    """A new PRNG key, split off the current one (JAX never reuses a key)."""
    global _key
    _key, key = jax.random.split(_key)
    return key


class _Minibatches:
    """Minibatches of ``(features, labels)``, reshuffled on every pass.

    The examples stay NumPy arrays, as in JAX's own data-loading examples:
    slicing them costs no dispatch, and a jitted step takes them as they are.
    """

    def __init__(self, features, labels, batch_size, shuffle):
        self.features, self.labels = features, labels
        self.batch_size, self.shuffle = batch_size, shuffle

    def __len__(self):
        return -(-len(self.features) // self.batch_size)

    def __iter__(self):
        features, labels = self.features, self.labels
        if self.shuffle:
            # One permutation per epoch, drawn from a fresh key by a NumPy
            # generator (jax.random.permutation, unjitted, took 4-6 ms per
            # call on a 2-core CPU: more than an epoch of jitted updates),
            # then cheap slices.
            rng = np.random.default_rng(np.asarray(jax.random.key_data(next_key())))
            order = rng.permutation(len(features))
            features, labels = features[order], labels[order]
        for i in range(0, len(features), self.batch_size):
            yield features[i:i + self.batch_size], labels[i:i + self.batch_size]


def load_array(data_arrays, batch_size, is_train=True):
    """An iterable over ``(features, labels)`` that yields minibatches.

    With ``is_train`` every epoch visits the examples in a fresh random
    order (a full permutation from a new :func:`next_key`); the last batch
    may be smaller.  ``len()`` is the number of batches per epoch.
    """
    # arrays keep their dtype; Python lists get JAX's (float32 for numbers)
    features, labels = (np.asarray(a if hasattr(a, "dtype") else jnp.asarray(a))
                        for a in data_arrays)
    check_same_length(features, labels)
    batch_size = check_batch_size(batch_size)
    batches = _Minibatches(features, labels, batch_size, shuffle=is_train)
    return remember_whole_dataset(batches, features, labels)


def whole_dataset(data_iter):
    """All examples behind ``data_iter`` as one ``(features, labels)`` pair."""
    return whole_dataset_from(data_iter, np.concatenate)


def numpy(x):
    """An array as a NumPy array (d2l's ``d2l.numpy``)."""
    return np.asarray(x)


def linreg(X, w, b):
    """The linear regression model ``Xw + b``."""
    return jnp.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss ``(y_hat - y)**2 / 2`` per example; ``y`` takes ``y_hat``'s shape."""
    # Shapes are static in JAX: this check costs nothing, also under jit.
    if y.size != y_hat.size:
        raise ValueError(f"squared_loss(): y_hat has shape {tuple(y_hat.shape)} but y has "
                         f"shape {tuple(y.shape)}; they must hold one value per example")
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


def sgd(params, grads, states, hyperparams):
    # 函数式的更新：返回新参数（和不变的状态），不修改传入的数组
    new_params = tuple(p - hyperparams['lr'] * g for p, g in zip(params, grads))
    return new_params, states


def get_data_ch11(batch_size=10, n=1500):
    # 读入数据，把每一列（5 个特征和标签）标准化为均值 0、方差 1
    data = np.genfromtxt(d2l.download('airfoil'),
                         dtype=np.float32, delimiter='\t')
    data = (data - data.mean(axis=0)) / data.std(axis=0)
    data_iter = d2l.load_array((data[:n, :-1], data[:n, -1]),
                               batch_size, is_train=True)
    return data_iter, data.shape[1] - 1


def train_ch11(trainer_fn, states, hyperparams, data_iter,
               feature_dim, num_epochs=2, init_params=None):
    # 初始化模型参数 (w, b)：一个 pytree；init_params=(w, b) 可指定初值（NumPy 数组）
    if init_params is None:
        w = 0.01 * jax.random.normal(d2l.next_key(), (feature_dim, 1))
        b = jnp.zeros(1)
    else:
        w, b = (jnp.asarray(p, dtype=jnp.float32) for p in init_params)
    params = (w, b)

    def mean_loss(params, X, y):
        return d2l.squared_loss(d2l.linreg(X, *params), y).mean()

    # 一次更新编译成一个函数：求梯度，再由 trainer_fn 返回新参数和新状态
    @jax.jit
    def update(params, states, hyperparams, X, y):
        grads = jax.grad(mean_loss)(params, X, y)
        return trainer_fn(params, grads, states, hyperparams)

    net, loss = lambda X: d2l.linreg(X, *params), d2l.squared_loss
    # 评估时一次向量化地计算整个数据集上的损失
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 先在一个小批量上编译 update（结果丢弃），编译时间不计入训练时间
    timer = d2l.Timer()
    X, y = next(iter(data_iter))
    jax.block_until_ready(update(params, states, hyperparams, X, y))
    prepared = ('compiled', timer.stop())
    # 训练；monitor 负责计时（不含评估）、记录和绘制损失；
    # JAX 异步执行，停表前要等计算真正完成
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams,
                               sync=lambda: jax.block_until_ready(params), prepared=prepared)
    for _ in range(num_epochs):
        for X, y in data_iter:
            params, states = update(params, states, hyperparams, X, y)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)], loss))
    return monitor.finish()


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=2):
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 初始化模型参数：Flax 的线性层，再拆成结构 graphdef 和参数 params
    model = nnx.Linear(X_all.shape[1], 1, rngs=nnx.Rngs(d2l.next_key()),
                       kernel_init=nnx.initializers.normal(0.01),
                       bias_init=nnx.initializers.zeros)
    graphdef, params = nnx.split(model)
    optimizer = trainer_fn(**hyperparams)  # 例如 optax.sgd(learning_rate=...)
    opt_state = optimizer.init(params)

    def mean_loss(params, X, y):
        # optax.l2_loss 即 (y_hat - y)**2 / 2，与 d2l.squared_loss 的目标函数相同
        out = nnx.merge(graphdef, params)(X)
        return optax.l2_loss(out, y.reshape(out.shape)).mean()

    @jax.jit
    def update(params, opt_state, X, y):
        grads = jax.grad(mean_loss)(params, X, y)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state

    net = lambda X: nnx.merge(graphdef, params)(X)  # noqa: E731
    timer = d2l.Timer()
    X, y = next(iter(data_iter))  # 先编译（结果丢弃），理由同 train_ch11
    jax.block_until_ready(update(params, opt_state, X, y))
    prepared = ('compiled', timer.stop())
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams,
                               sync=lambda: jax.block_until_ready(params), prepared=prepared)
    for _ in range(num_epochs):
        for X, y in data_iter:
            params, opt_state = update(params, opt_state, X, y)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)],
                                                 d2l.squared_loss))
    return monitor.finish()
