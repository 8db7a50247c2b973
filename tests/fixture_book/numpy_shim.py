"""The fixture's "d2lshim module" of its fourth framework, plain NumPy."""

import numpy as np


def ones(n):
    return np.ones(n)
