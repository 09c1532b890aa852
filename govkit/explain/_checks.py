"""Input checks shared by the explanation helpers: the data, the features, the rows.

Every public function of :mod:`govkit.explain` validates its inputs so that a
wrong model or row id fails with one clear message instead of a traceback from
deep inside shap, lime or pandas. The checks every stage shares come from
govkit's one validation layer: the model from
:func:`govkit.models.check_classifier`, the data argument from
:func:`govkit.datasets.as_frame`, choices, numbers and ``random_state`` from
:mod:`govkit._validation`; what is particular to explanations (rows, feature
names, attributions) is here.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from govkit.datasets import Dataset, as_frame

__all__: list[str] = []

FEATURES_DIFFER = (
    "data: the columns do not match the features the model was fitted on. Missing from the "
    "data: {missing}; not known to the model: {extra}. Pass the same feature columns the "
    "model was trained with (for a Dataset, data.X)."
)
FEATURE_COUNT = (
    "data: the model expects {expected} feature columns but the data has {got}; pass the "
    "same feature columns the model was trained with."
)
EMPTY = "{func}: {name} has no rows; pass at least one row."
ROW_RANGE = (
    "{name}: row {row!r} is out of range: the data has {n:,} rows, so positions run from 0 to "
    "{last:,}. Pick a position in that range."
)
ROW_TYPE = (
    "{name}: expected row positions as whole numbers (an int, a list of ints or a slice), got "
    "{value!r}; pass e.g. {name}=[0, 5, 9]."
)
NO_ROWS = "{name}: the selection is empty; pass at least one row position."
UNKNOWN_FEATURE = (
    "{name}: {value!r} is not a feature of this explanation{hint}. The features are: "
    "{features}."
)
#: The message of the FutureWarning a renamed result attribute (``result.k``) gives.
RENAMED_ATTRIBUTE = (
    "{owner}.{old} is now {owner}.{new} (govkit's one vocabulary: k is anonymity's k, top-k "
    "features are top_k); .{old} still works in this release and will be removed in the next."
)
NOT_A_SERIES = (
    "{name}: expected a pandas Series of attributions indexed by feature name, got {kind}; "
    "pass e.g. explanation.values.iloc[0]."
)


def features_of(data: Any, *, func: str, param: str = "data") -> pd.DataFrame:
    """The feature frame of a Dataset (``data.X``) or a copy of a DataFrame."""
    frame, dataset = as_frame(data, func=func, param=param)
    frame = dataset.X if dataset is not None else frame.copy()
    if len(frame) == 0:
        raise ValueError(EMPTY.format(func=func, name=param))
    return frame


def renamed_attribute(owner: object, old: str, new: str) -> Any:
    """Warn that ``owner.old`` is now ``owner.new`` and return the new attribute's value."""
    warnings.warn(RENAMED_ATTRIBUTE.format(owner=type(owner).__name__, old=old, new=new),
                  FutureWarning, stacklevel=3)
    return getattr(owner, new)


def column_kinds(data: Any, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Numeric and categorical feature names: the Dataset's roles, else inferred from dtypes."""
    if isinstance(data, Dataset):
        numeric = [c for c in data.numeric if c in frame.columns]
        categorical = [c for c in frame.columns if c not in numeric]
        return numeric, categorical
    numeric = [
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    return numeric, [c for c in frame.columns if c not in numeric]


def final_estimator(model: Any) -> Any:
    """The last step of a Pipeline, or the model itself."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def model_name(model: Any) -> str:
    """A short name for a model: its final estimator's class name."""
    return type(final_estimator(model)).__name__


def align_features(model: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its columns in the model's order, or raise if they differ."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        expected = getattr(model, "n_features_in_", None)
        if expected is not None and expected != frame.shape[1]:
            raise ValueError(FEATURE_COUNT.format(expected=expected, got=frame.shape[1]))
        return frame
    names = [str(n) for n in names]
    columns = [str(c) for c in frame.columns]
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra:
        raise ValueError(FEATURES_DIFFER.format(missing=missing or "none", extra=extra or "none"))
    return frame.loc[:, names]


def row_positions(rows: Any, n: int, name: str = "rows") -> np.ndarray:
    """Turn ``rows`` (None, an int, a list of ints, a slice or a range) into positions."""
    if rows is None:
        return np.arange(n)
    if isinstance(rows, slice):
        positions = np.arange(n)[rows]
    elif isinstance(rows, (int, np.integer)) and not isinstance(rows, bool):
        positions = np.asarray([rows])
    else:
        try:
            positions = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows)
        except TypeError:
            raise TypeError(ROW_TYPE.format(name=name, value=rows)) from None
        if positions.dtype == bool or (positions.size and positions.dtype.kind not in "iu"):
            raise TypeError(ROW_TYPE.format(name=name, value=rows))
    if positions.size == 0:
        raise ValueError(NO_ROWS.format(name=name))
    bad = positions[(positions < 0) | (positions >= n)]
    if bad.size:
        raise ValueError(ROW_RANGE.format(name=name, row=int(bad[0]), n=n, last=n - 1))
    return positions.astype(np.int64)


def check_feature(name: str, value: Any, features: Iterable[str]) -> str:
    """Return ``value`` if it names one of ``features``; suggest the closest name otherwise."""
    features = [str(f) for f in features]
    if value in features:
        return value
    close = difflib.get_close_matches(str(value), features, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(
        UNKNOWN_FEATURE.format(name=name, value=value, hint=hint, features=", ".join(features))
    )


def check_attributions(name: str, value: Any) -> pd.Series:
    """Return ``value`` as a float Series indexed by feature name."""
    if not isinstance(value, pd.Series):
        raise TypeError(NOT_A_SERIES.format(name=name, kind=type(value).__name__))
    return value.astype(float)
