"""Small synthetic data for the privacy tests (the real Adult data is for integration tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset
from govkit.privacy import PublicDomain

SMALL_DOMAIN = {
    "numeric": {"age": [18, 80], "income": [0, 200_000]},
    "categorical": {"sex": ["F", "M"], "job": ["a", "b", "c"]},
    "log_scale": ["income"],
    "source": "test fixture",
}


def make_frame(n: int, random_state: int) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    age = rng.integers(18, 81, size=n)
    sex = rng.choice(["F", "M"], size=n, p=[0.4, 0.6])
    job = rng.choice(["a", "b", "c"], size=n)
    income = np.round(rng.lognormal(10, 0.8, size=n), 0)
    score = 0.04 * (age - 45) + 0.8 * (sex == "M") + 1.2 * (job == "c") + 0.5 * (np.log(income) - 10)
    label = np.where(rng.random(n) < 1 / (1 + np.exp(-score)), "yes", "no")
    return pd.DataFrame({"age": age, "sex": sex, "job": job, "income": income, "hired": label})


@pytest.fixture(scope="session")
def small_domain() -> PublicDomain:
    return PublicDomain.from_config(SMALL_DOMAIN)


@pytest.fixture(scope="session")
def small_train() -> Dataset:
    return Dataset(make_frame(1200, 0), target="hired", positive_label="yes", protected=("sex",),
                   name="small-train")


@pytest.fixture(scope="session")
def small_test() -> Dataset:
    return Dataset(make_frame(600, 1), target="hired", positive_label="yes", protected=("sex",),
                   name="small-test")
