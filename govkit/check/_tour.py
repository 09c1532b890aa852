"""Checkers for the exercises of notebook 00 (the dataset tour)."""

from __future__ import annotations

import math

from govkit.datasets import Dataset, group_summary

from ._feedback import Feedback, ranked_answer

__all__ = ["smallest_group_exercise", "base_rate_gap_exercise"]


def smallest_group_exercise(data: Dataset, answer: object) -> Feedback:
    """Exercise 00.1: which sex × race group is the smallest in the data?

    Parameters
    ----------
    data : Dataset
        The data the attendee explored (Adult train in the notebook).
    answer : str
        The group, written like the panel shows it, e.g. ``"Female × Other"``.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.check import smallest_group_exercise
    >>> bool(smallest_group_exercise(load_adult(), "Female × Other"))
    True
    """
    table = group_summary(data, list(data.protected[:2]))
    smallest = str(table["count"].idxmin())

    def read(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        return " × ".join(part.strip() for part in value.replace(" x ", " × ").split("×"))

    return ranked_answer(
        answer, best=smallest, ranking=table.index, read=read, example=repr(table.index[0]),
        not_a_label=f"Answer with the group's label as a string, e.g. {table.index[0]!r}.",
        right=(f"{smallest} has only {int(table.loc[smallest, 'count'])} rows: every rate "
               "computed for it later will carry a wide margin of error."),
        other=lambda name: (f"{name} has {int(table.loc[name, 'count'])} rows; there is a "
                            "smaller one. Group by both protected attributes in the panel and "
                            "sort by size."),
        unknown=lambda name: f"{answer!r} is not a group label. Labels look like {table.index[-1]!r}.",
    )


def base_rate_gap_exercise(data: Dataset, answer: object) -> Feedback:
    """Exercise 00.2: by how many percentage points does the base rate of men exceed women's?

    Parameters
    ----------
    data : Dataset
    answer : float
        The gap in percentage points (e.g. ``12.5``); within 0.5 points counts.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.check import base_rate_gap_exercise
    >>> bool(base_rate_gap_exercise(load_adult(), 19.6))
    True
    """
    table = group_summary(data, "sex")
    rates = table["base_rate"]
    if not {"Male", "Female"}.issubset(rates.index):
        return Feedback(False, "This exercise needs a 'sex' column with 'Male' and 'Female'.")
    gap = 100 * (rates["Male"] - rates["Female"])
    if answer is None:
        return Feedback.no_answer("12.3")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, "Answer with a number of percentage points, e.g. 12.3.")
    if not math.isfinite(value):
        return Feedback(False, "Answer with a finite number of percentage points.")
    if abs(value - gap) <= 0.5:
        return Feedback(True, f"The gap is {gap:.1f} points: {rates['Male']:.1%} vs {rates['Female']:.1%}.")
    if abs(value * 100 - gap) <= 0.5:
        return Feedback(False, "Close: you gave a fraction; multiply by 100 for percentage points.")
    return Feedback(
        False,
        "Group by sex in the panel and subtract the women's base rate from the men's, "
        "in percentage points.",
    )
