"""Input checks shared by the fairness stage: labels, scores, groups and protected columns.

Every check fails with a message that names the parameter (or column), says
what was received and how to fix it, instead of letting a deep numpy, pandas
or fairlearn traceback surface. No row is ever dropped: a problem in one row
(a missing group, a label of 2) is an error, not a silent deletion.

The vocabulary is fairlearn's: ``sensitive_features`` are row-aligned group
*values* (:func:`groups_from`), ``protected`` are column *names* of a Dataset
(:func:`protected_columns`). The checks every stage shares (``random_state``,
choices, number intervals) are :mod:`govkit._validation`'s.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import check_interval

__all__ = [
    "GROUP_SEPARATOR",
    "Groups",
    "as_binary",
    "as_column_list",
    "as_scores",
    "check_report_settings",
    "check_threshold",
    "groups_from",
    "join_labels",
    "protected_columns",
    "reference_of",
    "user_stacklevel",
]

#: How an intersection of groups is written (the same as govkit.datasets.group_summary).
GROUP_SEPARATOR = " × "

_NOT_ARRAY = (
    "{name}: expected a 1-D array, list or pandas Series of {what}, got {kind}; pass e.g. "
    "{example}."
)
_NOT_1D = "{name}: expected one value per row (1-D), got an array of shape {shape}; {fix}"
_EMPTY = "{name}: no rows were given; pass at least one prediction to evaluate."
_LENGTH = (
    "{name} has {got} rows but y_true has {expected}; they must describe the same people in "
    "the same order. Check that both come from the same split (e.g. both from the test set)."
)
_INDEX = (
    "{name}: its pandas index does not match y_true's index (first difference at position "
    "{position}: {left!r} vs {right!r}), so rows would be paired with the wrong people. Pass "
    "objects taken from the same frame, or call .reset_index(drop=True) on both."
)
_MISSING_LABELS = (
    "{name}: {count} value(s) are missing (first at position {position}); a label cannot be "
    "missing. Remove or fill those rows before the evaluation, explicitly."
)
_NOT_BINARY = (
    "{name}: expected binary labels 0/1, got the values {values}. Map the favourable "
    "outcome to 1 and the other to 0 first (govkit's Dataset.y does this)."
)
_LOOKS_LIKE_SCORES = (
    "{name}: got values between 0 and 1 such as {values}: these look like scores or "
    "probabilities, not labels. Pass them as y_score and a decision as y_pred, e.g. "
    "y_pred=(y_score >= 0.5)."
)
_BAD_SCORES = (
    "y_score: {problem}; pass one real-valued score per row, e.g. "
    "model.predict_proba(X)[:, 1]."
)
_SENSITIVE_KIND = (
    "sensitive_features: expected the group of every row (a pandas Series or DataFrame, a "
    "list or a 1-D/2-D array), got {kind}{hint}."
)
_SENSITIVE_NAME_ONLY = (
    " ({value!r} looks like a column name: pass the column's values, e.g. "
    "data.frame[{value!r}], or use govkit.fairness.evaluate_model(model, data, "
    "protected={value!r}))"
)
_SENSITIVE_MISSING = (
    "sensitive_features: column {column!r} has {count} missing value(s) (first at position "
    "{position}); rows without a group cannot be assigned to one and govkit never drops them "
    "silently. Give them an explicit label, e.g. .fillna('unknown'), so they form their own "
    "group, or remove them from the evaluation deliberately."
)
_ONE_GROUP = (
    "sensitive_features: {columns} has a single group ({group!r}) in these {rows} rows, so "
    "there is nothing to compare. Pass a column with at least two groups (check that the "
    "rows were not filtered to one group)."
)
_DUPLICATE_NAMES = (
    "sensitive_features: the column names {names} appear more than once; give every "
    "sensitive column its own name."
)
_NO_PROTECTED = (
    "{func}: protected=None means the data's protected columns, but {name} declares none; pass "
    "the column(s) that define the groups, protected=<column or list of columns> (its columns "
    "are {columns}), or declare them: Dataset(frame, ..., protected=[...])."
)
_UNKNOWN_PROTECTED = (
    "{func}: protected column {column!r} is not {where}; its {what} are {columns}. Pass one or "
    "more of them, e.g. protected={example!r}."
)
_BAD_COLUMNS = (
    "{name}: expected a column name or a list of column names, got {kind} ({value!r}); pass "
    "e.g. {name}={example!r} or {name}={examples!r}."
)


def _describe_kind(values: object) -> str:
    return type(values).__name__


def _as_1d(values: object, name: str, what: str, example: str, fix: str) -> np.ndarray:
    if isinstance(values, (str, bytes, dict)) or values is None or np.isscalar(values):
        raise TypeError(
            _NOT_ARRAY.format(name=name, what=what, kind=_describe_kind(values), example=example)
        )
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(_NOT_1D.format(name=name, shape=values.shape, fix=fix))
        values = values.iloc[:, 0]
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(_NOT_1D.format(name=name, shape=array.shape, fix=fix))
    if len(array) == 0:
        raise ValueError(_EMPTY.format(name=name))
    return array


def _check_length_and_index(values: object, name: str, array: np.ndarray, reference) -> None:
    expected_length, expected_index = reference
    if len(array) != expected_length:
        raise ValueError(_LENGTH.format(name=name, got=len(array), expected=expected_length))
    index = getattr(values, "index", None)
    if expected_index is not None and isinstance(values, (pd.Series, pd.DataFrame)):
        if not index.equals(expected_index):
            differs = np.flatnonzero(np.asarray(index) != np.asarray(expected_index))
            position = int(differs[0]) if len(differs) else 0
            raise ValueError(
                _INDEX.format(
                    name=name,
                    position=position,
                    left=index[position],
                    right=expected_index[position],
                )
            )


def as_binary(values: object, name: str, reference=None) -> np.ndarray:
    """Return ``values`` as an int8 array of 0/1 labels, or raise a helpful error.

    Parameters
    ----------
    values : array-like
        Labels: 0/1 integers, floats equal to 0.0/1.0, or booleans.
    name : str
        The parameter's name, used in error messages (``"y_true"``, ``"y_pred"``).
    reference : tuple (length, index or None), optional
        The length (and pandas index) the values must match.

    Examples
    --------
    >>> from govkit.fairness._validation import as_binary
    >>> as_binary([0, 1, True, 1.0], "y_pred").tolist()
    [0, 1, 1, 1]
    """
    array = _as_1d(values, name, "0/1 labels", "data.y or model.predict(X)",
                   "pass one label per row.")
    if reference is not None:
        _check_length_and_index(values, name, array, reference)
    if array.dtype.kind == "b":
        return array.astype(np.int8)
    frame = pd.Series(array)
    missing = frame.isna().to_numpy()
    if missing.any():
        raise ValueError(
            _MISSING_LABELS.format(
                name=name, count=int(missing.sum()), position=int(np.flatnonzero(missing)[0])
            )
        )
    if array.dtype.kind not in "iuf":
        values_seen = sorted(map(repr, pd.unique(frame)))[:6]
        raise ValueError(_NOT_BINARY.format(name=name, values=", ".join(values_seen)))
    unique = np.unique(array)
    if not np.isin(unique, (0, 1)).all():
        inside = unique[(unique > 0) & (unique < 1)]
        if len(inside) and array.dtype.kind == "f":
            shown = ", ".join(f"{v:.3g}" for v in inside[:3])
            raise ValueError(_LOOKS_LIKE_SCORES.format(name=name, values=shown))
        shown = ", ".join(repr(v.item()) for v in unique[:6])
        raise ValueError(_NOT_BINARY.format(name=name, values=shown))
    return array.astype(np.int8)


def as_scores(values: object, reference) -> np.ndarray:
    """Return ``values`` as a float64 array of finite scores, or raise a helpful error.

    Examples
    --------
    >>> from govkit.fairness._validation import as_scores
    >>> as_scores([0.2, 0.9], (2, None)).tolist()
    [0.2, 0.9]
    """
    array = _as_1d(values, "y_score", "scores", "model.predict_proba(X)[:, 1]",
                   "for predict_proba's output take the positive class's column, [:, 1].")
    _check_length_and_index(values, "y_score", array, reference)
    if array.dtype.kind not in "iufb":
        raise TypeError(_BAD_SCORES.format(problem=f"got values of dtype {array.dtype}"))
    array = array.astype(np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            _BAD_SCORES.format(
                problem=f"{int(bad.sum())} score(s) are missing or infinite (first at position "
                f"{int(np.flatnonzero(bad)[0])})"
            )
        )
    return array


def join_labels(key: object) -> str:
    """Write a group (or an intersection given as a tuple) as one label.

    Examples
    --------
    >>> from govkit.fairness._validation import join_labels
    >>> join_labels(("Female", "Black")), join_labels("Male")
    ('Female × Black', 'Male')
    """
    if isinstance(key, tuple):
        return GROUP_SEPARATOR.join(str(part) for part in key)
    return str(key)


@dataclass(frozen=True, eq=False)
class Groups:
    """The group of every row, ready for fairlearn and for the bootstrap.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per sensitive feature (what fairlearn's MetricFrame receives),
        with a fresh 0..n-1 index.
    names : tuple of str
        The sensitive features' names.
    labels : tuple of str
        The groups (intersections joined with " × "), largest first.
    codes : numpy.ndarray
        For every row, the position of its group in ``labels``.
    """

    frame: pd.DataFrame
    names: tuple[str, ...]
    labels: tuple[str, ...]
    codes: np.ndarray

    @property
    def title(self) -> str:
        return GROUP_SEPARATOR.join(self.names)

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=len(self.labels))


def groups_from(sensitive_features: object, reference) -> Groups:
    """Validate ``sensitive_features`` and return the :class:`Groups` of the rows.

    Several columns define intersections (``sex`` × ``race``), as in fairlearn.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.fairness._validation import groups_from
    >>> frame = pd.DataFrame({"sex": ["F", "M", "M"], "race": ["A", "B", "B"]})
    >>> groups = groups_from(frame, (3, None))
    >>> groups.labels, groups.codes.tolist()
    (('M × B', 'F × A'), [1, 0, 0])
    """
    values = sensitive_features
    if isinstance(values, str) or values is None or np.isscalar(values) or isinstance(values, dict):
        hint = _SENSITIVE_NAME_ONLY.format(value=values) if isinstance(values, str) else ""
        raise TypeError(_SENSITIVE_KIND.format(kind=_describe_kind(values), hint=hint))
    if isinstance(values, pd.DataFrame):
        frame = values
    elif isinstance(values, pd.Series):
        frame = values.to_frame(name=str(values.name) if values.name is not None
                                else "sensitive_feature")
    else:
        array = np.asarray(values, dtype=object)
        if array.ndim == 1:
            frame = pd.DataFrame({"sensitive_feature": array})
        elif array.ndim == 2:
            frame = pd.DataFrame(
                {f"sensitive_feature_{i}": array[:, i] for i in range(array.shape[1])}
            )
        else:
            raise ValueError(_NOT_1D.format(
                name="sensitive_features", shape=array.shape,
                fix="pass one column per sensitive feature."))
    if frame.shape[1] == 0:
        raise ValueError(
            "sensitive_features: got a frame with no columns; pass at least one sensitive "
            "column, e.g. data.frame[['sex']]."
        )
    names = tuple(str(c) for c in frame.columns)
    if len(set(names)) != len(names):
        raise ValueError(_DUPLICATE_NAMES.format(names=sorted({n for n in names
                                                              if names.count(n) > 1})))
    _check_length_and_index(values, "sensitive_features", frame.iloc[:, 0].to_numpy(), reference)
    for column in frame.columns:
        missing = frame[column].isna().to_numpy()
        if missing.any():
            raise ValueError(
                _SENSITIVE_MISSING.format(
                    column=str(column),
                    count=int(missing.sum()),
                    position=int(np.flatnonzero(missing)[0]),
                )
            )
    clean = pd.DataFrame(
        {name: frame[column].astype(str).to_numpy() for name, column in zip(names, frame.columns, strict=True)}
    )
    row_labels = clean.iloc[:, 0].to_numpy(dtype=object)
    for name in names[1:]:
        row_labels = row_labels + GROUP_SEPARATOR + clean[name].to_numpy(dtype=object)
    uniques, codes, counts = np.unique(row_labels.astype(str), return_inverse=True,
                                       return_counts=True)
    if len(uniques) < 2:
        raise ValueError(
            _ONE_GROUP.format(columns=" × ".join(repr(n) for n in names), group=str(uniques[0]),
                              rows=len(row_labels))
        )
    # Largest group first, then by label: the reading order of every table in the stage.
    order = np.lexsort((uniques, -counts))
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    return Groups(
        frame=clean,
        names=names,
        labels=tuple(str(label) for label in uniques[order]),
        codes=position[codes].astype(np.intp),
    )


def reference_of(y_true: object, n: int) -> tuple[int, pd.Index | None]:
    """The length and (for pandas input) index that the other inputs must match."""
    index = y_true.index if isinstance(y_true, (pd.Series, pd.DataFrame)) else None
    return n, index


def as_column_list(columns: str | Sequence[str], name: str = "protected") -> list[str]:
    """Column name(s) as a list, with a clear error for anything else.

    Examples
    --------
    >>> from govkit.fairness._validation import as_column_list
    >>> as_column_list("sex"), as_column_list(("sex", "race"))
    (['sex'], ['sex', 'race'])
    """
    if isinstance(columns, str):
        return [columns]
    try:
        result = list(columns)
    except TypeError:
        result = None
    if not result or not all(isinstance(c, str) for c in result):
        raise TypeError(_BAD_COLUMNS.format(name=name, kind=type(columns).__name__, value=columns,
                                            example="column", examples=["column", "other"]))
    return result


def protected_columns(data: Any, protected: str | Sequence[str] | None, *, func: str,
                      features_only: bool = False, name: str = "data") -> list[str]:
    """The protected column(s) of a Dataset: ``protected``, or ``data.protected`` when None.

    Parameters
    ----------
    data : govkit.datasets.Dataset
    protected : str, list of str or None
        Column name(s); None means the data's declared protected columns.
    func : str
        The calling function, for the messages.
    features_only : bool
        Require the columns to be features of the data (a model is trained on
        them), not merely columns of its frame.
    name : str
        The data parameter's name, for the messages.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import Dataset
    >>> from govkit.fairness._validation import protected_columns
    >>> data = Dataset(pd.DataFrame({"x": [1, 2], "group": ["a", "b"], "y": [0, 1]}),
    ...                target="y", positive_label=1, protected=("group",))
    >>> protected_columns(data, None, func="evaluate_model")
    ['group']
    >>> protected_columns(data, "gruop", func="evaluate_model")
    Traceback (most recent call last):
    ...
    ValueError: evaluate_model: protected column 'gruop' is not in the data; ...
    """
    if protected is None and not data.protected:
        raise ValueError(_NO_PROTECTED.format(func=func, name=name,
                                              columns=list(data.frame.columns)))
    columns = list(data.protected) if protected is None else as_column_list(protected, "protected")
    allowed = list(data.feature_names if features_only else data.frame.columns)
    where, what = ("a feature of the data", "features") if features_only else (
        "in the data", "columns")
    if protected is None:
        where += f" (protected=None means {name}.protected, {columns})"
    for column in columns:
        if column not in allowed:
            raise ValueError(_UNKNOWN_PROTECTED.format(
                func=func, column=column, where=where, what=what, columns=allowed,
                example=[c for c in data.protected if c in allowed] or allowed[:1]))
    return columns


def check_threshold(value: object, name: str = "threshold", *, func: str = "") -> float:
    """A decision threshold in [0, 1] (rows scored at least this are predicted positive).

    Examples
    --------
    >>> from govkit.fairness._validation import check_threshold
    >>> check_threshold(0.3)
    0.3
    >>> check_threshold(1.5, func="evaluate_model")
    Traceback (most recent call last):
    ...
    ValueError: evaluate_model: threshold=1.5 is outside [0, 1]; pass a value in [0, 1], e.g. threshold=0.5.
    """
    return check_interval(value, param=name, func=func, low=0.0, high=1.0, example=0.5)


def check_report_settings(n_boot: object, confidence: object, min_count: object, *,
                          func: str) -> tuple[int, float, int]:
    """``n_boot`` >= 0 (0: no intervals), ``confidence`` in (0, 1), ``min_count`` >= 1.

    Examples
    --------
    >>> from govkit.fairness._validation import check_report_settings
    >>> check_report_settings(200, 0.9, 10, func="group_report")
    (200, 0.9, 10)
    """
    return (
        check_interval(n_boot, param="n_boot", func=func, low=0, integer=True, example=1000),
        check_interval(confidence, param="confidence", func=func, low=0.0, high=1.0,
                       low_open=True, high_open=True, example=0.95),
        check_interval(min_count, param="min_count", func=func, low=1, integer=True, example=10),
    )


_PACKAGE = Path(__file__).resolve().parents[1]


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside govkit.

    A fairness warning is raised some calls deep (a report is assembled for
    :func:`group_report`, for :func:`evaluate_model`, under the workspace cache
    or the renamed-keyword wrapper); a fixed ``stacklevel=2`` would point
    inside govkit. This counts the govkit frames above the caller of
    ``warnings.warn`` instead (as pandas' ``find_stack_level`` does).
    """
    frame = inspect.currentframe()
    level = 0
    while frame is not None and Path(frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level
