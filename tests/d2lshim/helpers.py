"""Small helpers for the tests."""

import numpy as np


def to_numpy(x):
    """A framework tensor (or anything array-like) as a NumPy array."""
    if hasattr(x, "asnumpy"):      # MXNet
        return x.asnumpy()
    if hasattr(x, "detach"):       # PyTorch
        return x.detach().numpy()
    if hasattr(x, "numpy"):        # TensorFlow
        return x.numpy()
    return np.asarray(x)
