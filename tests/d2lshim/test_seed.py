"""set_seed seeds Python's random, NumPy's global generator and the framework's."""

import random

import numpy as np


def framework_draw(d2l):
    """Four numbers from the framework's own random generator (JAX: from
    the next key d2lshim hands out)."""
    framework = d2l.__name__.split(".")[-1]
    if framework == "torch":
        return d2l.torch.rand(4).tolist()
    if framework == "mxnet":
        return d2l.np.random.uniform(size=4).asnumpy().tolist()
    if framework == "jax":
        return d2l.jax.random.uniform(d2l.next_key(), (4,)).tolist()
    return d2l.tf.random.uniform((4,)).numpy().tolist()


def draws(d2l):
    return {"python": random.random(), "numpy": float(np.random.rand()),
            "framework": framework_draw(d2l)}


def test_set_seed_repeats_every_generator(d2l):
    d2l.set_seed(7)
    first = draws(d2l)
    d2l.set_seed(7)
    assert draws(d2l) == first


def test_another_seed_gives_other_numbers(d2l):
    d2l.set_seed(7)
    first = draws(d2l)
    d2l.set_seed(8)
    other = draws(d2l)
    assert [name for name in first if first[name] == other[name]] == []


def test_seed_is_the_one_asked_for(d2l):
    """set_seed(s) seeds Python and NumPy with s itself, as random.seed(s) and
    np.random.seed(s) would."""
    d2l.set_seed(12)
    python, numpy = random.random(), float(np.random.rand())
    random.seed(12)
    np.random.seed(12)
    assert (python, numpy) == (random.random(), float(np.random.rand()))
