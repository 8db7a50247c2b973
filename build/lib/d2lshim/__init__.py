"""A small, tested stand-in for the parts of the ``d2l`` package that the
chapter on minibatch stochastic gradient descent needs.

Import the module of the framework you use, exactly as you would import d2l::

    from d2lshim import torch as d2l        # PyTorch
    from d2lshim import mxnet as d2l        # MXNet (sets numpy.bool for you)
    from d2lshim import tensorflow as d2l   # TensorFlow

Importing the package itself imports no framework.
"""

__all__ = ["mxnet", "torch", "tensorflow"]
