"""Preprocessing that learns nothing from the private data.

scikit-learn's ``StandardScaler``, ``MinMaxScaler`` and ``OneHotEncoder`` fit
their means, ranges and category lists on the training data, which is a
data-dependent step outside any DP guarantee. These two transformers take
everything from a :class:`~govkit.privacy.PublicDomain` instead; ``fit`` only
checks the columns. That is why they exist here rather than being
scikit-learn's (whose ``OneHotEncoder(categories=...)`` would cover only part
of it).

- :class:`DomainEncoder` (for DP-SGD): numeric columns clamped to their public
  range (optionally ``log1p``-scaled) and mapped to [0, 1]; categorical
  columns one-hot encoded over the public categories plus ``missing`` and
  ``other`` indicators.
- :class:`DomainClipper` (for DP-EBM): the same columns, numbers clamped (not
  rescaled, so the model's graphs stay in real units), categories mapped to
  the public list or ``other`` / ``missing`` (so the categories a DP-EBM can
  ever output are public).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._domain import PublicDomain

__all__ = ["DomainClipper", "DomainEncoder", "MISSING", "OTHER"]

MISSING = "missing"
OTHER = "other"

_NOT_A_FRAME = (
    "{cls}.{method}: X must be a pandas DataFrame with named columns (the raw records), got "
    "{kind}; pass e.g. data.X of a govkit Dataset."
)
_NOT_A_DOMAIN = (
    "{cls}: domain must be a govkit.privacy.PublicDomain, got {kind}; build one with "
    "PublicDomain.adult() or PublicDomain.from_config({{...}})."
)
_UNCOVERED = (
    "{cls}.fit: column(s) {columns} of X have no public range or categories in the domain; "
    "add them to the domain (PublicDomain.from_config) or drop them from X."
)
_MISSING_IN_X = (
    "{cls}.transform: X lacks column(s) {columns} that the transformer was fitted with; pass "
    "the same columns as in fit."
)
_NOT_NUMERIC = (
    "{cls}: column {column!r} has public numeric bounds but X holds non-numeric values in it "
    "(dtype {dtype}); convert the column or declare it categorical in the domain."
)


class _DomainTransformer(TransformerMixin, BaseEstimator):
    def __init__(self, *, domain: PublicDomain | None = None) -> None:
        self.domain = domain

    def _check_frame(self, X, method: str) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                _NOT_A_FRAME.format(cls=type(self).__name__, method=method, kind=type(X).__name__)
            )
        return X

    def fit(self, X, y=None):
        """Check the columns against the domain (nothing is learned from the values)."""
        if not isinstance(self.domain, PublicDomain):
            raise TypeError(
                _NOT_A_DOMAIN.format(cls=type(self).__name__, kind=type(self.domain).__name__)
            )
        X = self._check_frame(X, "fit")
        columns = [str(c) for c in X.columns]
        uncovered = [
            c for c in columns if c not in self.domain.numeric and c not in self.domain.categorical
        ]
        if uncovered:
            raise ValueError(_UNCOVERED.format(cls=type(self).__name__, columns=uncovered))
        self.feature_names_in_ = np.asarray(columns, dtype=object)
        self.n_features_in_ = len(columns)
        self.numeric_ = [c for c in columns if c in self.domain.numeric]
        self.categorical_ = [c for c in columns if c in self.domain.categorical]
        return self

    def _numeric(self, X: pd.DataFrame, column: str) -> np.ndarray:
        values = X[column]
        if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            raise ValueError(
                _NOT_NUMERIC.format(cls=type(self).__name__, column=column, dtype=values.dtype)
            )
        array = values.to_numpy(dtype=float, na_value=np.nan)
        lower, upper = self.domain.numeric[column]
        array = np.where(np.isnan(array), self.domain.midpoint(column), array)
        return np.clip(array, lower, upper)

    def _codes(self, X: pd.DataFrame, column: str) -> np.ndarray:
        """Position of each value in the public list; len(list) = missing, len(list)+1 = other."""
        known = self.domain.categorical[column]
        values = X[column]
        missing = values.isna().to_numpy()
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            values = values.astype("string")
        codes = pd.Index(list(known), dtype=object).get_indexer(values.astype(object)).astype(np.int64)
        codes = np.where(codes < 0, len(known) + 1, codes)
        return np.where(missing, len(known), codes)

    def _categories(self, X: pd.DataFrame, column: str) -> np.ndarray:
        """Labels mapped into the public list, or 'missing' / 'other'."""
        labels = np.asarray([*self.domain.categorical[column], MISSING, OTHER], dtype=object)
        return labels[self._codes(X, column)]

    def _start(self, X) -> pd.DataFrame:
        check_is_fitted(self)
        X = self._check_frame(X, "transform")
        absent = [c for c in self.feature_names_in_ if c not in X.columns]
        if absent:
            raise ValueError(_MISSING_IN_X.format(cls=type(self).__name__, columns=absent))
        return X


class DomainEncoder(_DomainTransformer):
    """Clamp, scale to [0, 1] and one-hot encode with public bounds only (for DP-SGD).

    Parameters
    ----------
    domain : PublicDomain
        Supplies each column's range (numeric) or category list.

    Attributes
    ----------
    feature_names_in_ : ndarray of str
    n_features_in_ : int
    numeric_, categorical_ : list of str
        The input columns of each kind.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.privacy import DomainEncoder, PublicDomain
    >>> domain = PublicDomain.from_config({"numeric": {"age": [20, 70]},
    ...                                    "categorical": {"sex": ["F", "M"]}})
    >>> X = pd.DataFrame({"age": [20, 45, 99], "sex": ["F", "X", None]})
    >>> encoder = DomainEncoder(domain=domain).set_output(transform="pandas")
    >>> encoder.fit_transform(X).round(2).to_dict("list")
    {'age': [0.0, 0.5, 1.0], 'sex=F': [1.0, 0.0, 0.0], 'sex=M': [0.0, 0.0, 0.0], 'sex=missing': [0.0, 0.0, 1.0], 'sex=other': [0.0, 1.0, 0.0]}
    """

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self)
        names = list(self.numeric_)
        for column in self.categorical_:
            names += [f"{column}={v}" for v in (*self.domain.categorical[column], MISSING, OTHER)]
        return np.asarray(names, dtype=object)

    def transform(self, X) -> np.ndarray:
        """Return the encoded matrix (a DataFrame under ``set_output(transform="pandas")``)."""
        X = self._start(X)
        blocks = []
        for column in self.numeric_:
            values = self._numeric(X, column)
            lower, upper = self.domain.numeric[column]
            if column in self.domain.log_scale:
                values, lower, upper = np.log1p(values), np.log1p(lower), np.log1p(upper)
            blocks.append(((values - lower) / (upper - lower))[:, None])
        for column in self.categorical_:
            width = len(self.domain.categorical[column]) + 2
            block = np.zeros((len(X), width))
            block[np.arange(len(X)), self._codes(X, column)] = 1.0
            blocks.append(block)
        if not blocks:
            return np.empty((len(X), 0))
        return np.hstack(blocks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


class DomainClipper(_DomainTransformer):
    """Clamp numbers to their public range and map categories to the public list (for DP-EBM).

    Columns keep their names and units; numbers stay numbers (missing ones
    become the middle of the public range), categories become strings from
    the public list, ``"missing"`` or ``"other"``.

    Parameters
    ----------
    domain : PublicDomain

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.privacy import DomainClipper, PublicDomain
    >>> domain = PublicDomain.from_config({"numeric": {"age": [20, 70]},
    ...                                    "categorical": {"sex": ["F", "M"]}})
    >>> X = pd.DataFrame({"age": [18, 45], "sex": ["M", "X"]})
    >>> DomainClipper(domain=domain).fit_transform(X).to_dict("list")
    {'age': [20.0, 45.0], 'sex': ['M', 'other']}
    """

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(list(self.feature_names_in_), dtype=object)

    def transform(self, X) -> pd.DataFrame:
        """Return a new DataFrame with clamped numbers and public category labels."""
        X = self._start(X)
        columns = {}
        for column in self.feature_names_in_:
            if column in self.domain.numeric:
                columns[column] = self._numeric(X, column)
            else:
                columns[column] = self._categories(X, column)
        return pd.DataFrame(columns, index=X.index)

    def feature_types(self) -> list[str]:
        """interpret's ``feature_types`` for the output columns, in order."""
        check_is_fitted(self)
        return [
            "continuous" if c in self.domain.numeric else "nominal" for c in self.feature_names_in_
        ]

    def privacy_bounds(self) -> dict[str, tuple[float, float]]:
        """interpret's ``privacy_bounds`` (public ranges of the numeric columns)."""
        check_is_fitted(self)
        return {c: self.domain.numeric[c] for c in self.numeric_}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags
