"""Input validation shared by the anonymization functions, with the messages they raise.

Every check names the parameter or column, the value received and the fix, so
that a wrong call fails on the caller's line with a sentence, not a pandas
traceback from deep inside an algorithm.

The generic checks are govkit's one layer (:mod:`govkit._validation` for
random_state, choices and intervals; :func:`govkit.datasets.as_frame` for a
Dataset or a DataFrame). What stays here is anonymization's own vocabulary:
k (bounded by the rows), l (bounded by the sensitive column), t, the
suppression limit, the quasi-identifier and sensitive columns, with messages
that say what the privacy model needs. :func:`check_choice_why` adds such a
reason to a generic choice check.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import check_choice, check_interval

__all__ = [
    "DIVERSITIES",
    "DIVERSITY_WHY",
    "RENAMED_ATTRIBUTE",
    "check_choice_why",
    "check_interval_why",
    "check_k",
    "check_l",
    "check_max_suppression",
    "check_quasi_identifiers",
    "check_sensitive",
    "check_t",
]

#: The two kinds of l-diversity: count distinct sensitive values, or exp(entropy).
DIVERSITIES = ("distinct", "entropy")

RENAMED_ATTRIBUTE = (
    "{owner}.sensitive is now {owner}.sensitive_column (govkit's one vocabulary: "
    "sensitive_features are group values, the l-diversity/t-closeness column is "
    "sensitive_column); .sensitive still works in this release and will be removed in the next."
)
NO_QUASI_IDENTIFIERS = (
    "{func}: quasi_identifiers is empty{why}; pass the columns an attacker could know, e.g. "
    "quasi_identifiers=['age', 'sex', 'zip_code']."
)
QI_TYPE = (
    "{func}: quasi_identifiers must be a list of column names, got {kind} ({value!r}); pass "
    "e.g. quasi_identifiers=['age', 'sex']."
)
QI_NOT_IN_FRAME = (
    "{func}: quasi-identifier {column!r} is not a column of the data{hint}. Columns: "
    "{available}. Fix the name or remove it from quasi_identifiers."
)
QI_ALL_MISSING = (
    "{func}: quasi-identifier {column!r} has no values at all (all {rows} rows are missing), so "
    "it cannot be generalized; remove it from quasi_identifiers or fill it first."
)
QI_IS_SENSITIVE = (
    "{func}: column {column!r} is both a quasi-identifier and the sensitive attribute; an "
    "attribute the attacker knows cannot also be the secret. Remove it from one of them."
)
K_TYPE = "{func}: k must be a whole number, got {value!r} ({kind}); pass e.g. k=5."
K_TOO_SMALL = (
    "{func}: k={value} is below 2; k-anonymity needs every released record to be "
    "indistinguishable from at least k-1 others, so pass k >= 2 (5 or 10 are common)."
)
K_TOO_LARGE = (
    "{func}: k={value} exceeds the number of rows ({rows}); no release can put {value} records "
    "in every class. Pass k <= {rows}."
)
L_TYPE = "{func}: l must be a number >= 1, got {value!r} ({kind}); pass e.g. l=2."
L_TOO_SMALL = (
    "{func}: l={value} is below 1; pass l=None for no l-diversity, or l >= 2 to require "
    "several sensitive values in every class."
)
L_TOO_LARGE_DISTINCT = (
    "{func}: l={value} exceeds the {count} distinct values of the sensitive column "
    "{column!r}; no class can hold more distinct values than exist. Pass l <= {count}, or "
    "choose a sensitive column with more values."
)
L_TOO_LARGE_ENTROPY = (
    "{func}: entropy l-diversity with l={value} is impossible: the whole sensitive column "
    "{column!r} only reaches exp(entropy) = {best:.3f}, and no class can be more diverse than "
    "the data as a whole. Pass l <= {best:.2f}, or use diversity='distinct'."
)
L_NEEDS_INTEGER = (
    "{func}: distinct l-diversity counts values, so l must be a whole number, got {value!r}; "
    "pass e.g. l=2, or use diversity='entropy' for a fractional l."
)
DIVERSITY_WHY = (
    "'distinct' counts the sensitive values of a class, 'entropy' requires exp(entropy) >= l."
)
T_RANGE = (
    "{func}: t={value!r} is outside (0, 1]; t is the largest allowed Earth Mover's Distance "
    "between a class's sensitive values and the whole data's, so pass e.g. t=0.2 (t=1 allows "
    "anything; t=None turns t-closeness off)."
)
SUPPRESSION_RANGE = (
    "{func}: max_suppression={value!r} must be a share of rows between 0 and 1 (e.g. 0.01 "
    "for at most 1%); pass 0 to forbid suppression."
)
SENSITIVE_NEEDED = (
    "{func}: {what} needs a sensitive attribute; pass sensitive_column='<column>' (for a Dataset "
    "it defaults to the target)."
)
SENSITIVE_NOT_IN_FRAME = (
    "{func}: sensitive_column={column!r} is not in the data{hint}. Columns: {available}. Fix "
    "the name."
)
SENSITIVE_MISSING = (
    "{func}: the sensitive column {column!r} has {count} missing value(s); l-diversity and "
    "t-closeness need a value for every row. Fill them (e.g. with a 'missing' category) first."
)


def _close(name: str, available: list[str]) -> str:
    close = difflib.get_close_matches(str(name), available, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _shown(values: Iterable[Any], limit: int = 12) -> str:
    values = [str(v) for v in values]
    text = ", ".join(values[:limit])
    return text + (f", ... ({len(values) - limit} more)" if len(values) > limit else "")


def check_choice_why(value: Any, options: Iterable[str], *, param: str, func: str, why: str) -> str:
    """:func:`govkit._validation.check_choice`, its message followed by ``why`` (what each option does)."""
    try:
        return check_choice(value, options, param=param, func=func)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error} {why}") from None


def check_interval_why(value: Any, *, why: str, **interval: Any) -> float | int:
    """:func:`govkit._validation.check_interval`, its message followed by ``why`` (what the number means)."""
    try:
        return check_interval(value, **interval)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{error} {why}") from None


def check_quasi_identifiers(
    frame: pd.DataFrame, quasi_identifiers: Any, func: str, *, why: str = ""
) -> tuple[str, ...]:
    """Validate a list of quasi-identifier columns and return it as a tuple."""
    if isinstance(quasi_identifiers, str):
        quasi_identifiers = (quasi_identifiers,)
    try:
        columns = tuple(dict.fromkeys(quasi_identifiers))
    except TypeError:
        raise TypeError(
            QI_TYPE.format(func=func, kind=type(quasi_identifiers).__name__, value=quasi_identifiers)
        ) from None
    if not columns:
        raise ValueError(NO_QUASI_IDENTIFIERS.format(func=func, why=why))
    available = [str(c) for c in frame.columns]
    for column in columns:
        if not isinstance(column, str):
            raise TypeError(QI_TYPE.format(func=func, kind=type(column).__name__, value=column))
        if column not in frame.columns:
            raise ValueError(
                QI_NOT_IN_FRAME.format(
                    func=func, column=column, hint=_close(column, available),
                    available=_shown(available, 20),
                )
            )
        if frame[column].isna().all():
            raise ValueError(QI_ALL_MISSING.format(func=func, column=column, rows=len(frame)))
    return columns


def check_k(k: Any, rows: int, func: str) -> int:
    """Validate k: a whole number with 2 <= k <= rows."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        if isinstance(k, (float, np.floating)) and float(k).is_integer():
            k = int(k)
        else:
            raise TypeError(K_TYPE.format(func=func, value=k, kind=type(k).__name__))
    k = int(k)
    if k < 2:
        raise ValueError(K_TOO_SMALL.format(func=func, value=k))
    if k > rows:
        raise ValueError(K_TOO_LARGE.format(func=func, value=k, rows=rows))
    return k


def check_sensitive(
    frame: pd.DataFrame, column: Any, quasi_identifiers: tuple[str, ...], func: str, what: str
) -> str:
    """Validate the sensitive column name (present, complete, not a quasi-identifier)."""
    if column is None:
        raise ValueError(SENSITIVE_NEEDED.format(func=func, what=what))
    available = [str(c) for c in frame.columns]
    if not isinstance(column, str) or column not in frame.columns:
        raise ValueError(
            SENSITIVE_NOT_IN_FRAME.format(
                func=func, column=column, hint=_close(str(column), available),
                available=_shown(available, 20),
            )
        )
    if column in quasi_identifiers:
        raise ValueError(QI_IS_SENSITIVE.format(func=func, column=column))
    missing = int(frame[column].isna().sum())
    if missing:
        raise ValueError(SENSITIVE_MISSING.format(func=func, column=column, count=missing))
    return column


def check_l(l: Any, diversity: str, values: pd.Series, column: str, func: str) -> float | None:  # noqa: E741
    """Validate l against the sensitive column; ``None`` means no l-diversity."""
    check_choice_why(diversity, DIVERSITIES, param="diversity", func=func, why=DIVERSITY_WHY)
    if l is None:
        return None
    if isinstance(l, bool) or not isinstance(l, (int, float, np.integer, np.floating)):
        raise TypeError(L_TYPE.format(func=func, value=l, kind=type(l).__name__))
    l = float(l)  # noqa: E741
    if not math.isfinite(l) or l < 1:
        raise ValueError(L_TOO_SMALL.format(func=func, value=l))
    if diversity == "distinct":
        if not l.is_integer():
            raise ValueError(L_NEEDS_INTEGER.format(func=func, value=l))
        count = int(values.nunique())
        if l > count:
            raise ValueError(
                L_TOO_LARGE_DISTINCT.format(func=func, value=int(l), count=count, column=column)
            )
    else:
        shares = values.value_counts(normalize=True).to_numpy()
        best = float(np.exp(-(shares * np.log(shares)).sum()))
        if l > best + 1e-9:
            raise ValueError(L_TOO_LARGE_ENTROPY.format(func=func, value=l, column=column, best=best))
    return l


def check_t(t: Any, func: str) -> float | None:
    """Validate t in (0, 1]; ``None`` means no t-closeness."""
    if t is None:
        return None
    if isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)):
        raise TypeError(T_RANGE.format(func=func, value=t))
    t = float(t)
    if not (0 < t <= 1):
        raise ValueError(T_RANGE.format(func=func, value=t))
    return t


def check_max_suppression(value: Any, func: str) -> float:
    """Validate a suppression limit (a share of rows in [0, 1])."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(SUPPRESSION_RANGE.format(func=func, value=value))
    value = float(value)
    if not (0 <= value <= 1):
        raise ValueError(SUPPRESSION_RANGE.format(func=func, value=value))
    return value
