"""d2lshim for TensorFlow: ``from d2lshim import tensorflow as d2l``.

Import it before ``tensorflow``: it silences TensorFlow's start-up log
messages (not its warnings about your code), which would otherwise fill the
output of the first cell of every notebook.
"""

import os
import sys

from ._environment import TENSORFLOW_QUIET

for _name, _value in TENSORFLOW_QUIET.items():
    os.environ.setdefault(_name, _value)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from ._common import *  # noqa: F401,F403,E402
from ._common import (check_batch_size, check_same_length,  # noqa: E402
                      remember_whole_dataset, whole_dataset_from,
                      seed_python_and_numpy)

# The functions below are printed in the chapter exactly as written here, and
# there they call the library as ``d2l.…``; this name makes that work here too.
d2l = sys.modules[__name__]


def set_seed(seed):
    """Seed Python, NumPy and TensorFlow so that initial weights and shuffling repeat."""
    seed_python_and_numpy(seed)
    tf.random.set_seed(seed)


def load_array(data_arrays, batch_size, is_train=True):
    """A ``tf.data.Dataset`` over ``(features, labels)`` that yields minibatches.

    With ``is_train`` every epoch visits the examples in a fresh random
    order: the shuffle buffer holds the whole data set, so each epoch is a
    full permutation (d2l's buffer of 1000 examples is not).  The last batch
    may be smaller.  ``len()`` is the number of batches per epoch.
    """
    features, labels = (tf.convert_to_tensor(a) for a in data_arrays)
    check_same_length(features, labels)
    batch_size = check_batch_size(batch_size)
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    if is_train:
        dataset = dataset.shuffle(buffer_size=len(features), reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    return remember_whole_dataset(dataset, features, labels)


def whole_dataset(data_iter):
    """All examples behind ``data_iter`` as one ``(features, labels)`` pair."""
    return whole_dataset_from(data_iter, lambda parts: tf.concat(parts, 0))


def numpy(x):
    """A tensor as a NumPy array (d2l's ``d2l.numpy``)."""
    return x.numpy()


def linreg(X, w, b):
    """The linear regression model ``Xw + b``."""
    return tf.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss ``(y_hat - y)**2 / 2`` per example; ``y`` takes ``y_hat``'s shape."""
    # Static shapes only: this check costs nothing, also inside a tf.function.
    n, m = y.shape.num_elements(), y_hat.shape.num_elements()
    if n is not None and m is not None and n != m:
        raise ValueError(f"squared_loss(): y_hat has shape {tuple(y_hat.shape)} but y has "
                         f"shape {tuple(y.shape)}; they must hold one value per example")
    return (y_hat - tf.reshape(y, tf.shape(y_hat))) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    """Mean loss over all examples of ``data_iter`` (exact with a short last batch).

    ``loss`` may return one value per example or the batch mean.
    """
    total, count = 0.0, 0
    for X, y in data_iter:
        l = loss(net(X), y)
        n = len(X)
        total += (float(tf.reduce_sum(l)) if l.shape.num_elements() == n
                  else float(tf.reduce_mean(l)) * n)
        count += n
    return total / count


def sgd(params, grads, states, hyperparams):
    for param, grad in zip(params, grads):
        param.assign_sub(hyperparams['lr'] * grad)


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
    # 初始化模型参数；init_params=(w, b) 可指定初值（NumPy 数组）
    if init_params is None:
        w = tf.Variable(tf.random.normal((feature_dim, 1), stddev=0.01))
        b = tf.Variable(tf.zeros(1))
    else:
        w, b = (tf.Variable(tf.constant(p, dtype=tf.float32)) for p in init_params)
    net, loss = lambda X: d2l.linreg(X, w, b), d2l.squared_loss

    # 把前向和求梯度编译成计算图：逐个运算的 Python 调度开销是小批量上的主要成本
    @tf.function(reduce_retracing=True)
    def gradients(X, y):
        with tf.GradientTape() as g:
            l = tf.reduce_mean(loss(net(X), y))
        return g.gradient(l, [w, b])

    # 评估时一次向量化地计算整个数据集上的损失
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 开始计时之前先在一个小批量上调用一次 gradients（只求梯度，不更新参数），
    # 构建好计算图；构建用时单独打印，不计入每轮用时
    timer = d2l.Timer()
    gradients(*next(iter(data_iter)))
    prepared = ('graph built', timer.stop())
    # 训练；monitor 负责计时（不含评估）、记录和绘制损失
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams, prepared=prepared)
    for _ in range(num_epochs):
        for X, y in data_iter:
            dw, db = gradients(X, y)
            trainer_fn([w, b], [dw, db], states, hyperparams)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)], loss))
    return monitor.finish()


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=2):
    X_all, y_all = d2l.whole_dataset(data_iter)
    # 初始化模型参数
    net = tf.keras.Sequential([tf.keras.layers.Dense(
        1, kernel_initializer=tf.random_normal_initializer(stddev=0.01))])
    optimizer = trainer_fn(**hyperparams)
    # MeanSquaredError 没有 1/2 因子，除以 2 后与 d2l.squared_loss 的目标函数相同
    loss = tf.keras.losses.MeanSquaredError()
    net.build((None, X_all.shape[1]))
    params = net.trainable_variables

    @tf.function(reduce_retracing=True)
    def train_step(X, y):  # 编译成计算图，理由同 train_ch11
        with tf.GradientTape() as g:
            out = net(X)
            l = loss(tf.reshape(y, tf.shape(out)), out) / 2
        optimizer.apply_gradients(zip(g.gradient(l, params), params))

    # 开始计时之前构建计算图：train_step 会更新参数，所以只构建、不运行
    timer = d2l.Timer()
    optimizer.build(params)
    train_step.get_concrete_function(*next(iter(data_iter)))
    prepared = ('graph built', timer.stop())
    monitor = d2l.TrainMonitor(num_epochs, len(X_all), hyperparams, prepared=prepared)
    for _ in range(num_epochs):
        for X, y in data_iter:
            train_step(X, y)
            if monitor.due(X.shape[0]):
                monitor.record(d2l.evaluate_loss(net, [(X_all, y_all)],
                                                 d2l.squared_loss))
    return monitor.finish()
