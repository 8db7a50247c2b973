"""d2lshim as a wheel of exactly the code that produced the book's outputs.

The site publishes it (``_static/wheels/``), and every downloadable notebook
installs it by URL with its sha256, so a reader runs the d2lshim that made the
numbers on the page, not whatever the repository holds later.  Its version
carries a digest of the sources (``0.1.0+src.1a2b3c4d``): another d2lshim is
another file.  The wheel is built here, byte for byte the same from the same
sources (fixed timestamps, sorted entries), so its sha256 changes only when
d2lshim does.
"""

from __future__ import annotations

import base64
import hashlib
import pathlib
import tomllib
import zipfile

#: A fixed timestamp for every entry: the same sources give the same bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)


def sources(root):
    return sorted(p for p in (pathlib.Path(root) / "d2lshim").rglob("*.py") if "__pycache__" not in p.parts)


def version(root):
    """The project's version with a local label naming the sources' digest."""
    project = tomllib.loads((pathlib.Path(root) / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    digest = hashlib.sha256()
    for path in sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{project['version']}+src.{digest.hexdigest()[:12]}"


def _metadata(project, full_version):
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {full_version}",
             f"Summary: {project.get('description', '')}",
             f"Requires-Python: {project.get('requires-python', '')}"]
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    for extra, deps in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        for dep in deps:
            requirement, _, marker = dep.partition(";")
            condition = f"({marker.strip()}) and extra == '{extra}'" if marker else f"extra == '{extra}'"
            lines.append(f"Requires-Dist: {requirement.strip()}; {condition}")
    return "\n".join(lines) + "\n"


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build(root, out_dir):
    """Write the wheel into ``out_dir`` (if it is not there already); return its path."""
    root, out_dir = pathlib.Path(root), pathlib.Path(out_dir)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    full_version = version(root)
    name = f"{project['name']}-{full_version}-py3-none-any.whl"
    target = out_dir / name
    if target.exists():
        return target
    dist_info = f"{project['name']}-{full_version}.dist-info"
    files = [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sources(root)]
    files += [(f"{dist_info}/METADATA", _metadata(project, full_version).encode()),
              (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: d2lshim-book\n"
                                     b"Root-Is-Purelib: true\nTag: py3-none-any\n")]
    record = "\n".join([*(_record_line(n, d) for n, d in files), f"{dist_info}/RECORD,,"]) + "\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{name}.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file_name, data in files:
            info = zipfile.ZipInfo(file_name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    partial.chmod(0o644)
    partial.replace(target)
    return target


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
