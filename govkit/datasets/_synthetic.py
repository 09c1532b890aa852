"""A seeded synthetic credit dataset: the pipeline's second dataset, generated, never downloaded.

It exists to show that govkit's pipeline runs on data it has never seen,
described only by a config file (``examples/credit/``). It is synthetic: every
person is invented, and the relations between the columns are set by the
simple generative model below, with two deliberate governance problems built
in so the stages have something to find:

- a historical pay gap: women's incomes are drawn lower, and income drives
  repayment, so a model trained on this data selects men more often;
- a proxy: ``postcode`` is strongly associated with ``nationality`` (people
  born abroad cluster in a few postcodes), so dropping ``nationality`` does not
  remove its influence.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import as_generator, check_interval

from ._identifiers import _FEMALE, _MALE, _SURNAMES

__all__ = ["CREDIT_POSTCODES", "make_credit"]

_PURPOSES = ("car", "home improvement", "education", "business", "debt consolidation", "other")
_HOUSING = ("own", "mortgage", "rent", "living with family")
_HISTORY = ("good", "fair", "poor")
_MARITAL = ("single", "married", "divorced", "widowed")


# The synthetic region's postcodes: fixed for every seed, and public (like a postal
# service's list), so a DP model may take them as its categories without looking at the data.
CREDIT_POSTCODES = tuple(
    f"{code:05d}"
    for code in np.random.default_rng(20_240).choice(np.arange(10_000, 99_999), 120, replace=False)
)


def make_credit(n_rows: int = 6000, *, random_state: Any = 0) -> pd.DataFrame:
    """Generate the synthetic credit-repayment table.

    Parameters
    ----------
    n_rows : int
        Number of applicants (between 100 and 1,000,000).
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        The same whole number gives the same table, byte for byte once written.

    Returns
    -------
    pandas.DataFrame
        Columns: ``applicant_name``, ``email`` (synthetic direct identifiers,
        ``@example.com``), ``age``, ``sex``, ``nationality``, ``marital_status``,
        ``postcode``, ``income`` (yearly, EUR), ``employment_years``,
        ``housing``, ``credit_history``, ``existing_loans``, ``loan_purpose``,
        ``loan_amount``, ``loan_term_months`` and the target ``repaid``
        (``yes``/``no``). About 3% of ``employment_years`` is missing.

    Examples
    --------
    >>> from govkit.datasets import make_credit
    >>> frame = make_credit(500, random_state=0)
    >>> frame.shape, sorted(frame["repaid"].unique())
    ((500, 16), ['no', 'yes'])
    """
    n = check_interval(n_rows, param="n_rows", func="make_credit", low=100, high=1_000_000,
                       integer=True, example=6000)
    rng = as_generator(random_state, func="make_credit")
    female = rng.random(n) < 0.48
    sex = np.where(female, "female", "male")
    foreign = rng.random(n) < 0.18
    nationality = np.where(foreign, "foreign-born", "domestic")
    age = np.clip(np.round(rng.gamma(9.0, 4.6, n) + 1), 18, 80).astype(int)
    marital = np.where(
        age < 27,
        rng.choice(_MARITAL, n, p=[0.75, 0.22, 0.03, 0.0]),
        rng.choice(_MARITAL, n, p=[0.3, 0.52, 0.13, 0.05]),
    )
    # The region's 120 postcodes; foreign-born applicants concentrate in 12 of them (the proxy).
    codes = np.array(CREDIT_POSTCODES)
    local_weights = rng.dirichlet(np.full(120, 0.8))
    postcode = np.where(
        foreign,
        rng.choice(codes[:12], n),
        rng.choice(codes, n, p=local_weights),
    )
    experience = np.clip(age - 18 - rng.exponential(4, n), 0, None)
    employment_years = np.round(np.minimum(experience, rng.gamma(2.0, 4.0, n)), 1)
    log_income = (
        9.15 + 0.035 * np.minimum(age, 55) - 0.00005 * (age - 40) ** 2
        + 0.02 * employment_years - 0.22 * female - 0.12 * foreign + rng.normal(0, 0.35, n)
    )
    income = np.round(np.exp(log_income), -2).astype(int)
    housing = np.where(
        age > 35,
        rng.choice(_HOUSING, n, p=[0.25, 0.4, 0.3, 0.05]),
        rng.choice(_HOUSING, n, p=[0.05, 0.2, 0.5, 0.25]),
    )
    history = rng.choice(_HISTORY, n, p=[0.6, 0.28, 0.12])
    existing_loans = rng.poisson(0.8, n)
    purpose = rng.choice(_PURPOSES, n, p=[0.3, 0.15, 0.1, 0.1, 0.25, 0.1])
    amount = np.round(np.clip(income * rng.uniform(0.1, 0.9, n), 1000, 100_000), -2).astype(int)
    term = rng.choice([12, 24, 36, 48, 60], n, p=[0.15, 0.25, 0.3, 0.15, 0.15])

    burden = amount / np.maximum(income, 1) * 12 / term
    score = (
        1.3
        + 1.4 * (np.log(income) - 10.6)
        - 2.2 * burden
        + 0.03 * np.minimum(employment_years, 20)
        + np.select([history == "good", history == "fair"], [0.7, 0.0], -1.1)
        - 0.25 * existing_loans
        + np.where(housing == "own", 0.3, 0.0)
        + np.where(purpose == "business", -0.4, 0.0)
        + rng.logistic(0, 1, n) * 0.9
    )
    repaid = np.where(score > 0, "yes", "no")

    first = np.where(female, rng.choice(_FEMALE, n), rng.choice(_MALE, n))
    last = rng.choice(_SURNAMES, n)
    serial = rng.choice(1_000_000, size=n, replace=False)
    employment = pd.Series(employment_years, dtype="float64")
    employment[rng.random(n) < 0.03] = np.nan
    return pd.DataFrame(
        {
            "applicant_name": [f"{f} {s}" for f, s in zip(first, last, strict=True)],
            "email": [f"{f.lower()}.{s.lower()}.{k:06d}@example.com" for f, s, k in zip(first, last, serial, strict=True)],
            "age": age,
            "sex": sex,
            "nationality": nationality,
            "marital_status": marital,
            "postcode": postcode,
            "income": income,
            "employment_years": employment,
            "housing": housing,
            "credit_history": history,
            "existing_loans": existing_loans,
            "loan_purpose": purpose,
            "loan_amount": amount,
            "loan_term_months": term,
            "repaid": repaid,
        }
    )
