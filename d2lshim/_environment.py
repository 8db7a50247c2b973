"""Environment variables d2lshim sets for a framework before it is imported.

One list for everyone who starts a framework: ``d2lshim.tensorflow`` sets
them (unless already set) before it imports TensorFlow, the book's kernels
start with them (``pipeline/execute.py``), and so do the test runs
(``tests/conftest.py``, ``tools/mutation.py``).  This module imports nothing,
so that tools without the framework can read it.
"""

#: TensorFlow's start-up messages, which are not about the reader's code and
#: would fill the first output of every notebook: C++ INFO and WARNING lines
#: (``TF_CPP_MIN_LOG_LEVEL``) and the oneDNN notice (``TF_ENABLE_ONEDNN_OPTS``).
TENSORFLOW_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}
