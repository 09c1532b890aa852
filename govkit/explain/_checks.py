"""Input checks shared by the explanation helpers: the model, the data, the rows.

Every public function of :mod:`govkit.explain` validates its inputs here so that
a wrong model or row id fails with one clear message instead of a traceback
from deep inside shap, lime or pandas.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from govkit.datasets import Dataset

__all__: list[str] = []

NO_PREDICT_PROBA = (
    "model: {kind} has no predict_proba; govkit explains the probability (or log-odds) of the "
    "positive class, so it needs a probabilistic classifier. Use a classifier such as "
    "govkit.models.fit_model('gradient_boosting', data), or wrap yours in "
    "sklearn.calibration.CalibratedClassifierCV."
)
NOT_FITTED = (
    "model: this {kind} is not fitted yet; fit it first, e.g. model.fit(data.X, data.y) or "
    "govkit.models.fit_model(kind, data)."
)
NOT_BINARY = (
    "model: {kind} has {n} classes ({classes}); govkit's explanations are for binary "
    "classifiers. Binarize the target (see govkit.datasets.Dataset) and refit."
)
FEATURES_DIFFER = (
    "data: the columns do not match the features the model was fitted on. Missing from the "
    "data: {missing}; not known to the model: {extra}. Pass the same feature columns the "
    "model was trained with (for a Dataset, data.X)."
)
FEATURE_COUNT = (
    "data: the model expects {expected} feature columns but the data has {got}; pass the "
    "same feature columns the model was trained with."
)
NOT_DATA = (
    "{name}: expected a govkit Dataset or a pandas DataFrame of features, got {kind}; pass "
    "e.g. govkit.datasets.load_adult('test')."
)
EMPTY = "{name}: the data has no rows; pass at least one row."
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
BAD_CHOICE = "{name}={value!r} is not one of {options}; pass one of them."
BAD_POSITIVE_INT = "{name}={value!r} must be a whole number of at least {minimum}."
NOT_A_SERIES = (
    "{name}: expected a pandas Series of attributions indexed by feature name, got {kind}; "
    "pass e.g. explanation.values.iloc[0]."
)


def check_choice(name: str, value: Any, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``; raise a ValueError naming them otherwise."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(BAD_CHOICE.format(name=name, value=value, options=", ".join(options)))
    return value


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(BAD_POSITIVE_INT.format(name=name, value=value, minimum=minimum))
    return int(value)


def features_of(data: Any, name: str = "data") -> pd.DataFrame:
    """The feature frame of a Dataset (``data.X``) or a copy of a DataFrame."""
    if isinstance(data, Dataset):
        frame = data.X
    elif isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        raise TypeError(NOT_DATA.format(name=name, kind=type(data).__name__))
    if len(frame) == 0:
        raise ValueError(EMPTY.format(name=name))
    return frame


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


def check_model(model: Any) -> None:
    """Raise a clear error unless ``model`` is a fitted binary classifier with predict_proba."""
    kind = type(model).__name__
    if not hasattr(model, "predict_proba"):
        raise TypeError(NO_PREDICT_PROBA.format(kind=kind))
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise ValueError(NOT_FITTED.format(kind=kind)) from None
    except TypeError:  # not a scikit-learn estimator: trust predict_proba
        return
    classes = getattr(model, "classes_", None)
    if classes is not None and len(classes) != 2:
        raise ValueError(
            NOT_BINARY.format(kind=kind, n=len(classes), classes=list(np.asarray(classes)))
        )


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
