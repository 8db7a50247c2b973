"""The frameworks a book is written for: the one list, in ``_config.yml``.

Each entry of ``sphinx.config.frameworks`` describes one framework::

    - tag: pytorch           # the cell tag, the tab's sync key, the notebook suffix
      label: PyTorch         # the tab's title
      module: d2lshim.torch  # the d2lshim module its cells import
      package: torch         # the framework's distribution (what a reader installs)
      lock: environments/pytorch.txt  # the exact versions of its own environment
      python: "3.11"         # the Python its lock was made for
      kernel: book-pytorch   # the Jupyter kernel that runs its cells
      default: true          # the tab selected first (one entry at most)

With ``lock``, the framework runs in an environment of its own, made from
that lock (``pipeline/environments.py``), as the kernel ``book-<tag>`` unless
``kernel`` names another.  Without it, ``kernel`` (default ``python3``) is a
kernel the machine already has.

The order of the list is the order of the tabs.  Adding a framework is a
d2lshim module, the framework's cells on the page, and one entry here.
"""

from __future__ import annotations

import dataclasses
import pathlib

import yaml

from .errors import ConfigError

REQUIRED = ("tag", "label", "module")


@dataclasses.dataclass(frozen=True)
class Framework:
    tag: str
    label: str
    module: str
    package: str | None = None
    lock: str | None = None
    python: str = "3.11"
    kernel: str | None = None
    default: bool = False

    def __post_init__(self):
        if self.kernel is None:
            object.__setattr__(self, "kernel", f"book-{self.tag}" if self.lock else "python3")


class Frameworks(tuple):
    """The frameworks of a book, in tab order."""

    @property
    def tags(self):
        return tuple(f.tag for f in self)

    @property
    def default(self):
        return next((f for f in self if f.default), self[0])

    def get(self, tag):
        for framework in self:
            if framework.tag == tag:
                return framework
        raise KeyError(tag)

    def of_cell(self, cell):
        """The framework of a code cell (by its tag), or ``None`` for a shared cell."""
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in self.tags]
        if len(tags) > 1:
            raise ValueError(f"a cell carries more than one framework tag: {tags}")
        return self.get(tags[0]) if tags else None


def from_list(entries, where="sphinx.config.frameworks"):
    """Validate a list of dicts (as written in ``_config.yml``)."""
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{where} must be a non-empty list of frameworks, each with "
                          f"{', '.join(REQUIRED)}")
    fields = {f.name for f in dataclasses.fields(Framework)}
    frameworks = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}, entry {number}: expected a mapping, got {entry!r}")
        missing = [k for k in REQUIRED if not entry.get(k)]
        unknown = sorted(set(entry) - fields)
        if missing or unknown:
            raise ConfigError(f"{where}, entry {number}: "
                              + (f"missing {', '.join(missing)}" if missing else "")
                              + ("; " if missing and unknown else "")
                              + (f"unknown {', '.join(unknown)} (known: {', '.join(sorted(fields))})"
                                 if unknown else ""))
        if not isinstance(entry.get("python", ""), str):
            raise ConfigError(f"{where}, entry {number}: python: {entry['python']!r} must be "
                              f"quoted (python: \"3.11\"), or YAML reads 3.10 as 3.1")
        frameworks.append(Framework(**entry))
    tags = [f.tag for f in frameworks]
    if len(set(tags)) != len(tags):
        raise ConfigError(f"{where}: a tag is listed twice: {tags}")
    if sum(f.default for f in frameworks) > 1:
        raise ConfigError(f"{where}: more than one framework has default: true")
    return Frameworks(frameworks)


def from_config(book_root):
    """The frameworks declared in ``BOOK_ROOT/_config.yml``."""
    path = pathlib.Path(book_root) / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = ((config.get("sphinx") or {}).get("config") or {}).get("frameworks")
    return from_list(entries, f"{path}: sphinx.config.frameworks")
