"""Shared fixtures: the real Adult data, and a throwaway workspace for every test session."""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session", autouse=True)
def _isolated_workspace(tmp_path_factory):
    """Point the ledger and cache at a temporary folder so tests never touch build/."""
    folder = tmp_path_factory.mktemp("workspace")
    previous = {k: os.environ.get(k) for k in ("GOVKIT_WORKSPACE", "GOVKIT_LEDGER", "GOVKIT_CACHE_DIR")}
    os.environ["GOVKIT_WORKSPACE"] = str(folder)
    os.environ.pop("GOVKIT_LEDGER", None)
    os.environ.pop("GOVKIT_CACHE_DIR", None)
    yield folder
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test leaves open (a test's own plots are its business; the next test's
    count of open figures is not, and matplotlib warns past 20)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def adult_train():
    from govkit.datasets import load_adult

    return load_adult("train")


@pytest.fixture(scope="session")
def adult_test():
    from govkit.datasets import load_adult

    return load_adult("test")


@pytest.fixture
def ledger(tmp_path):
    from govkit.ledger import Ledger

    return Ledger(tmp_path / "ledger.jsonl")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (``item.rep_call``), so that a fixture's
    finalizer can tell whether the test failed (the browser tests then keep a screenshot)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
