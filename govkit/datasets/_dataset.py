"""The Dataset object: a data frame plus the roles of its columns.

Every stage of the workbook accepts a :class:`Dataset`. The roles say which
column is the target (and which label is the positive outcome), which are
protected attributes, quasi-identifiers and direct identifiers, and which
columns are numeric or categorical.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Iterable
from functools import cached_property
from typing import Any

import pandas as pd

from govkit.ledger import fingerprint

__all__ = ["Dataset", "record_load"]

_NOT_A_FRAME = (
    "Dataset: frame must be a pandas DataFrame, got {kind}; load data with "
    "govkit.datasets.load_adult() or govkit.datasets.from_csv(path, ...)."
)
_EMPTY = "Dataset: the data has no rows; supply a file or frame with at least one data row."
_DUPLICATE_COLUMNS = (
    "Dataset: column names must be unique, but {names} appear more than once; rename them "
    "before loading."
)
_UNKNOWN_COLUMN = (
    "{role}: column {column!r} is not in the data{hint}. Available columns: {available}. "
    "Fix the name or remove it from {role}."
)
_TARGET_IN_ROLE = (
    "{role}: the target column {column!r} cannot also be {what}; remove it from {role}."
)
_IDENTIFIER_OVERLAP = (
    "identifiers: column {column!r} is also listed in {role}; a direct identifier is removed "
    "before any analysis, so it cannot be {what} too. Keep it in one role only."
)
_TARGET_MISSING = (
    "target: column {column!r} has {count} missing value(s) (first at row {row}); a target "
    "cannot be missing. Fill or remove those rows in the source data first; govkit never "
    "drops rows silently."
)
_TARGET_NOT_BINARY = (
    "target: column {column!r} has {count} distinct values ({values}); govkit's stages need a "
    "binary outcome. Binarize it first, e.g. a new column that is 1 when {column!r} is the "
    "favourable value and 0 otherwise, and pass that as target."
)
_TARGET_ONE_VALUE = (
    "target: column {column!r} has a single value ({value!r}); a binary outcome needs two. "
    "Check that the right column was chosen."
)
_POSITIVE_NOT_FOUND = (
    "positive_label: {label!r} does not occur in target column {column!r}, whose values are "
    "{values}; pass one of them as positive_label."
)
_NOT_NUMERIC = (
    "numeric: column {column!r} has dtype {dtype} and cannot be treated as numeric; move it "
    "to categorical or convert it first."
)


def _as_columns(value: str | Iterable[str] | None, role: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        columns = tuple(value)
    except TypeError:
        raise TypeError(
            f"{role}: expected a column name or a list of column names, got "
            f"{type(value).__name__} ({value!r}); pass e.g. {role}=['sex', 'race']."
        ) from None
    for column in columns:
        if not isinstance(column, str):
            raise TypeError(
                f"{role}: column names must be strings, got {column!r} "
                f"({type(column).__name__}); pass the column's name as it appears in the header."
            )
    return tuple(dict.fromkeys(columns))  # keep order, drop repeats


def _values_text(values: Iterable[Any], limit: int = 8) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f", ... ({len(values) - limit} more)" if len(values) > limit else "")


def _plain(value: Any) -> Any:
    """A JSON-friendly version of a label (numpy scalars become Python ones)."""
    if hasattr(value, "item"):
        return value.item()
    return value if isinstance(value, (str, int, float, bool)) else str(value)


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Tabular data with the roles of its columns, accepted by every govkit stage.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data. govkit never modifies it; the properties below return copies.
    target : str
        The outcome column (binary).
    positive_label : object
        The value of ``target`` that counts as the favourable outcome (1).
    protected : tuple of str
        Protected attributes for fairness analysis (e.g. ``sex``, ``race``).
    quasi_identifiers : tuple of str
        Columns that together can single a person out (age, ZIP code, ...).
    identifiers : tuple of str
        Direct identifiers (name, e-mail, ID number). Never model features.
    numeric, categorical : tuple of str, optional
        Kinds of the feature columns; inferred from the dtypes when omitted
        (numbers are numeric, everything else categorical).
    name : str
        A short label used in reports.

    Attributes
    ----------
    feature_names : tuple of str
        Model inputs: every column except the target and direct identifiers.
    X : pandas.DataFrame
        A copy of the feature columns.
    y : pandas.Series
        The target as 0/1 integers (1 = ``positive_label``).
    sensitive_features : pandas.DataFrame
        A copy of the protected columns.
    fingerprint : str
        sha256 of the frame and the roles.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import Dataset
    >>> frame = pd.DataFrame({"age": [25, 40, 33], "sex": ["F", "M", "F"],
    ...                       "hired": ["yes", "no", "yes"]})
    >>> data = Dataset(frame, target="hired", positive_label="yes", protected=("sex",))
    >>> data.y.tolist(), data.numeric, data.categorical
    ([1, 0, 1], ('age',), ('sex',))
    """

    frame: pd.DataFrame
    target: str
    positive_label: Any
    protected: tuple[str, ...] = ()
    quasi_identifiers: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    numeric: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    name: str = "data"

    def __post_init__(self) -> None:
        frame = self.frame
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(_NOT_A_FRAME.format(kind=type(frame).__name__))
        if len(frame) == 0:
            raise ValueError(_EMPTY)
        duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
        if duplicated:
            raise ValueError(_DUPLICATE_COLUMNS.format(names=duplicated))
        columns = [str(c) for c in frame.columns]
        set_ = object.__setattr__
        set_(self, "protected", _as_columns(self.protected, "protected"))
        set_(self, "quasi_identifiers", _as_columns(self.quasi_identifiers, "quasi_identifiers"))
        set_(self, "identifiers", _as_columns(self.identifiers, "identifiers"))
        self._check_columns("target", (self.target,), columns)
        for role in ("protected", "quasi_identifiers", "identifiers"):
            self._check_columns(role, getattr(self, role), columns)
            if self.target in getattr(self, role):
                raise ValueError(
                    _TARGET_IN_ROLE.format(role=role, column=self.target, what=f"in {role}")
                )
        for role, what in (("protected", "a protected attribute"),
                           ("quasi_identifiers", "a quasi-identifier")):
            for column in self.identifiers:
                if column in getattr(self, role):
                    raise ValueError(_IDENTIFIER_OVERLAP.format(column=column, role=role, what=what))
        set_(self, "positive_label", self._check_target())
        self._resolve_kinds(columns)

    # -- validation -----------------------------------------------------------------
    def _check_columns(self, role: str, wanted: Iterable[str], available: list[str]) -> None:
        for column in wanted:
            if column not in available:
                close = difflib.get_close_matches(str(column), available, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(
                    _UNKNOWN_COLUMN.format(
                        role=role, column=column, hint=hint, available=_values_text(available, 20)
                    )
                )

    def _check_target(self) -> Any:
        column = self.frame[self.target]
        missing = column.isna()
        if missing.any():
            raise ValueError(
                _TARGET_MISSING.format(
                    column=self.target, count=int(missing.sum()), row=column.index[missing][0]
                )
            )
        values = pd.unique(column)
        if len(values) > 2:
            raise ValueError(
                _TARGET_NOT_BINARY.format(
                    column=self.target, count=len(values), values=_values_text(values)
                )
            )
        if len(values) < 2:
            raise ValueError(_TARGET_ONE_VALUE.format(column=self.target, value=values[0]))
        label = self.positive_label
        if label in list(values):
            return label
        # A label given as text for a numeric column ("1" for 1), or the reverse.
        matches = [v for v in values if str(v) == str(label)]
        if len(matches) == 1:
            return matches[0]
        raise ValueError(
            _POSITIVE_NOT_FOUND.format(label=label, column=self.target, values=_values_text(values))
        )

    def _resolve_kinds(self, columns: list[str]) -> None:
        features = [c for c in columns if c != self.target and c not in self.identifiers]
        numeric = self.numeric
        categorical = self.categorical
        if numeric is not None:
            numeric = _as_columns(numeric, "numeric")
            self._check_columns("numeric", numeric, columns)
            for column in numeric:
                if not pd.api.types.is_numeric_dtype(self.frame[column]) or pd.api.types.is_bool_dtype(
                    self.frame[column]
                ):
                    raise ValueError(
                        _NOT_NUMERIC.format(column=column, dtype=self.frame[column].dtype)
                    )
        if categorical is not None:
            categorical = _as_columns(categorical, "categorical")
            self._check_columns("categorical", categorical, columns)
        if numeric is None:
            numeric = tuple(
                c for c in features
                if (categorical is None or c not in categorical)
                and pd.api.types.is_numeric_dtype(self.frame[c])
                and not pd.api.types.is_bool_dtype(self.frame[c])
            )
        if categorical is None:
            categorical = tuple(c for c in features if c not in numeric)
        object.__setattr__(self, "numeric", tuple(c for c in numeric if c in features))
        object.__setattr__(self, "categorical", tuple(c for c in categorical if c in features))

    # -- views ----------------------------------------------------------------------
    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(
            str(c) for c in self.frame.columns if c != self.target and c not in self.identifiers
        )

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802 - scikit-learn's name for the feature matrix
        return self.frame.loc[:, list(self.feature_names)].copy()

    @property
    def y(self) -> pd.Series:
        return (self.frame[self.target] == self.positive_label).astype("int64").rename(self.target)

    @property
    def sensitive_features(self) -> pd.DataFrame:
        return self.frame.loc[:, list(self.protected)].copy()

    @cached_property
    def fingerprint(self) -> str:
        roles = json.dumps(self.roles, sort_keys=True, default=str)
        return hashlib.sha256((fingerprint(self.frame) + roles).encode()).hexdigest()

    @property
    def roles(self) -> dict[str, Any]:
        """The column roles as a plain dict (what the ledger records)."""
        return {
            "target": self.target,
            "positive_label": _plain(self.positive_label),
            "protected": list(self.protected),
            "quasi_identifiers": list(self.quasi_identifiers),
            "identifiers": list(self.identifiers),
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
        }

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, rows={len(self.frame)}, target={self.target!r} "
            f"(positive {self.positive_label!r}), protected={list(self.protected)}, "
            f"quasi_identifiers={list(self.quasi_identifiers)}, "
            f"identifiers={list(self.identifiers)})"
        )

    def replace(self, **changes: Any) -> Dataset:
        """Return a new Dataset with some fields changed (the frame, a role, the name).

        When the frame changes, the column kinds are inferred again unless
        ``numeric``/``categorical`` are passed, because a new frame may hold
        generalized columns (an age range is no longer a number).

        Examples
        --------
        >>> from govkit.datasets import load_adult
        >>> data = load_adult()
        >>> data.replace(frame=data.frame.head(100), name="adult-sample").name
        'adult-sample'
        """
        if "frame" in changes:
            changes.setdefault("numeric", None)
            changes.setdefault("categorical", None)
        return dataclasses.replace(self, **changes)


def record_load(data: Dataset, ledger, **provenance: Any) -> dict[str, Any]:
    """Append a ``datasets/load`` record for ``data`` to ``ledger`` and return it.

    The record holds the provenance given (source, licence, file checksums,
    ...), the column roles, the data fingerprint and a few counts; never rows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import load_adult
    >>> from govkit.ledger import Ledger
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = load_adult("test", ledger=ledger)
    >>> ledger.records()[0]["metrics"]["rows"]
    16281
    """
    return ledger.append(
        "datasets",
        "load",
        parameters={"name": data.name, **provenance, "roles": data.roles},
        outputs={"data": data.fingerprint},
        metrics={
            "rows": len(data),
            "columns": data.frame.shape[1],
            "positive_rate": float(data.y.mean()),
            "missing_cells": int(data.frame.isna().sum().sum()),
        },
    )
