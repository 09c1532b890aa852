"""The project's promises about itself: dependencies in step, the two commands, CI, licences."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
sys.path.insert(0, str(ROOT / "requirements"))
try:
    # Binder's Python and its marker environment (Linux x86_64, CPython), as the script that
    # writes environment.yml defines them; the Python version is swapped in per test.
    from make_environment import BINDER_MARKERS, BINDER_PYTHON, locked_versions
finally:
    sys.path.pop(0)


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock_lines():
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield Requirement(line)


def _locked(markers=None):
    return locked_versions(ROOT / "requirements" / "lock.txt", markers)


def _declared():
    project = _pyproject()["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]


def test_lock_pins_every_package_exactly():
    lines = list(_lock_lines())
    assert len(lines) > 50
    for requirement in lines:
        (pin,) = requirement.specifier  # one specifier ...
        assert pin.operator == "==", requirement  # ... and it is an exact pin


def test_lock_satisfies_pyproject_on_every_supported_python():
    """Each direct dependency is locked, within pyproject's range, for each supported Python."""
    for python in SUPPORTED_PYTHONS:
        markers = {**BINDER_MARKERS, "python_version": python, "python_full_version": python + ".0"}
        locked = _locked(markers)
        for requirement in _declared():
            name = canonicalize_name(requirement.name)
            assert name in locked, f"{name} is in pyproject.toml but not in the lock (make lock)"
            assert requirement.specifier.contains(locked[name]), (
                f"Python {python}: the lock has {name}=={locked[name]}, outside pyproject's "
                f"{requirement.specifier}; run make lock"
            )


def test_installed_packages_are_the_locked_ones():
    """make test runs on the lock; `make test-latest` (GOVKIT_UNLOCKED=1) on purpose does not."""
    if os.environ.get("GOVKIT_UNLOCKED"):
        pytest.skip("make test-latest: the newest releases, not the lock")
    locked = _locked(None)  # None: this interpreter's own markers
    drift = {}
    for name, version in locked.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            drift[name] = (version, installed)
    assert not drift, f"installed packages differ from requirements/lock.txt (locked, installed): {drift}"


def test_environment_yml_is_the_lock_for_binder():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda = [entry for entry in env["dependencies"] if isinstance(entry, str)]
    assert conda == [f"python={BINDER_PYTHON}", "pip"]
    (pip_section,) = [entry["pip"] for entry in env["dependencies"] if isinstance(entry, dict)]
    assert "-e ." in pip_section, "Binder must install govkit itself"
    pinned = {}
    for line in pip_section:
        if line != "-e .":
            requirement = Requirement(line)
            (pin,) = requirement.specifier
            pinned[canonicalize_name(requirement.name)] = pin.version
    assert pinned == _locked(BINDER_MARKERS), "environment.yml drifted from the lock: run make lock"


def test_supported_pythons_agree():
    project = _pyproject()["project"]
    assert project["requires-python"] == f">={SUPPORTED_PYTHONS[0]}"
    classifiers = {c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
                   if c.startswith("Programming Language :: Python :: 3.")}
    assert classifiers == set(SUPPORTED_PYTHONS)
    assert BINDER_PYTHON in SUPPORTED_PYTHONS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {SUPPORTED_PYTHONS[0]} to {SUPPORTED_PYTHONS[-1]}" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    low, high = (tuple(int(x) for x in v.split(".")) for v in (SUPPORTED_PYTHONS[0], SUPPORTED_PYTHONS[-1]))
    assert f"{low} <= sys.version_info[:2] <= {high}" in makefile


def test_make_installs_the_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^LOCK\s*:=\s*requirements/lock.txt$", makefile, re.M)
    assert "pip install --quiet -c $(LOCK) -e" in makefile
    assert re.search(r"^test-latest:", makefile, re.M) and re.search(r"^lock:", makefile, re.M)


def test_no_backward_pins_on_the_numeric_stack():
    project = _pyproject()["project"]
    for requirement in project["dependencies"]:
        if _name(requirement) in {"numpy", "pandas", "scikit-learn", "scipy"}:
            assert not re.search(r"(<|==|~=)", requirement), requirement


def test_readme_puts_the_two_commands_first():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.find("\n## ", readme.find("make test"))]
    assert "make workbook" in head and "make test" in head
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert notebook.name in readme, f"README does not describe {notebook.name}"


def test_makefile_and_ci():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("workbook", "test", "lab", "dashboard"):
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} missing"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    assert "playwright install" not in ci and "apt-get install" in ci


def test_data_is_never_a_build_output():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert not re.search(r"(>|--out\s+|-o\s+)\s*data/", makefile)
