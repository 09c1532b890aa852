"""The column profile behind :meth:`Dataset.profile`: role, kind, missing and distinct values, problems.

It works on a frame and the Dataset's roles (``Dataset.roles``), not on the
Dataset class, so that the class can call it without an import cycle;
:func:`govkit.datasets.check_data` builds on it.

Nothing here prints a value of the data: a likely direct identifier is
reported with the reason it was flagged, never with an example.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ._columns import is_number
from ._identifier_rules import declared_not_identifiers, identifier_findings, undeclared_findings

__all__ = ["MAX_NUMERIC_GROUPS", "column_profile", "needs_binning"]

#: A numeric protected attribute with more distinct values than this needs binning.
MAX_NUMERIC_GROUPS = 10

_PROBLEM_MISSING_PROTECTED = (
    "{n} missing value(s) in a protected column; fill them (e.g. 'unknown') in the source data"
)
_PROBLEM_MISSING_TARGET = "{n} missing value(s) in the target; fill or remove those rows"
_PROBLEM_NUMERIC_PROTECTED = (
    "protected column is numeric with {n} distinct values; bin it into a few groups first "
    "(e.g. age bands as a new column) and declare that column protected"
)
_PROBLEM_ALL_MISSING = "every value is missing; remove the column or fill it in the source data"
_PROBLEM_IDENTIFIER = (
    "looks like a direct identifier ({reason}); declare identifiers=[{column!r}] to remove it "
    "or not_identifiers=[{column!r}] to keep it as a feature"
)
_NOTE_CONSTANT = "a single value in every row: carries no information for the model"


def needs_binning(values: pd.Series) -> bool:
    """A numeric protected attribute with many values (ages, incomes) is not a set of groups."""
    return is_number(values) and values.nunique(dropna=True) > MAX_NUMERIC_GROUPS


def _feature_names(frame: pd.DataFrame, roles: Mapping[str, Any]) -> list[str]:
    return [str(c) for c in frame.columns if c != roles["target"]
            and c not in roles["identifiers"] and c not in roles["exclude"]]


def _column_roles(roles: Mapping[str, Any], features: list[str], column: str) -> str:
    said = []
    if column == roles["target"]:
        said.append("target")
    for role, name in (("identifiers", "identifier"), ("protected", "protected"),
                       ("quasi_identifiers", "quasi-identifier"), ("exclude", "excluded")):
        if column in roles[role]:
            said.append(name)
    if column in features:
        said.append("feature")
    return ", ".join(said)


def column_profile(frame: pd.DataFrame, roles: Mapping[str, Any]) -> pd.DataFrame:
    """The table behind :meth:`Dataset.profile` (see there), from the frame and ``Dataset.roles``."""
    findings = identifier_findings(frame)
    declared = {*declared_not_identifiers(frame), *roles["identifiers"],
                *roles["not_identifiers"], roles["target"]}
    undeclared = set(undeclared_findings(findings, declared)["column"])
    findings = findings.set_index("column")
    features = _feature_names(frame, roles)
    rows = []
    for column in frame.columns:
        column = str(column)
        values = frame[column]
        missing = int(values.isna().sum())
        distinct = int(values.nunique(dropna=True))
        if column in roles["numeric"]:
            kind = "numeric"
        elif column in roles["categorical"]:
            kind = "categorical"
        else:  # not a feature: say what it would be
            kind = "numeric" if is_number(values) else "categorical"
        problems, notes = [], []
        if missing == len(values):
            problems.append(_PROBLEM_ALL_MISSING)
        elif column == roles["target"] and missing:
            problems.append(_PROBLEM_MISSING_TARGET.format(n=missing))
        elif column in roles["protected"] and missing:
            problems.append(_PROBLEM_MISSING_PROTECTED.format(n=missing))
        if column in roles["protected"] and needs_binning(values):
            problems.append(_PROBLEM_NUMERIC_PROTECTED.format(n=distinct))
        flagged = column in findings.index
        reason = str(findings.loc[column, "reason"]) if flagged else ""
        if column in undeclared:
            problems.append(_PROBLEM_IDENTIFIER.format(reason=reason, column=column))
        if column in features and distinct <= 1 and missing < len(values):
            notes.append(_NOTE_CONSTANT)
        rows.append({
            "column": column,
            "role": _column_roles(roles, features, column),
            "kind": kind,
            "dtype": str(values.dtype),
            "missing": missing,
            "missing_share": missing / len(values),
            "distinct": distinct,
            "likely_identifier": flagged,
            "identifier_reason": reason,
            "problem": "; ".join(problems),
            "note": "; ".join(notes),
        })
    return pd.DataFrame(rows).set_index("column")
