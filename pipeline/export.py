"""Export: a runnable notebook of one framework, for readers and for `make notebooks`."""

from __future__ import annotations

import copy
import dataclasses
import pathlib
import sys

import nbformat
import yaml

from . import reader, source, values
from .myst_to_markdown import convert_notebook

#: Cell metadata that only the pipeline uses.
BOOKKEEPING = ("source_index", "source_line")

#: Cell tags that are markup for the book's own tools (``coursework``: code
#: the exercises need, see pipeline/coursework.py); a reader's notebook drops them.
AUTHORING_TAGS = ("coursework",)


SETUP = """\
# 准备运行环境。本书中的输出（构建本书时的那次运行）是用 {made_with} 得到的。
# 这一格安装同样版本的 {pinned_names}，以及产生那些输出的 d2lshim {d2lshim_version}
# （本书网站发布的 wheel，按 sha256 校验）；这些版本都已装好时，它什么也不做。
# 环境变量 D2LSHIM_SOURCE 可以改用 pip 认得的任何来源安装 d2lshim（本地路径、wheel 文件或 URL）。
# 最好在一个新的虚拟环境里运行：这一格会把当前环境里的这些包换成上面的版本。{platform_note}
import importlib, importlib.metadata, os, subprocess, sys
PINNED = {pins!r}
D2LSHIM = '{d2lshim_version}'
if sys.version_info[:2] != {python_version!r}:
    print('注意：本书的输出是用 Python {python_text} 得到的，当前是 Python %d.%d；'
          '锁定的版本在这个 Python 上可能没有安装包。' % sys.version_info[:2])
{macos_block}
def installed(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None

# 版本号后的本地标签（例如 2.13.0+cpu）指的是同一个版本
missing = [name for name, version in PINNED.items()
           if (installed(name) or '').split('+')[0] != version]
source = os.environ.get('D2LSHIM_SOURCE', '{default_source}')
have = installed('d2lshim')
if missing or have is None or (have != D2LSHIM and 'D2LSHIM_SOURCE' not in os.environ):
    requirement = (f'd2lshim[{extra}] @ {{source}}' if '://' in source else f'{{source}}[{extra}]')
    subprocess.run([sys.executable, '-m', 'pip', 'install', requirement,
                    *[f'{{name}}=={{version}}' for name, version in PINNED.items()]], check=True)
    importlib.invalidate_caches()"""

#: What a reader's notebook pins besides d2lshim: what its code imports.
PINNED = ("numpy", "matplotlib")


@dataclasses.dataclass(frozen=True)
class Installation:
    """What a reader's setup cell installs and says: d2lshim from ``source`` (a
    URL with its sha256, or a ``git+`` URL); ``locked``, the framework, NumPy
    and Matplotlib at their locked versions (``2.13.0+cpu``: a local build
    label names no PyPI release, so the cell pins ``2.13.0`` and says which
    build ran); ``python``, the kernel's Python (``3.11.7``); ``macos_names``,
    a pinned distribution's name on macOS (``tensorflow-cpu`` → ``tensorflow``,
    from the extra's platform markers)."""
    source: str
    d2lshim_version: str
    locked: tuple = ()
    python: str = ""
    macos_names: tuple = ()


def locked_versions(lock_file):
    """``{name: version}`` of a lock file (``name==version`` lines)."""
    found = {}
    for line in pathlib.Path(lock_file).read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def extra_names(project, framework):
    """The distributions the framework's d2lshim extra names (``jax``,
    ``optax``, ``flax`` for JAX), whatever their platform markers."""
    import tomllib
    from packaging.requirements import Requirement
    from .environments import extra
    pyproject = pathlib.Path(project) / "pyproject.toml"
    if not extra(framework) or not pyproject.is_file():
        return ()
    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return tuple(Requirement(r).name.lower() for r in
                 extras.get("optional-dependencies", {}).get(extra(framework), []))


def locked_pins(book, framework):
    """``((name, version), …)``: the framework's distribution, the other
    packages its d2lshim extra names (optax and Flax beside JAX: the
    chapter imports them), NumPy and Matplotlib, as the framework's lock has
    them."""
    if not framework.lock:
        return ()
    locked = locked_versions(pathlib.Path(book) / framework.lock)
    names = dict.fromkeys(n for n in (framework.package, *extra_names(book, framework), *PINNED) if n)
    return tuple((n, locked[n]) for n in names if n in locked)


def macos_names(project, framework):
    """``((name, macOS name), …)`` from the d2lshim extra's platform markers:
    ``tensorflow-cpu; sys_platform != 'darwin'`` beside ``tensorflow; sys_platform == 'darwin'``."""
    import tomllib
    from packaging.requirements import Requirement
    from .environments import extra
    extra_name = extra(framework)
    if not extra_name:
        return ()
    extras = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in extras.get("optional-dependencies", {}).get(extra_name, [])]
    mac = {"sys_platform": "darwin", "extra": extra_name}
    linux = {"sys_platform": "linux", "extra": extra_name}
    on_mac = [r.name for r in requirements if r.marker and r.marker.evaluate(mac)
              and not r.marker.evaluate(linux)]
    elsewhere = [r.name for r in requirements if r.marker and r.marker.evaluate(linux)
                 and not r.marker.evaluate(mac)]
    return tuple(zip(elsewhere, on_mac)) if len(on_mac) == len(elsewhere) == 1 else ()


def setup_cell(framework, install_from):
    """The first code cell of a downloadable notebook: says what made its
    outputs and installs that (:class:`Installation`) where it is missing.
    ``None`` for a framework whose module is not part of d2lshim."""
    from .environments import extra
    if not extra(framework) or not install_from:
        return None
    pins = {name: version.split("+")[0] for name, version in install_from.locked}
    labels = {name: version.split("+", 1)[1] for name, version in install_from.locked
              if "+" in version}
    made_with = "、".join([*([f"Python {install_from.python}"] if install_from.python else []),
                          *(f"{name} {version}" for name, version in install_from.locked)])
    python = (tuple(int(p) for p in install_from.python.split(".")[:2]) if install_from.python
              else tuple(sys.version_info[:2]))
    platform_note = "".join(
        f"\n# 输出来自 {name} 的 {label} 构建。在 Linux 上，PyPI 的 {name} 是带 CUDA 的构建（好几 GB）；"
        f"\n# 要装同样的 {label} 构建，先设置 PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/{label}"
        if name == "torch" else f"\n# 输出来自 {name} 的 {label} 构建。" for name, label in labels.items())
    macos = dict(install_from.macos_names)
    macos_block = ("if sys.platform == 'darwin':   # 这些包在 macOS 上用另一个名字发布\n"
                   f"    PINNED = {{{macos!r}.get(name, name): version for name, version in PINNED.items()}}\n"
                   if macos else "")
    return nbformat.v4.new_code_cell(SETUP.format(
        made_with=made_with or framework.label,
        pinned_names="、".join(pins) or framework.label, pins=pins, extra=extra(framework),
        d2lshim_version=install_from.d2lshim_version, default_source=install_from.source,
        python_version=python, python_text="%d.%d" % python, platform_note=platform_note,
        macos_block=macos_block))


def _renumber_executions(nb):
    """Execution counts 1, 2, 3, … as if the reader's notebook had run alone
    (the hidden cells that ran in between are gone)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count


def install_source(repository_url):
    """Where pip installs d2lshim from when the site publishes no wheel: the book's repository."""
    return f"git+{repository_url.rstrip('/')}" if repository_url else None


def d2lshim_project(book):
    """The folder of the d2lshim project the book's kernels import (the book's
    own checkout, or wherever d2lshim is installed from), or ``None``."""
    from .cache import module_files
    files = module_files("d2lshim", (book,))
    project = files[0].parent.parent if files else None
    return project if project is not None and (project / "pyproject.toml").is_file() else None


def kernel_python(framework):
    """The Python version the framework's kernel runs (``3.11.7``), or ``""``
    where this machine has no such kernel."""
    from . import environments
    try:
        return environments.interpreter_environment(
            environments.kernel_interpreter(framework.kernel))["python"].split()[0]
    except environments.EnvironmentFailed:
        return ""


def book_installation(book, framework, site_url=None):
    """The :class:`Installation` of a framework's notebooks, from the book's
    ``_config.yml``: the wheel ``make book`` publishes at the site's address
    (``html.baseurl``, or ``site_url``; built into ``_build/wheels``), else the
    repository; the lock's versions.  ``None`` without a d2lshim project."""
    from . import wheel
    book = pathlib.Path(book)
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    site = (site_url or (config.get("html") or {}).get("baseurl") or "").rstrip("/")
    project = d2lshim_project(book)
    if project is None:
        return None
    if site:
        built = wheel.build(project, wheel_folder(book))
        source = f"{site}/{WHEELS}/{built.name}#sha256={wheel.sha256(built)}"
    else:
        source = install_source((config.get("repository") or {}).get("url"))
        if source is None:
            return None
    return Installation(source=source, d2lshim_version=wheel.version(project),
                        locked=locked_pins(book, framework), python=kernel_python(framework),
                        macos_names=macos_names(project, framework))


def wheel_folder(book):
    """Where the build keeps d2lshim's wheels before the site publishes them."""
    return pathlib.Path(book) / "_build" / "wheels"


#: Where the site publishes d2lshim's wheel, below its root.
WHEELS = "_static/wheels"


def framework_edition(nb_framework, page=None, framework=None, keep_lines=False):
    """One framework's page, still in MyST: what a single-framework edition of
    the book (its PDF) renders.  Hidden cells and grader markers are gone,
    outputs carry no value records, and the prose quotes this framework's
    values; ``{framework-only}`` blocks stay for Sphinx to keep or drop.  Its
    ``source_map`` gives each cell's line in the page, for Sphinx's warnings
    (:func:`runnable_notebook` leaves it out).  With ``keep_lines`` the cells
    keep their ``source_line`` too, for the errors of a conversion that
    follows."""
    nb = copy.deepcopy(nb_framework)
    # the reader's own Python kernel, not the book's framework kernel that ran it
    nb.metadata["kernelspec"] = dict(source.KERNELSPEC)
    glued = values.collect(nb)
    nb.cells = [c for c in nb.cells if not source.is_hidden(c)]
    source.with_source_map(nb, keep_lines)
    source.renumber_cells(nb)
    for cell in nb.cells:
        for key in BOOKKEEPING:
            if not (keep_lines and key == "source_line"):
                cell.metadata.pop(key, None)
        tags = [tag for tag in cell.metadata.get("tags", []) if tag not in AUTHORING_TAGS]
        if "tags" in cell.metadata:
            cell.metadata["tags"] = tags
        if cell.cell_type == "code":
            cell.source = source.without_grader_markers(cell.source)
            cell.outputs = values.without_records(cell.outputs)
        else:
            cell.source = values.for_framework(cell.source, glued, page, framework)
    _renumber_executions(nb)
    return nb


def runnable_notebook(nb_framework, bibliography=None, page=None, framework=None,
                      install_from=None):
    """A clean notebook for readers: plain Markdown with this framework's values
    and prose, no hidden cells, no tests, no bookkeeping; with ``install_from``
    (see :func:`install_source`) it starts with a setup cell, so that it runs
    anywhere.  With ``framework``, it says what it is (:mod:`pipeline.reader`):
    the title names the framework, a note below it where the outputs were made,
    and the exercises' solutions are folded."""
    path = page.path if page is not None else None
    nb = framework_edition(nb_framework, page, framework, keep_lines=True)
    tag = nb.metadata.pop("framework", None)
    nb.metadata.pop("source_map", None)   # a reader's notebook has no page lines
    # each exercise and solution in cells of their own, so that the solutions fold
    nb, solutions = reader.split_at_solutions(nb, path)
    level = reader.exercise_level(nb) if solutions else None
    setup = setup_cell(framework, install_from) if framework is not None else None
    if setup is not None:
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), 0)
        nb.cells.insert(first_code, setup)
    nb = convert_notebook(nb, bibliography, framework=tag, exercise_heading=level, path=path)
    for cell in nb.cells:           # the lines served the conversion's errors
        cell.metadata.pop("source_line", None)
    if solutions:
        reader.fold_solutions(nb, level, page)
    if framework is not None:
        reader.titled(nb, framework)
        reader.insert_after_title(nb, reader.about_cell(
            nb, values.collect(nb_framework), len(values.claims(nb_framework)), framework,
            setup is not None, solutions))
    return source.renumber_cells(nb)


def notebook_name(page_name, framework):
    """Where a page's notebook of one framework goes, below an output folder.

    The page's folders are kept, so that pages with the same file name in
    different folders do not overwrite each other's notebooks.
    """
    return f"{page_name}-{framework.tag}.ipynb"
