"""The one error type of the pipeline: it says where (page, line, framework)."""

from __future__ import annotations


class BookError(Exception):
    """A problem with a page that its author has to fix, or a failed cell.

    ``str()`` starts with ``path:line:`` (like a compiler) and names the
    framework when there is one, so a build log points at the place.
    """

    def __init__(self, message, *, path=None, line=None, framework=None):
        self.path, self.line, self.framework = path, line, framework
        self.message = message
        where = f"{path}:{line if line is not None else '?'}: " if path else ""
        about = f"[{framework.label}] " if framework is not None else ""
        super().__init__(f"{where}{about}{message}")


class ConfigError(Exception):
    """The framework list or another setting is malformed; says what to write."""
