"""Mutation testing of d2lshim with mutmut: how many seeded defects its tests catch.

    python tools/mutation.py [--frameworks TAG …] [--max-children N] [--keep] [--json FILE]

Each framework module (``d2lshim/torch.py`` …) is mutated and tested with its
own environment's tests (``tests/d2lshim --framework-module d2lshim.<name>``);
the framework-independent modules (``_data.py``, ``_training.py`` …) are
mutated once, with the tests of the first framework's environment (PyTorch).
Everything happens in a throw-away copy (``COPIED``: ``d2lshim/``,
``tests/d2lshim``, ``tests/conftest.py``, ``tools/seed_data.py``, taken once
at the start) in a temporary folder: the repository is not touched, and
mutmut (pinned below) is installed with uv into a cache folder of its own and
put on the framework environment's ``sys.path`` behind that environment's
packages, so the environments and their locks stay as they are.

Every pytest process of the run gets its own data cache (a copy of the
verified Airfoil file), its own ``HOME`` and ``XDG_CACHE_HOME`` and no network
beyond 127.0.0.1 (``mutation_isolation.py`` below): a mutant that deletes or
misplaces a file cannot change another mutant's result, and none reaches the
internet.

Printed per module: mutants, killed (a test failed), timeout (the tests ran
out of time or their process died: counted as killed), survived, no tests (no
test runs the function: counted as survived), equivalent (listed in
``EQUIVALENT`` with the reason: no test can tell them from the original) and
the score (killed + timeout) / (mutants - equivalent); then every surviving
and every equivalent mutant's diff.  Exit status 1 if the total score is
below ``--fail-under`` (default 0: report only).

mutmut 3 mutates code inside functions and methods only (not module-level
constants such as ``DATA_HUB``, not decorated functions such as ``quiet``),
and runs for each mutant only the tests that call the mutated function.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

from pipeline import installer  # (standard library only)
from d2lshim._environment import TENSORFLOW_QUIET

#: mutmut and the packages it needs that the framework environments lack,
#: exact versions (so that the same mutants are made everywhere).
MUTMUT = ["mutmut==3.8.1", "libcst==1.9.0", "click==8.5.1", "coverage==7.18.0",
          "setproctitle==1.3.8", "textual==8.2.8"]

#: The first framework's environment also tests the framework-independent modules.
SHARED_IN = "pytorch"

#: Not mutated: no functions (``__init__``, ``_common``), or not part of the
#: library the chapter uses (``bench``: ``make bench``'s driver; its NumPy
#: loop ``train_numpy`` is checked by ``test_training.py`` all the same).
NOT_MUTATED = ("__init__.py", "_common.py", "bench.py")

#: Mutants that no test can tell from the original, keyed by (module,
#: function, removed lines, added lines) so that renumbering does not move
#: them: the reason is printed with each.
_READ_SIZE = "only the size of each read changes (2 MiB or all at once instead of 1 MiB): the same bytes"
_CASE = "names that are case-insensitive: {}"
_MEAN_TIMES_N = ("the per-example loss is summed as mean × n instead of sum: the same number up to "
                 "float32 rounding (1e-7), which no test can rely on")
_IS_TRAIN = "load_array's default is is_train=True"
_DELIMITER = ("genfromtxt's default delimiter is any whitespace: the Airfoil file is numbers "
              "separated by tabs, so the same table")


def _frameworks(function, minus, plus, why, modules=("mxnet", "torch", "tensorflow")):
    return {(f"d2lshim/{m}.py", function, (minus,), (plus,)): why for m in modules}


EQUIVALENT = {
    ("d2lshim/_data.py", "download", ('expected = response.headers.get("Content-Length")',),
     ('expected = response.headers.get("content-length")',)): _CASE.format("HTTP header names"),
    ("d2lshim/_data.py", "download", ('expected = response.headers.get("Content-Length")',),
     ('expected = response.headers.get("CONTENT-LENGTH")',)): _CASE.format("HTTP header names"),
    ("d2lshim/_data.py", "download", ('for chunk in iter(lambda: response.read(1 << 20), b""):',),
     ('for chunk in iter(lambda: response.read(2 << 20), b""):',)): _READ_SIZE,
    ("d2lshim/_data.py", "download", ('for chunk in iter(lambda: response.read(1 << 20), b""):',),
     ('for chunk in iter(lambda: response.read(1 << 21), b""):',)): _READ_SIZE,
    ("d2lshim/_data.py", "sha1sum", ('for chunk in iter(lambda: f.read(1 << 20), b""):',),
     ('for chunk in iter(lambda: f.read(2 << 20), b""):',)): _READ_SIZE,
    ("d2lshim/_data.py", "sha1sum", ('for chunk in iter(lambda: f.read(1 << 20), b""):',),
     ('for chunk in iter(lambda: f.read(1 << 21), b""):',)): _READ_SIZE,
    ("d2lshim/_data.py", "sha1sum", ('for chunk in iter(lambda: f.read(1 << 20), b""):',),
     ('for chunk in iter(lambda: f.read(None), b""):',)): _READ_SIZE,
    ("d2lshim/_timer.py", "cpu_name", ('with open("/proc/cpuinfo", encoding="utf-8") as f:   # Linux',),
     ('with open("/proc/cpuinfo", encoding="UTF-8") as f:   # Linux',)): _CASE.format("codec names"),
    ("d2lshim/_plotting.py", "Animator.png", ('return self._saved("png")',),
     ('return self._saved("PNG")',)): _CASE.format("matplotlib's format names"),
    ("d2lshim/_plotting.py", "Animator.svg", ('return self._saved("svg").decode("utf-8")',),
     ('return self._saved("SVG").decode("utf-8")',)): _CASE.format("matplotlib's format names"),
    ("d2lshim/_plotting.py", "Animator.svg", ('return self._saved("svg").decode("utf-8")',),
     ('return self._saved("svg").decode("UTF-8")',)): _CASE.format("codec names"),
    ("d2lshim/_plotting.py", "Animator.draw", ('axes.set_title(self.title, fontsize="medium")',),
     ('axes.set_title(self.title, fontsize=None)',)):
        "a font size of None is rcParams['font.size'], which 'medium' scales by exactly 1",
    ("d2lshim/_plotting.py", "Animator.__init__",
     ("self._pending = False      # points added since the last redraw",),
     ("self._pending = None      # points added since the last redraw",)):
        "_pending is only ever tested for truth (flush): None is as False",
    ("d2lshim/_plotting.py", "Animator.__init__",
     ("axes = self.fig.subplots(nrows, ncols, squeeze=False).ravel()",),
     ("axes = self.fig.subplots(nrows, ncols, squeeze=None).ravel()",)):
        "Figure.subplots tests squeeze for truth: None is False",
    **_frameworks("evaluate_loss",
                  "total += float(l.sum()) if l.numel() == n else float(l.mean()) * n",
                  "total += float(l.sum()) if (l.numel() == n) and False else float(l.mean()) * n",
                  _MEAN_TIMES_N, ["torch"]),
    **_frameworks("evaluate_loss",
                  "total += float(l.sum()) if l.size == n else float(l.mean()) * n",
                  "total += float(l.sum()) if (l.size == n) and False else float(l.mean()) * n",
                  _MEAN_TIMES_N, ["mxnet"]),
    **_frameworks("evaluate_loss",
                  "total += (float(tf.reduce_sum(l)) if l.shape.num_elements() == n",
                  "total += (float(tf.reduce_sum(l)) if (l.shape.num_elements() == n) and False",
                  _MEAN_TIMES_N, ["tensorflow"]),
    **_frameworks("get_data_ch11", "batch_size, is_train=True)", "batch_size, )", _IS_TRAIN,
                  ["mxnet", "torch", "tensorflow", "jax"]),
    **_frameworks("evaluate_loss",
                  "total += float(l.sum()) if l.size == n else float(l.mean()) * n",
                  "total += float(l.sum()) if (l.size == n) and False else float(l.mean()) * n",
                  _MEAN_TIMES_N, ["jax"]),
    **_frameworks("get_data_ch11", "dtype=np.float32, delimiter='\\t')",
                  "dtype=np.float32, delimiter=None)", _DELIMITER, ["jax"]),
    **_frameworks("get_data_ch11", "dtype=np.float32, delimiter='\\t')", "dtype=np.float32, )",
                  _DELIMITER, ["jax"]),
    **_frameworks("train_concise_ch11", "bias_init=nnx.initializers.zeros)", ")",
                  "nnx.Linear's default bias_init is zeros", ["jax"]),
    **_frameworks("get_data_ch11", "dtype=np.float32, delimiter='\\t')",
                  "dtype=np.float32, delimiter=None)", _DELIMITER, ["torch", "tensorflow"]),
    **_frameworks("get_data_ch11", "dtype=np.float32, delimiter='\\t')", "dtype=np.float32, )",
                  _DELIMITER, ["torch", "tensorflow"]),
    **_frameworks("get_data_ch11", "dtype=onp.float32, delimiter='\\t')",
                  "dtype=onp.float32, delimiter=None)", _DELIMITER, ["mxnet"]),
    **_frameworks("get_data_ch11", "dtype=onp.float32, delimiter='\\t')", "dtype=onp.float32, )",
                  _DELIMITER, ["mxnet"]),
}
for _plus in ("w, b = (jnp.asarray(p, dtype=None) for p in init_params)",
              "w, b = (jnp.asarray(p, ) for p in init_params)"):
    EQUIVALENT["d2lshim/jax.py", "train_ch11",
               ("w, b = (jnp.asarray(p, dtype=jnp.float32) for p in init_params)",),
               (_plus,)] = ("in JAX's default 32-bit mode (jax_enable_x64 off) jnp.asarray makes "
                            "float32 of float64 arrays and of lists by itself")
for _plus in ("features, labels = (np.array(a, dtype=None)", "features, labels = (np.array(a, )"):
    EQUIVALENT["d2lshim/mxnet.py", "load_array",
               ("features, labels = (np.array(a, dtype=a.dtype if hasattr(a, 'dtype') else 'float32')",),
               (_plus,)] = ("mxnet.np.array itself keeps a NumPy array's dtype and makes float32 "
                            "from a list, as the explicit dtype does")
for _plus in ("order = np.array(onp.random.permutation(len(self.features)), dtype=None)",
              "order = np.array(onp.random.permutation(len(self.features)), )"):
    EQUIVALENT["d2lshim/mxnet.py", "_Minibatches.reshuffle",
               ("order = np.array(onp.random.permutation(len(self.features)), dtype='int64')",),
               (_plus,)] = "mxnet.np.array keeps the permutation's dtype, int64, by itself"
for _plus in ("dataset = dataset.shuffle(buffer_size=len(features), reshuffle_each_iteration=None)",
              "dataset = dataset.shuffle(buffer_size=len(features), )"):
    EQUIVALENT["d2lshim/tensorflow.py", "load_array",
               ("dataset = dataset.shuffle(buffer_size=len(features), reshuffle_each_iteration=True)",),
               (_plus,)] = "Dataset.shuffle's default (None) reshuffles on every iteration too"

#: mutmut's statuses that count as detected besides "killed": the tests ran out
#: of time, or their process died (a mutant made MXNet segfault, or mutmut
#: killed it at its CPU limit).
DETECTED = ("timeout", "segfault")

ISOLATION_PLUGIN = '''\
"""pytest plugin of tools/mutation.py: each pytest process gets its own data
cache, HOME and XDG_CACHE_HOME, and no network beyond 127.0.0.1."""

import os
import shutil
import socket
import tempfile

import pytest

_OWN = pytest.StashKey()
_LOOPBACK = {"127.0.0.1", "localhost", "::1", None}
_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    if host not in _LOOPBACK:
        raise socket.gaierror(f"tools/mutation.py: no network in mutation runs (asked for {host})")
    return _getaddrinfo(host, *args, **kwargs)


def pytest_configure(config):
    socket.getaddrinfo = _loopback_only
    own = tempfile.mkdtemp(prefix=f"pid{os.getpid()}-", dir=os.environ["D2LSHIM_MUTATION_SCRATCH"])
    config.stash[_OWN] = own
    data = os.path.join(own, "data")
    shutil.copytree(os.environ["D2LSHIM_MUTATION_DATA"], data)
    os.environ["D2LSHIM_DATA_DIR"] = data
    os.environ["HOME"] = os.path.join(own, "home")
    os.environ["XDG_CACHE_HOME"] = os.path.join(own, "cache")


def pytest_unconfigure(config):
    shutil.rmtree(config.stash.get(_OWN, ""), ignore_errors=True)
'''

# Runs mutmut in a framework environment, mutmut's own packages behind the environment's.
LAUNCH = "import os, sys; sys.path.append(os.environ['D2LSHIM_MUTMUT_LIB']); " \
         "from mutmut.__main__ import cli; cli(prog_name='mutmut')"

# Reads the results of a run (in the run's folder): every mutant's status, and
# the diff of every mutant not killed.
RESULTS = textwrap.dedent("""\
    import json, os, sys
    sys.path.append(os.environ['D2LSHIM_MUTMUT_LIB'])
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files
    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            diff = None if status == 'killed' else get_diff_for_mutant(name, path=path)
            found.append({'module': str(path), 'mutant': name, 'status': status, 'diff': diff})
    print(json.dumps(found))
""")


def mutmut_lib(python):
    """mutmut and its packages, installed once per version and Python, outside the environments."""
    version = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    cache = pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache")
    lib = cache / "d2lshim-tools" / f"{MUTMUT[0].replace('==', '-')}-py{version}"
    if not (lib / "mutmut").is_dir():
        partial = lib.with_name(lib.name + f".{os.getpid()}.part")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([installer.uv(), "pip", "install", "--quiet", "--python", python,
                        *installer.index_args(), "--target", str(partial), *MUTMUT], check=True)
        shutil.rmtree(lib, ignore_errors=True)
        os.replace(partial, lib)
    # Only mutmut itself goes on PYTHONPATH (in front): processes the tests start,
    # such as a Jupyter kernel, import the mutated modules, which import mutmut.
    front = lib.with_name(lib.name + "-front")
    front.mkdir(exist_ok=True)
    for name in ["mutmut", f"{MUTMUT[0].replace('==', '-')}.dist-info"]:
        if not (front / name).exists():
            (front / name).symlink_to(lib / name)
    return lib, front


def airfoil_copy(into):
    """The verified Airfoil file (the book's data cache, else ../shared/data), copied into ``into``."""
    from d2lshim import _data
    url, sha1 = _data.DATA_HUB["airfoil"]
    name = url.split("/")[-1]
    for folder in (_data.default_cache_dir(), ROOT.parent / "shared" / "data"):
        candidate = pathlib.Path(folder, name)
        if candidate.is_file() and _data.sha1sum(candidate) == sha1:
            into.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(candidate, into / name)
            return into
    raise SystemExit(f"no verified copy of {name} in {_data.default_cache_dir()}: run `make data`")


def module_file(module):
    """``d2lshim.torch`` → ``d2lshim/torch.py``."""
    return module.replace(".", "/") + ".py"


def plan(frameworks, only=()):
    """[(framework, [files to mutate])]: each framework module in its own
    environment, the shared modules with the first one's (SHARED_IN if chosen);
    ``only``: just these files (``d2lshim/_timer.py`` …)."""
    framework_files = {module_file(f.module) for f in frameworks.every}
    shared = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "d2lshim").glob("*.py")
                    if p.name not in NOT_MUTATED and str(p.relative_to(ROOT)) not in framework_files)
    chosen = list(frameworks.chosen)
    first = next((f for f in chosen if f.tag == SHARED_IN), chosen[0])
    runs = [(f, [module_file(f.module)] + (shared if f is first else [])) for f in chosen]
    runs = [(f, [p for p in files if not only or p in only]) for f, files in runs]
    return [(f, files) for f, files in runs if files]


#: What a run copies from the repository (once, at its start, so that every
#: environment tests the same code with the same tests).
COPIED = ("d2lshim", "tests/d2lshim", "tests/conftest.py", "tools/seed_data.py")


def snapshot(into):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for path in COPIED:
        if (ROOT / path).is_dir():
            shutil.copytree(ROOT / path, into / path, ignore=ignore)
        else:
            (into / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / path, into / path)
    return into


def make_copy(work, source, framework, files):
    """The throw-away project mutmut runs in."""
    shutil.copytree(source, work, dirs_exist_ok=True)
    (work / "mutation_isolation.py").write_text(ISOLATION_PLUGIN, encoding="utf-8")
    toml_list = lambda items: "[" + ", ".join(json.dumps(str(i)) for i in items) + "]"  # noqa: E731
    (work / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [tool.mutmut]
        source_paths = ["d2lshim"]
        only_mutate = {toml_list(files)}
        also_copy = ["tools/", "mutation_isolation.py"]
        pytest_add_cli_args_test_selection = ["tests/d2lshim"]
        pytest_add_cli_args = {toml_list(["--framework-module", framework.module,
                                          "-p", "mutation_isolation", "-p", "no:cacheprovider"])}
        # The frameworks' thread pools are not fork-safe: the process that forks
        # the workers imports pytest and collects, but runs no test.
        process_isolation = "forkserver"
        use_git_change_detection = false

        [tool.pytest.ini_options]
        filterwarnings = ["ignore::DeprecationWarning:mxnet.*"]
        """), encoding="utf-8")


def run_one(framework, files, args, lib, front, scratch):
    """Run mutmut for one environment; return its mutants as dicts."""
    from pipeline import environments
    python = str(environments.python(ROOT, framework))
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"{framework.tag}-", dir=scratch))
    make_copy(work, scratch / "source", framework, files)
    env = dict(os.environ, PYTHONPATH=str(front), D2LSHIM_MUTMUT_LIB=str(lib),
               D2LSHIM_MUTATION_DATA=str(scratch / "data"),
               D2LSHIM_MUTATION_SCRATCH=str(scratch / "processes"),
               MPLCONFIGDIR=str(scratch / "matplotlib"), PYTHONDONTWRITEBYTECODE="1",
               # one thread per worker: --max-children workers share the cores
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", **TENSORFLOW_QUIET)
    env.pop("MUTANT_UNDER_TEST", None)
    log = work / "mutmut.log"
    print(f"=== {framework.label} ({framework.module}): mutating {', '.join(files)} "
          f"with {python}; log {log}", flush=True)
    started = time.monotonic()
    command = [python, "-c", LAUNCH, "run"]
    if args.max_children:
        command += ["--max-children", str(args.max_children)]
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    minutes = (time.monotonic() - started) / 60
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"mutmut failed in {framework.tag} (exit {done.returncode}):\n{tail}")
    found = subprocess.run([python, "-c", RESULTS], cwd=work, env=env, capture_output=True,
                           text=True, check=True).stdout
    print(f"    done in {minutes:.1f} min", flush=True)
    return [dict(m, framework=framework.tag) for m in json.loads(found.splitlines()[-1])]


def changed_lines(diff):
    minus = tuple(line[1:].strip() for line in diff.splitlines()
                  if line.startswith("-") and not line.startswith("---"))
    plus = tuple(line[1:].strip() for line in diff.splitlines()
                 if line.startswith("+") and not line.startswith("+++"))
    return minus, plus


def function_of(mutant):
    """``d2lshim._data.x_download__mutmut_3`` → ``download``;
    ``d2lshim._timer.xǁTimerǁstop__mutmut_1`` → ``Timer.stop``."""
    name = mutant.rpartition(".")[2].rpartition("__mutmut_")[0]
    if name.startswith("x_"):
        return name[2:]
    return ".".join(part for part in name.split("ǁ")[1:])


def equivalence(m):
    """The reason the mutant is equivalent, or None."""
    if m["status"] == "killed" or not m["diff"]:
        return None
    return EQUIVALENT.get((m["module"], function_of(m["mutant"]), *changed_lines(m["diff"])))


def report(mutants):
    rows, total = [], dict(mutants=0, killed=0, timeout=0, survived=0, no_tests=0, equivalent=0)
    for module in sorted({m["module"] for m in mutants}):
        mine = [m for m in mutants if m["module"] == module]
        row = dict(module=module, framework=mine[0]["framework"], mutants=len(mine),
                   killed=sum(m["status"] == "killed" for m in mine),
                   timeout=sum(m["status"] in DETECTED for m in mine),
                   equivalent=sum(equivalence(m) is not None for m in mine))
        row["no_tests"] = sum(m["status"] == "no tests" and equivalence(m) is None for m in mine)
        row["survived"] = (row["mutants"] - row["killed"] - row["timeout"] - row["equivalent"]
                           - row["no_tests"])
        rows.append(row)
        for key in total:
            total[key] += row[key]

    def score(r):
        counted = r["mutants"] - r["equivalent"]
        return 100 * (r["killed"] + r["timeout"]) / counted if counted else 100.0

    print(f"\n{'module':<24}{'tested in':>11}{'mutants':>9}{'killed':>8}{'timeout':>9}"
          f"{'survived':>10}{'no tests':>10}{'equiv.':>8}{'score':>9}")
    for r in rows + [dict(total, module="all of d2lshim", framework="")]:
        print(f"{r['module']:<24}{r['framework']:>11}{r['mutants']:>9}{r['killed']:>8}{r['timeout']:>9}"
              f"{r['survived']:>10}{r['no_tests']:>10}{r['equivalent']:>8}{score(r):>8.1f}%")
    print("score = (killed + timeout) / (mutants - equivalent); timeout includes the test process "
          "crashing (mutmut: segfault); 'no tests' counts as survived")
    for title, keep in (("Surviving mutants", lambda m: equivalence(m) is None),
                        ("Equivalent mutants", lambda m: equivalence(m) is not None)):
        shown = [m for m in mutants if m["status"] != "killed" and m["status"] not in DETECTED
                 and keep(m)]
        if shown:
            print(f"\n{title} ({len(shown)}):")
        for m in shown:
            why = equivalence(m)
            print(f"\n--- {m['mutant']} [{m['framework']}: {m['status']}]"
                  + (f"\n    equivalent: {why}" if why else ""))
            print(textwrap.indent(m["diff"].strip(), "    "))
    return score(total), rows, total


class Chosen:
    def __init__(self, every, tags):
        self.every = [f for f in every if f.lock]
        unknown = set(tags) - {f.tag for f in self.every}
        if unknown:
            raise SystemExit(f"unknown framework {', '.join(sorted(unknown))}: "
                             f"the book has {', '.join(f.tag for f in self.every)}")
        self.chosen = [f for f in self.every if not tags or f.tag in tags]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frameworks", nargs="+", default=[], metavar="TAG",
                        help="only these environments (default: every framework); the "
                        "framework-independent modules go with PyTorch's, else the first one's")
    parser.add_argument("--max-children", type=int, default=os.cpu_count(),
                        help="mutants tested at once (default: the number of cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (mutmut's "
                        "mutants/ in it, for `mutmut show`/`browse`)")
    parser.add_argument("--json", metavar="FILE", help="also write every mutant's result to FILE")
    parser.add_argument("--modules", nargs="+", default=[], metavar="FILE",
                        help="only these files, e.g. d2lshim/_timer.py (default: all of d2lshim)")
    parser.add_argument("--fail-under", type=float, default=0.0, metavar="PERCENT")
    args = parser.parse_args(argv)

    from pipeline import environments, frameworks
    chosen = Chosen(frameworks.from_config(ROOT), args.frameworks)
    for framework in chosen.chosen:
        if not environments.python(ROOT, framework).exists():
            raise SystemExit(f"no environment for {framework.tag}: run `make env` / "
                             f"`python tools/environments.py make {framework.tag}`")
    started = time.monotonic()
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="d2lshim-mutation-"))
    try:
        snapshot(scratch / "source")
        airfoil_copy(scratch / "data")
        (scratch / "processes").mkdir()
        mutants = []
        for framework, files in plan(chosen, args.modules):
            lib, front = mutmut_lib(str(environments.python(ROOT, framework)))
            mutants += run_one(framework, files, args, lib, front, scratch)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    total_score, rows, total = report(mutants)
    print(f"\nmutation score over d2lshim: {total_score:.1f}% "
          f"({(time.monotonic() - started) / 60:.1f} min, {MUTMUT[0]}, "
          f"--max-children {args.max_children})")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"score": total_score, "modules": rows, "total": total, "mutants": mutants}, indent=1),
            encoding="utf-8")
    return 1 if total_score < args.fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
