"""The Dataset object: a data frame plus the roles of its columns.

Every stage of the workbook accepts a :class:`Dataset`. The roles say which
column is the target (and which label is the positive outcome), which are
protected attributes, quasi-identifiers and direct identifiers, which columns
are kept out of the model (``exclude``) or were checked and are not
identifiers (``not_identifiers``), and which columns are numeric or
categorical.

Every column that is not the target, a direct identifier or excluded is a
model feature and gets a kind: the declared one, or else inferred from its
dtype (numbers are numeric, everything else categorical). Declaring some
columns never removes the others; the only way to keep a column out of the
model is to name it in ``identifiers`` or ``exclude``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

import pandas as pd

from govkit.ledger import fingerprint

from ._columns import NOT_IDENTIFIERS_ATTR, as_columns, is_number, values_text
from ._profile import column_profile

__all__ = ["Dataset"]

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
_BOTH_KINDS = (
    "numeric/categorical: column(s) {columns} are listed in both numeric and categorical; a "
    "column has one kind. Remove each from one of the two lists."
)
_NOT_IDENTIFIER_OVERLAP = (
    "not_identifiers: column {column!r} is also listed in identifiers; not_identifiers states "
    "that a column is not a direct identifier. Keep it in one of the two lists."
)
_EXCLUDED_IDENTIFIER = (
    "exclude: column {column!r} is also listed in identifiers; a direct identifier is never a "
    "model feature anyway. Keep it in identifiers only."
)
_BAD_READ_OPTIONS = (
    "Dataset: read_options must be a mapping (how the file was read, e.g. "
    "{{'encoding': 'utf-8', 'sep': ','}}) or None, got {kind}."
)
_NOT_NUMERIC = (
    "numeric: column {column!r} has dtype {dtype} and cannot be treated as numeric; move it "
    "to categorical or convert it first."
)


class ReadOptions(Mapping):
    """A read-only record of how a file was read (lists are stored as tuples); picklable.

    Examples
    --------
    >>> from govkit.datasets._dataset import ReadOptions
    >>> options = ReadOptions({"sep": ";", "detected": ["sep"]})
    >>> options["detected"], dict(options) == {"sep": ";", "detected": ("sep",)}
    (('sep',), True)
    """

    def __init__(self, options: Mapping[str, Any]):
        self._options = {str(k): tuple(v) if isinstance(v, list) else v
                         for k, v in options.items()}

    def __getitem__(self, key: str) -> Any:
        return self._options[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options)

    def __len__(self) -> int:
        return len(self._options)

    def __repr__(self) -> str:
        return f"ReadOptions({self._options!r})"


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
        Kinds of the feature columns. A feature column listed in neither gets
        its kind from its dtype (numbers are numeric, everything else
        categorical); a column listed in both is an error.
    name : str
        A short label used in reports.
    exclude : tuple of str
        Columns kept in the frame but not model features (not in
        ``feature_names``, ``X``, ``numeric`` or ``categorical``), e.g. a row
        number or a free-text comment. Naming a column here is the only way,
        besides ``identifiers``, to keep it out of the model.
    not_identifiers : tuple of str
        Columns that :func:`~govkit.datasets.find_identifiers` flags (a unique
        code, a column called ``customer_id``) but that the data holder has
        checked and states are not direct identifiers; they stay features.
    read_options : mapping, optional
        How the data was read (encoding, separator, decimal mark, thousands
        separator, and which were detected), as :func:`from_csv` decided.
        Recorded in the ledger's ``datasets/load`` record; not part of the
        fingerprint or of equality.

    Attributes
    ----------
    feature_names : tuple of str
        Model inputs: every column except the target, direct identifiers and
        excluded columns.
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
    exclude: tuple[str, ...] = ()
    not_identifiers: tuple[str, ...] = ()
    read_options: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False)

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
        set_(self, "protected", as_columns(self.protected, "protected"))
        set_(self, "quasi_identifiers", as_columns(self.quasi_identifiers, "quasi_identifiers"))
        set_(self, "identifiers", as_columns(self.identifiers, "identifiers"))
        set_(self, "exclude", as_columns(self.exclude, "exclude"))
        set_(self, "not_identifiers", as_columns(self.not_identifiers, "not_identifiers"))
        if self.read_options is not None:
            if not isinstance(self.read_options, Mapping):
                raise TypeError(_BAD_READ_OPTIONS.format(kind=type(self.read_options).__name__))
            set_(self, "read_options", ReadOptions(self.read_options))
        self._check_columns("target", (self.target,), columns)
        for role in ("protected", "quasi_identifiers", "identifiers", "exclude",
                     "not_identifiers"):
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
        for column in self.not_identifiers:
            if column in self.identifiers:
                raise ValueError(_NOT_IDENTIFIER_OVERLAP.format(column=column))
        for column in self.exclude:
            if column in self.identifiers:
                raise ValueError(_EXCLUDED_IDENTIFIER.format(column=column))
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
                        role=role, column=column, hint=hint, available=values_text(available, 20)
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
                    column=self.target, count=len(values), values=values_text(values)
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
            _POSITIVE_NOT_FOUND.format(label=label, column=self.target, values=values_text(values))
        )

    def _resolve_kinds(self, columns: list[str]) -> None:
        """Give every feature column one kind: declared first (in declared order), then inferred.

        Columns declared but not features (the target, an identifier, an excluded column) are
        left out, as before; a feature column declared in neither list gets its kind from its
        dtype, so declaring some columns never drops the others from the model.
        """
        features = self.feature_names
        numeric = as_columns(self.numeric, "numeric")
        categorical = as_columns(self.categorical, "categorical")
        self._check_columns("numeric", numeric, columns)
        self._check_columns("categorical", categorical, columns)
        both = [c for c in numeric if c in categorical]
        if both:
            raise ValueError(_BOTH_KINDS.format(columns=both))
        for column in numeric:
            if not is_number(self.frame[column]):
                raise ValueError(_NOT_NUMERIC.format(column=column, dtype=self.frame[column].dtype))
        declared = set(numeric) | set(categorical)
        inferred = [c for c in features if c not in declared]
        object.__setattr__(self, "numeric", tuple(
            [c for c in numeric if c in features]
            + [c for c in inferred if is_number(self.frame[c])]
        ))
        object.__setattr__(self, "categorical", tuple(
            [c for c in categorical if c in features]
            + [c for c in inferred if not is_number(self.frame[c])]
        ))

    # -- views ----------------------------------------------------------------------
    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(
            str(c) for c in self.frame.columns
            if c != self.target and c not in self.identifiers and c not in self.exclude
        )

    @property
    def X(self) -> pd.DataFrame:  # noqa: N802 - scikit-learn's name for the feature matrix
        features = self.frame.loc[:, list(self.feature_names)].copy()
        kept = [c for c in self.not_identifiers if c in features.columns]
        if kept:
            # a stage that rebuilds a Dataset from X (AnonymizedClassifier) keeps the statement
            features.attrs[NOT_IDENTIFIERS_ATTR] = tuple(kept)
        return features

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
            "exclude": list(self.exclude),
            "not_identifiers": list(self.not_identifiers),
        }

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, rows={len(self.frame)}, target={self.target!r} "
            f"(positive {self.positive_label!r}), protected={list(self.protected)}, "
            f"quasi_identifiers={list(self.quasi_identifiers)}, "
            f"identifiers={list(self.identifiers)}"
            + (f", exclude={list(self.exclude)}" if self.exclude else "")
            + (f", not_identifiers={list(self.not_identifiers)}" if self.not_identifiers else "")
            + ")"
        )

    def profile(self) -> pd.DataFrame:
        """One row per column: role, kind, dtype, missing values, distinct values, problems.

        Nothing here prints a value of the data: a likely direct identifier is
        reported with the reason it was flagged (its name, a pattern such as
        e-mail, its share of distinct values), never with an example.

        Returns
        -------
        pandas.DataFrame
            Indexed by column name, with ``role`` (target, identifier,
            protected, quasi-identifier, excluded, feature; comma-separated when
            several apply), ``kind`` (numeric/categorical), ``dtype``,
            ``missing``, ``missing_share``, ``distinct``,
            ``likely_identifier``, ``identifier_reason``, ``problem`` (what a
            run would refuse, empty when nothing) and ``note`` (notable but
            not refused, e.g. a constant feature).

        Examples
        --------
        >>> import pandas as pd
        >>> from govkit.datasets import Dataset
        >>> frame = pd.DataFrame({"email": [f"p{i}@example.org" for i in range(4)],
        ...                       "sex": ["F", "M", "F", None], "ok": [1, 0, 1, 0]})
        >>> table = Dataset(frame, target="ok", positive_label=1, protected="sex").profile()
        >>> table.loc["email", "role"], bool(table.loc["email", "likely_identifier"])
        ('feature', True)
        >>> table.loc["sex", "problem"]
        "1 missing value(s) in a protected column; fill them (e.g. 'unknown') in the source data"
        """
        return column_profile(self.frame, self.roles)

    def replace(self, **changes: Any) -> Dataset:
        """Return a new Dataset with some fields changed (the frame, a role, the name).

        When the frame changes, the column kinds are inferred again unless
        ``numeric``/``categorical`` are passed, because a new frame may hold
        generalized columns (an age range is no longer a number); ``exclude``
        and ``not_identifiers`` keep only the columns the new frame still has.

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
            # statements about columns the new frame no longer has are dropped with them
            kept = {str(c) for c in getattr(changes["frame"], "columns", ())}
            for role in ("exclude", "not_identifiers"):
                changes.setdefault(role, tuple(c for c in getattr(self, role) if c in kept))
        return dataclasses.replace(self, **changes)
