"""A small, tested stand-in for the parts of the ``d2l`` package that the
chapter on minibatch stochastic gradient descent needs.

Import the module of the framework you use, exactly as you would import d2l::

    from d2lshim import torch as d2l        # PyTorch
    from d2lshim import mxnet as d2l        # MXNet (sets numpy.bool for you)
    from d2lshim import tensorflow as d2l   # TensorFlow
    from d2lshim import jax as d2l          # JAX

Importing the package itself imports no framework.
"""

#: The framework modules, one per framework (the book lists its frameworks
#: in its _config.yml, each naming one of these).
__all__ = ["mxnet", "torch", "tensorflow", "jax"]
