"""Shared fixtures: the three d2lshim modules and the Airfoil data cache."""

import importlib
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FRAMEWORKS = ("mxnet", "torch", "tensorflow")
AIRFOIL_MIRROR = ROOT.parent / "shared" / "data" / "airfoil_self_noise.dat"

# Before any framework is imported by a test module.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def pytest_configure(config):
    """Seed d2lshim's default data cache (the one the book build and readers use)."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from seed_data import seed
    if AIRFOIL_MIRROR.exists():
        seed(AIRFOIL_MIRROR.parent)


@pytest.fixture(params=FRAMEWORKS)
def d2l(request):
    """Each d2lshim framework module in turn."""
    return importlib.import_module(f"d2lshim.{request.param}")

