"""Every framework in an environment of its own; outputs keyed by what its kernel has.

The kernels are the book's real framework kernels (``make book`` made their
environments); the pages are tiny.
"""

import os
import pathlib
import stat
import sys

import pytest

from book import FRAMEWORKS, ROOT
from pipeline import cache as cache_module, environments, execute, frameworks, installer, source
from test_pipeline import chapter, code, executed_frameworks, run, HEADER

#: Every framework's own distribution, as its environment's metadata names it.
DISTRIBUTIONS = {f.tag: f.package for f in FRAMEWORKS}


def packages_of(framework):
    environments.interpreter_environment.cache_clear()
    return environments.interpreter_environment(
        environments.kernel_interpreter(framework.kernel))["packages"]


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS.tags)
def test_each_kernel_holds_its_framework_only(framework):
    packages = packages_of(framework)
    assert DISTRIBUTIONS[framework.tag] in packages
    others = set(DISTRIBUTIONS.values()) - {DISTRIBUTIONS[framework.tag]}
    assert not others & set(packages), f"{framework.label}'s kernel has {others & set(packages)}"
    assert "d2lshim" in packages and "ipykernel" in packages


def test_numpy_is_the_newest_each_framework_takes():
    """MXNet 1.9.1 keeps NumPy 1.26 in its own environment; the others run on NumPy 2."""
    versions = {fw.tag: packages_of(fw)["numpy"] for fw in FRAMEWORKS}
    assert versions["mxnet"].startswith("1.26.")
    assert all(v.split(".")[0] == "2" for tag, v in versions.items() if tag != "mxnet"), versions


@pytest.fixture
def cache(tmp_path):
    return cache_module.OutputCache(tmp_path / "cache", note=lambda m: None)


@pytest.fixture
def add_marker_distribution():
    """Adds a small distribution to PyTorch's environment when called (only its
    metadata: what an installer writes there); removed after the test."""
    framework = FRAMEWORKS.get("pytorch")
    [site] = environments.folder(ROOT, framework).glob("lib/python*/site-packages")
    info = site / "book_test_marker-1.0.dist-info"

    def add():
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: book-test-marker\n"
                                       "Version: 1.0\n", encoding="utf-8")
        environments.interpreter_environment.cache_clear()
    try:
        yield add
    finally:
        if info.exists():
            for file in info.iterdir():
                file.unlink()
            info.rmdir()
        environments.interpreter_environment.cache_clear()


def test_a_package_change_in_one_environment_executes_that_framework_only(
        cache, tmp_path, add_marker_distribution):
    text = chapter()
    run(text, cache, tmp_path)
    assert executed_frameworks(run(text, cache, tmp_path)[2]) == []
    add_marker_distribution()
    assert "book-test-marker" in packages_of(FRAMEWORKS.get("pytorch"))
    assert executed_frameworks(run(text, cache, tmp_path)[2]) == ["pytorch"]


def test_switching_back_finds_the_old_outputs(cache, tmp_path):
    """Several entries per page and framework: A, B, A executes nothing the third time."""
    first, second = chapter(pytorch="x = 'one'"), chapter(pytorch="x = 'two'")
    run(first, cache, tmp_path)
    assert executed_frameworks(run(second, cache, tmp_path)[2]) == ["pytorch"]
    _, executed_nbs, log = run(first, cache, tmp_path)
    assert executed_frameworks(log) == []
    assert "one\n" in [o.get("text") for c in executed_nbs["pytorch"].cells
                       if c.cell_type == "code" for o in c.outputs]


def test_old_entries_are_pruned_to_the_documented_number(cache, tmp_path):
    folder = tmp_path / "cache" / "page" / "pytorch"
    for number in range(cache_module.KEEP + 2):
        run(chapter(pytorch=f"x = 'version {number}'"), cache, tmp_path)
    assert len(list(folder.glob("*.json"))) == cache_module.KEEP


def test_cache_entries_are_readable_by_everyone(cache, tmp_path):
    run(chapter(), cache, tmp_path)
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert entries
    for entry in entries:
        assert stat.S_IMODE(entry.stat().st_mode) == 0o644, entry


def environment_page(name):
    return "\n".join([HEADER, "# Env\n", "".join(
        code(f"import os; print(os.environ.get({name!r}, 'unset'))", fw.tag) for fw in FRAMEWORKS)])


def printed(executed_nbs, tag):
    return [o["text"] for c in executed_nbs[tag].cells if c.cell_type == "code" for o in c.outputs]


def test_a_shell_variable_does_not_reach_the_kernel(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_TEST_SHELL_ONLY", "leaked")
    _, executed_nbs, _ = run(environment_page("BOOK_TEST_SHELL_ONLY"), cache, tmp_path)
    for fw in FRAMEWORKS:
        assert printed(executed_nbs, fw.tag) == ["unset\n"], fw.tag


def test_a_claims_survey_is_a_setting_not_an_inherited_variable(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_CLAIMS", "report")
    text = environment_page("BOOK_CLAIMS")
    _, executed_nbs, _ = run(text, cache, tmp_path)
    assert printed(executed_nbs, "pytorch") == ["check\n"]
    survey = execute.Settings(claims="report")
    _, executed_nbs, log = run(text, cache, tmp_path, settings=survey)
    assert executed_frameworks(log) == sorted(FRAMEWORKS.tags)   # keyed apart
    assert printed(executed_nbs, "pytorch") == ["report\n"]


def test_an_environment_that_cannot_be_made_names_framework_and_package(tmp_path):
    lock = tmp_path / "environments" / "broken.txt"
    lock.parent.mkdir()
    lock.write_text("no-such-distribution-for-this-book==9.9.9\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    framework = frameworks.Framework(tag="broken", label="Broken", module="d2lshim.torch",
                                     lock="environments/broken.txt",
                                     python="%d.%d" % sys.version_info[:2])
    with pytest.raises(environments.EnvironmentFailed) as failed:
        environments.make(tmp_path, framework)
    message = str(failed.value)
    assert message.startswith("Broken: its environment could not be made")
    assert "on the package no-such-distribution-for-this-book" in message
    assert "python tools/environments.py lock broken" in message
    assert not (environments.folder(tmp_path, framework) / environments.STAMP).exists()


def test_uv_installs_from_the_indexes_pip_is_told_about(monkeypatch):
    monkeypatch.setenv("PIP_FIND_LINKS", "/somewhere/wheels")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://example.invalid/cpu https://example.invalid/b")
    args = installer.index_args()
    assert args[:2] == ["--index-strategy", "unsafe-best-match"]
    pairs = list(zip(args[2::2], args[3::2]))
    assert ("--find-links", "/somewhere/wheels") in pairs
    assert ("--extra-index-url", "https://example.invalid/cpu") in pairs
    assert ("--extra-index-url", "https://example.invalid/b") in pairs


def test_every_lock_pins_exact_versions_and_its_environment_is_current():
    for framework in FRAMEWORKS:
        lines = [line.split("#")[0].strip() for line in
                 (ROOT / framework.lock).read_text(encoding="utf-8").splitlines()]
        requirements = [line for line in lines if line]
        assert requirements and all("==" in line for line in requirements), framework.tag
        assert environments.is_current(ROOT, framework), framework.tag
