"""Write environment.yml (what Binder builds) from requirements/lock.txt.

Binder's repo2docker builds a conda environment from environment.yml. No conda channel is
reachable from the machines this project is built and tested on, so the conda solve is kept to
Python and pip, and every package comes from PyPI through pip at the exact version the lock
gives for Linux x86_64 on Binder's Python (3.12): the same set of packages `make test`
tests. `make lock` runs this script after regenerating the lock; tests/test_packaging.py fails
when the two drift apart.

Usage: python requirements/make_environment.py
"""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
BINDER_PYTHON = "3.12"
# The marker environment of Binder's image (Linux x86_64, CPython 3.12).
BINDER_MARKERS = {
    "python_version": BINDER_PYTHON,
    "python_full_version": BINDER_PYTHON + ".0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}

HEADER = """\
# conda / Binder environment, generated from requirements/lock.txt by
# requirements/make_environment.py (make lock): do not edit by hand.
# Python and pip come from conda-forge; every package is pinned to the version the lock gives
# for Linux x86_64 on Python {python}, installed from PyPI by pip, so Binder runs the set of
# packages that `make test` tests. "-e ." installs govkit itself.
name: govkit
channels:
  - conda-forge
dependencies:
  - python={python}
  - pip
  - pip:
"""


def locked_versions(lock: Path, markers: dict[str, str] | None) -> dict[str, str]:
    """Return {package: version} from a uv-compiled lock for one marker environment.

    ``markers=None`` evaluates the markers for the running interpreter.
    """
    versions = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(markers):
            (pin,) = requirement.specifier
            versions[canonicalize_name(requirement.name)] = pin.version
    return versions


def render(versions: dict[str, str]) -> str:
    lines = [f"      - {name}=={version}" for name, version in sorted(versions.items())]
    return HEADER.format(python=BINDER_PYTHON) + "\n".join(lines) + "\n      - -e .\n"


def main() -> None:
    versions = locked_versions(ROOT / "requirements" / "lock.txt", BINDER_MARKERS)
    (ROOT / "environment.yml").write_text(render(versions), encoding="utf-8")
    print(f"environment.yml: {len(versions)} packages pinned for Python {BINDER_PYTHON}")


if __name__ == "__main__":
    main()
