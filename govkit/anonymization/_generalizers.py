"""scikit-learn transformers that apply generalizations: intervals, mappings, hierarchy levels.

They are the same generalizations as the hierarchies of :mod:`._hierarchies`,
as estimators that fit in a scikit-learn pipeline (``set_output`` works; the
estimator checks run in the tests). :class:`HierarchyGeneralizer` applies what
a full-domain release chose: one level per quasi-identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._hierarchies import (
    BAD_CODING,
    BAD_MAPPING,
    Hierarchy,
    MappingHierarchy,
    check_hierarchies,
    check_level,
    check_number,
    interval_labels,
)

__all__ = ["HierarchyGeneralizer", "IntervalGeneralizer", "MappingGeneralizer"]


class IntervalGeneralizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Replace numbers by the interval of fixed width they fall in (with top/bottom coding).

    Parameters
    ----------
    width : float
        Interval width.
    origin : float
        Grid origin; intervals are ``[origin + i*width, origin + (i+1)*width)``.
    bottom, top : float, optional
        Values below ``bottom`` become ``"<bottom"``, values at or above
        ``top`` become ``">=top"``.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Set when fitted on a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import IntervalGeneralizer
    >>> ages = pd.DataFrame({"age": [17, 37, 90]})
    >>> IntervalGeneralizer(width=10, top=80).set_output(transform="pandas").fit_transform(ages)
            age
    0  [10, 20)
    1  [30, 40)
    2      >=80
    """

    def __init__(self, *, width: float = 10, origin: float = 0.0, bottom: float | None = None,
                 top: float | None = None) -> None:
        self.width = width
        self.origin = origin
        self.bottom = bottom
        self.top = top

    def _validate_params_(self) -> None:
        where = "IntervalGeneralizer"
        check_number(self.width, "width", where, positive=True)
        check_number(self.origin, "origin", where)
        for bound in (self.bottom, self.top):
            if bound is not None:
                check_number(bound, "bottom/top", where)
        if self.bottom is not None and self.top is not None and self.bottom >= self.top:
            raise ValueError(BAD_CODING.format(where=where, bottom=self.bottom, top=self.top))

    def fit(self, X, y=None):
        """Check the parameters and that ``X`` is numeric; returns ``self``."""
        self._validate_params_()
        validate_data(self, X, ensure_all_finite="allow-nan", dtype="numeric")
        return self

    def transform(self, X):
        """Return the interval labels (object array; a DataFrame under ``set_output``)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype="numeric")
        X = np.asarray(X, dtype=float)
        out = np.empty(X.shape, dtype=object)
        for j in range(X.shape[1]):
            out[:, j] = interval_labels(X[:, j], float(self.width), float(self.origin),
                                        self.bottom, self.top)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class MappingGeneralizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Replace categories by their group under a user-supplied mapping.

    Every non-missing value must be a key of ``mapping``; an uncovered value
    raises a ``ValueError`` naming the column and the value (a silent
    pass-through would leak exactly the rare values that identify people).

    Parameters
    ----------
    mapping : dict
        Original value -> group, applied to every column given.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import MappingGeneralizer
    >>> frame = pd.DataFrame({"education": ["Masters", "Doctorate", "HS-grad"]})
    >>> mapping = {"Masters": "Graduate", "Doctorate": "Graduate", "HS-grad": "School"}
    >>> MappingGeneralizer(mapping=mapping).set_output(transform="pandas").fit_transform(frame)
      education
    0  Graduate
    1  Graduate
    2    School
    """

    def __init__(self, *, mapping: Mapping[Any, Any] | None = None) -> None:
        self.mapping = mapping

    def _frame(self, X, reset: bool) -> pd.DataFrame:
        if not isinstance(self.mapping, Mapping):
            raise TypeError(BAD_MAPPING.format(where="MappingGeneralizer", kind=type(self.mapping).__name__))
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False,
                          skip_check_array=True)
            return X
        array = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        names = getattr(self, "feature_names_in_", None)
        return pd.DataFrame(array, columns=names if names is not None else None)

    def fit(self, X, y=None):
        """Check that ``mapping`` covers every value of ``X``; returns ``self``."""
        frame = self._frame(X, reset=True)
        hierarchy = MappingHierarchy(self.mapping)
        for column in frame.columns:
            hierarchy.check(frame[column], str(column), "MappingGeneralizer")
        return self

    def transform(self, X):
        """Return the groups (object array; a DataFrame under ``set_output``)."""
        check_is_fitted(self)
        frame = self._frame(X, reset=False)
        hierarchy = MappingHierarchy(self.mapping)
        out = np.empty(frame.shape, dtype=object)
        for j, column in enumerate(frame.columns):
            out[:, j] = hierarchy.generalize(frame[column], 1, column=str(column)).to_numpy()
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags


class HierarchyGeneralizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Generalize chosen columns of a frame to chosen hierarchy levels; other columns pass through.

    This is what a full-domain release applies: one level per
    quasi-identifier, the same for every row.

    Parameters
    ----------
    hierarchies : dict
        Column -> :class:`Hierarchy`.
    levels : dict
        Column -> level (0 keeps the column unchanged).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import HierarchyGeneralizer, IntervalHierarchy
    >>> frame = pd.DataFrame({"age": [23, 37], "sex": ["F", "M"]})
    >>> g = HierarchyGeneralizer(hierarchies={"age": IntervalHierarchy(widths=(10,))},
    ...                          levels={"age": 1}).set_output(transform="pandas")
    >>> g.fit_transform(frame)
            age sex
    0  [20, 30)   F
    1  [30, 40)   M
    """

    def __init__(self, *, hierarchies: Mapping[str, Hierarchy] | None = None,
                 levels: Mapping[str, int] | None = None) -> None:
        self.hierarchies = hierarchies
        self.levels = levels

    def fit(self, X, y=None):
        """Check hierarchies and levels against ``X`` (a DataFrame); returns ``self``."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                "HierarchyGeneralizer: X must be a pandas DataFrame (hierarchies are chosen by "
                f"column name), got {type(X).__name__}."
            )
        levels = dict(self.levels or {})
        hierarchies = check_hierarchies(self.hierarchies, X, list(levels), "HierarchyGeneralizer")
        checked = {column: check_level(hierarchies[column], level, column, "HierarchyGeneralizer")
                   for column, level in levels.items()}
        validate_data(self, X, dtype=None, ensure_all_finite=False, skip_check_array=True)
        self.hierarchies_ = hierarchies
        self.levels_ = checked
        return self

    def transform(self, X):
        """Return ``X`` with the chosen columns generalized (a new object; ``X`` is untouched)."""
        check_is_fitted(self)
        validate_data(self, X, reset=False, dtype=None, ensure_all_finite=False,
                      skip_check_array=True)
        out = X.copy()
        for column, level in self.levels_.items():
            out[column] = self.hierarchies_[column].generalize(X[column], level, column=column)
        if getattr(self, "_sklearn_output_config", {}).get("transform") == "pandas":
            return out
        return out.to_numpy(dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags
