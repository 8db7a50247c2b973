"""Shared fixtures: the three d2lshim modules and the Airfoil data cache."""

import importlib
import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FRAMEWORKS = ("mxnet", "torch", "tensorflow")
AIRFOIL_MIRROR = ROOT.parent / "shared" / "data" / "airfoil_self_noise.dat"

# Before any framework is imported by a test module.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def pytest_configure(config):
    """Point the data cache at _build/data (as the Makefile does) and seed it."""
    cache = pathlib.Path(os.environ.setdefault("D2LSHIM_DATA_DIR", str(ROOT / "_build" / "data")))
    target = cache / AIRFOIL_MIRROR.name
    if not target.exists() and AIRFOIL_MIRROR.exists():
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(AIRFOIL_MIRROR, target.with_suffix(".tmp"))
        os.replace(target.with_suffix(".tmp"), target)


@pytest.fixture(params=FRAMEWORKS)
def d2l(request):
    """Each d2lshim framework module in turn."""
    return importlib.import_module(f"d2lshim.{request.param}")

