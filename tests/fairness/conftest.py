"""Fixtures of the fairness tests: a small synthetic population and the Adult reference model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset


def synthetic_frame(n: int = 600, random_state: int = 0) -> pd.DataFrame:
    """Two groups with different base rates, a proxy of the group, and a noisy signal."""
    rng = np.random.default_rng(random_state)
    sex = rng.choice(["Female", "Male"], n, p=[0.4, 0.6])
    male = sex == "Male"
    proxy = np.where(rng.random(n) < 0.9, np.where(male, "Husband", "Wife"), "Other")
    signal = rng.normal(size=n) + 0.8 * male
    income = (signal + rng.normal(scale=0.8, size=n) > 0.7).astype(int)
    return pd.DataFrame({
        "age": rng.integers(18, 70, n),
        "signal": signal,
        "relationship": proxy,
        "sex": sex,
        "race": rng.choice(["A", "B", "C"], n, p=[0.7, 0.2, 0.1]),
        "income": income,
    })


@pytest.fixture(scope="session")
def small_train() -> Dataset:
    return Dataset(synthetic_frame(600, 0), target="income", positive_label=1,
                   protected=("sex", "race"))


@pytest.fixture(scope="session")
def small_test() -> Dataset:
    return Dataset(synthetic_frame(500, 1), target="income", positive_label=1,
                   protected=("sex", "race"))


@pytest.fixture(scope="session")
def adult_model(adult_train):
    from govkit.fairness import fit_mitigated_model

    return fit_mitigated_model("none", adult_train)


@pytest.fixture(scope="session")
def adult_scores(adult_model, adult_test):
    return adult_model.predict_proba(adult_test.X)[:, 1]


@pytest.fixture(scope="session")
def make_frame():
    """The synthetic population generator, for tests that need their own size or random_state."""
    return synthetic_frame
