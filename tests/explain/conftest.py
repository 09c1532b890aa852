"""Fixtures of the explanations tests: a tiny synthetic population and the Adult models."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset


@pytest.fixture(autouse=True)
def _close_figures():
    """Every plot test closes what it drew (matplotlib warns past 20 open figures)."""
    yield
    plt.close("all")


def make_people(n: int = 400, random_state: int = 0) -> Dataset:
    """A small population whose outcome depends on age, hours, job and a sex proxy."""
    rng = np.random.default_rng(random_state)
    sex = rng.choice(["Female", "Male"], size=n)
    relationship = np.where(
        rng.random(n) < 0.85, np.where(sex == "Female", "Wife", "Husband"), "Unmarried"
    ).astype(object)
    relationship[rng.random(n) < 0.05] = None  # missing values, as in Adult
    job = rng.choice(["clerk", "engineer", "farmer"], size=n, p=[0.5, 0.3, 0.2])
    age = rng.integers(18, 70, size=n)
    hours = rng.integers(10, 60, size=n)
    logit = 0.08 * (age - 40) + 0.05 * (hours - 35) + 1.5 * (job == "engineer") - 0.6
    income = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), ">50K", "<=50K")
    frame = pd.DataFrame(
        {
            "age": age,
            "sex": pd.Series(sex, dtype="str"),
            "relationship": pd.Series(relationship, dtype="str"),
            "job": pd.Series(job, dtype="str"),
            "hours": hours,
            "income": income,
        }
    )
    return Dataset(frame, target="income", positive_label=">50K", protected=("sex",), name="people")


@pytest.fixture(scope="session")
def people() -> Dataset:
    return make_people()


@pytest.fixture(scope="session")
def people_models(people):
    from govkit.explain import fit_ebm
    from govkit.models import fit_model

    return {
        "gradient_boosting": fit_model("gradient_boosting", people),
        "logistic_regression": fit_model("logistic_regression", people),
        "ebm": fit_ebm(people),
    }


@pytest.fixture(scope="session")
def adult_models(adult_train):
    from govkit.explain import fit_ebm
    from govkit.models import fit_model

    return {
        "gradient_boosting": fit_model("gradient_boosting", adult_train),
        "logistic_regression": fit_model("logistic_regression", adult_train),
        "ebm": fit_ebm(adult_train),
    }
