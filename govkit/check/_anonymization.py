"""Checkers for the exercises of notebook 01 (anonymization)."""

from __future__ import annotations

import math

import pandas as pd

from govkit.anonymization import anonymize, assess, linkage_attack
from govkit.datasets import Dataset

from ._feedback import Feedback

__all__ = [
    "forgotten_quasi_identifier_exercise",
    "homogeneity_exercise",
    "unique_records_exercise",
]

_TOLERANCE = 0.5  # percentage points


def _percent(answer: object, example: str) -> tuple[float | None, Feedback | None]:
    """The answer as a number of percent, or the feedback explaining why it is not one."""
    if answer is None:
        return None, Feedback.no_answer(example)
    if isinstance(answer, bool):
        return None, Feedback(False, f"Answer with a percentage, e.g. {example}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None, Feedback(False, f"Answer with a number of percent, e.g. {example}.")
    if not math.isfinite(value):
        return None, Feedback(False, "Answer with a finite number of percent.")
    return value, None


def _verdict(value: float, truth: float, right: str, hint: str) -> Feedback:
    if abs(value - truth) <= _TOLERANCE:
        return Feedback(True, right)
    if abs(value * 100 - truth) <= _TOLERANCE:
        return Feedback(False, "Close: you gave a fraction; multiply by 100 for percent.")
    return Feedback(False, hint)


def unique_records_exercise(data: Dataset, answer: object) -> Feedback:
    """Exercise 01.1: what percentage of the records are unique on the quasi-identifiers?

    Parameters
    ----------
    data : Dataset
        The raw training data (its quasi-identifiers are used).
    answer : float
        Percent of records alone in their equivalence class; within 0.5 points counts.

    Examples
    --------
    >>> from govkit.check import unique_records_exercise
    >>> from govkit.datasets import load_adult
    >>> bool(unique_records_exercise(load_adult(), 47.5))
    True
    """
    value, problem = _percent(answer, "12.3")
    if problem is not None:
        return problem
    truth = 100 * assess(data).unique_share
    return _verdict(
        value, truth,
        f"{truth:.1f}% of the people are the only one with their combination of "
        f"{len(data.quasi_identifiers)} quasi-identifiers: anyone who knows those facts about "
        "them finds their row, name or no name.",
        "Measure the raw data with assess(train) and read unique_share (a fraction), or the "
        "panel's 'records alone in their class' row for the raw data.",
    )


def homogeneity_exercise(data: Dataset, answer: object) -> Feedback:
    """Exercise 01.2: in a k=10 Mondrian release without l-diversity, what percentage of records
    sit in a class where everyone has the same income?

    Parameters
    ----------
    data : Dataset
        The training data (the target is the sensitive attribute).
    answer : float
        Percent of released records; within 0.5 points counts.

    Examples
    --------
    >>> from govkit.check import homogeneity_exercise
    >>> from govkit.datasets import load_adult
    >>> bool(homogeneity_exercise(load_adult(), 34.5))
    True
    """
    value, problem = _percent(answer, "12.3")
    if problem is not None:
        return problem
    _, result = anonymize(data, k=10)
    truth = 100 * result.assessment.homogeneous_share
    return _verdict(
        value, truth,
        f"{truth:.1f}% of the released records are in classes where every member has the same "
        f"{data.target}: an attacker who finds someone's class learns their {data.target} "
        "without ever knowing which row is theirs. Now require l=2 and watch it fall to 0.",
        "Anonymize with anonymize(train, k=10) and read result.assessment.homogeneous_share "
        "(a fraction), or the panel's 'records in classes with one income value' row.",
    )


def forgotten_quasi_identifier_exercise(people: Dataset, register: pd.DataFrame,
                                        answer: object) -> Feedback:
    """Exercise 01.3: anonymize at k=10 but forget the ZIP code; what share of the register is
    re-identified?

    Parameters
    ----------
    people : Dataset
        Training data with synthetic identifiers (ZIP code among the quasi-identifiers).
    register : DataFrame
        The public register of the notebook.
    answer : float
        Percent of register entries re-identified; within 0.5 points counts.

    Examples
    --------
    >>> from govkit.anonymization import public_register
    >>> from govkit.check import forgotten_quasi_identifier_exercise
    >>> from govkit.datasets import add_synthetic_identifiers, load_adult
    >>> people = add_synthetic_identifiers(load_adult("test"))
    >>> feedback = forgotten_quasi_identifier_exercise(people, public_register(people), 0.0)
    >>> feedback.ok
    False
    """
    value, problem = _percent(answer, "12.3")
    if problem is not None:
        return problem
    forgotten = [c for c in people.quasi_identifiers if c != "zip_code"]
    released, result = anonymize(people, quasi_identifiers=forgotten, k=10)
    attack = linkage_attack(register, released, result=result)
    truth = 100 * attack.reidentified_share
    return _verdict(
        value, truth,
        f"{truth:.1f}% of the register is re-identified although every class has at least 10 "
        "members: k-anonymity only protects against the quasi-identifiers it was computed on, "
        "and the ZIP code was released exactly.",
        "Anonymize with quasi_identifiers=[c for c in people.quasi_identifiers if c != "
        "'zip_code'] and k=10, then run linkage_attack(register, released, result=result) and "
        "read reidentified_share (a fraction).",
    )
