"""Shared set-up: the Airfoil data cache, and the framework under test.

The book's tests run in the book environment (``.venv``, no framework);
d2lshim's own tests (``tests/d2lshim``) run once in each framework's
environment, with ``--framework-module`` naming the module under test
(``python tools/environments.py pytest`` does both, as ``make test``).
"""

import importlib
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
AIRFOIL_MIRROR = ROOT.parent / "shared" / "data" / "airfoil_self_noise.dat"
D2LSHIM_TESTS = pathlib.Path(__file__).resolve().parent / "d2lshim"

from d2lshim._environment import TENSORFLOW_QUIET

# Before any framework is imported by a test module.
for name, value in TENSORFLOW_QUIET.items():
    os.environ.setdefault(name, value)


def pytest_addoption(parser):
    parser.addoption("--framework-module", metavar="MODULE",
                     help="the d2lshim module that tests/d2lshim checks, e.g. d2lshim.torch "
                          "(run in that framework's environment)")


def pytest_ignore_collect(collection_path, config):
    """Without a framework, d2lshim's tests are not collected: they run in the
    framework environments (python tools/environments.py pytest)."""
    if not config.getoption("framework_module") and D2LSHIM_TESTS in (collection_path, *collection_path.parents):
        return True
    return None


def pytest_configure(config):
    """Seed d2lshim's default data cache (the one the book build and readers use)."""
    from seed_data import seed   # tools/ (pytest's pythonpath, pyproject.toml)
    if AIRFOIL_MIRROR.exists():
        seed(AIRFOIL_MIRROR.parent)


@pytest.fixture(scope="session")
def d2l(request):
    """The d2lshim framework module under test (``--framework-module``)."""
    return importlib.import_module(request.config.getoption("framework_module"))
