"""The chapter source: the functions it defines are d2lshim's, to the letter."""

import ast
import functools
import json
import subprocess

import pytest

from book import CHAPTER, FRAMEWORKS, ROOT, SHIM_MODULE, source
from pipeline import environments

SHARED_WITH_D2LSHIM = ("sgd", "get_data_ch11", "train_ch11", "train_concise_ch11")


@functools.lru_cache(maxsize=None)
def library_sources(framework):
    """The source of d2lshim's functions, as the framework's own environment
    imports them (the book environment has no framework)."""
    probe = ("import importlib, inspect, json, sys; m = importlib.import_module(sys.argv[1]); "
             "print(json.dumps({n: inspect.getsource(getattr(m, n)) for n in sys.argv[2:]}))")
    done = subprocess.run([str(environments.python(ROOT, FRAMEWORKS.get(framework))), "-c", probe,
                           f"d2lshim.{SHIM_MODULE[framework]}", *SHARED_WITH_D2LSHIM],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def page_definitions(framework):
    nb = source.read(CHAPTER.read_text(encoding="utf-8"))
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or FRAMEWORKS.of_cell(cell) != FRAMEWORKS.get(framework):
            continue
        code = "\n".join(l for l in cell.source.splitlines() if not l.startswith("%"))
        for node in ast.parse(code).body:
            if isinstance(node, ast.FunctionDef) and node.name in SHARED_WITH_D2LSHIM:
                # whole lines: get_source_segment would drop a trailing comment
                first = node.lineno - len(node.decorator_list)
                found[node.name] = "\n".join(code.splitlines()[first - 1:node.end_lineno])
    return found


@pytest.mark.parametrize("framework", list(SHIM_MODULE))
@pytest.mark.parametrize("name", SHARED_WITH_D2LSHIM)
def test_page_and_d2lshim_define_the_same_function(framework, name):
    shown = page_definitions(framework).get(name)
    assert shown is not None, f"the {framework} cells of the page do not define {name}"
    library = library_sources(framework)[name].rstrip()
    assert shown.rstrip() == library, (
        f"{name} differs between the page ({framework}) and d2lshim.{SHIM_MODULE[framework]}")


def test_every_framework_cell_run_has_every_framework():
    nb = source.read(CHAPTER.read_text(encoding="utf-8"))
    groups = source.tab_groups(nb, FRAMEWORKS)   # raises if one lacks a framework
    assert len(groups) >= 10



def page_train_sgd_runs(framework):
    """``{batch size: (learning rate, epochs)}`` of every ``train_sgd`` call
    with literal settings in the cells ``framework``'s readers run."""
    nb = source.read(CHAPTER.read_text(encoding="utf-8"))
    runs = {}
    for cell in nb.cells:
        owner = FRAMEWORKS.of_cell(cell) if cell.cell_type == "code" else None
        if cell.cell_type != "code" or owner not in (None, FRAMEWORKS.get(framework)):
            continue
        code = "\n".join(l for l in cell.source.splitlines() if not l.startswith("%"))
        for node in ast.walk(ast.parse(code)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "train_sgd"
                    and all(isinstance(a, ast.Constant) for a in node.args)):
                lr, batch_size, *epochs = (a.value for a in node.args)
                runs[batch_size] = (lr, epochs[0] if epochs else 2)   # train_sgd's default
    return runs


@pytest.mark.parametrize("framework", FRAMEWORKS.tags)
def test_the_benchmark_and_d2lshims_tests_run_the_pages_experiments(framework):
    """d2lshim.bench.CHAPTER_RUNS is the one copy of the page's settings that
    the benchmark and d2lshim's tests read: it must be what the page runs."""
    from d2lshim import bench
    assert page_train_sgd_runs(framework) == bench.CHAPTER_RUNS


def test_d2lshim_has_a_module_for_every_framework_of_the_book():
    import d2lshim
    assert {f.module for f in FRAMEWORKS} <= {f"d2lshim.{name}" for name in d2lshim.__all__}
