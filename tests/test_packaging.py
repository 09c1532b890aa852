"""The project's promises about itself: dependencies in step, the two commands, CI, licences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_and_pyproject_describe_the_same_packages():
    project = _pyproject()["project"]
    declared = {_name(r) for r in project["dependencies"]}
    declared |= {_name(r) for r in project["optional-dependencies"]["dev"]}

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda, pip = set(), set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip |= {_name(r) for r in entry["pip"] if not r.startswith("-e")}
            assert "-e ." in entry["pip"], "Binder must install govkit itself"
        else:
            conda.add(_name(entry))
    conda -= {"python", "pip"}
    assert conda | pip == declared, (
        f"only in pyproject: {sorted(declared - conda - pip)}; "
        f"only in environment.yml: {sorted((conda | pip) - declared)}"
    )
    assert not conda & pip, f"listed twice: {sorted(conda & pip)}"


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
