"""Label-encode a raw feature frame to numbers and decode it back, losslessly.

LIME and shap's model-agnostic explainers perturb a numeric matrix. Feeding
them one-hot columns lets them switch ``sex_Male`` and ``sex_Female`` on
independently, creating people who are both or neither; feeding them raw
strings does not work at all. The fix is to give them one integer code per
category (``categorical_features`` in LIME's terms), and to decode every
perturbed matrix back to a raw frame before calling the model, so the model
only ever sees values that exist. No library ships this round trip for pandas
frames with missing values, hence this small module.

A value the background never had (a category seen only in the test split, or
a missing value in a column that had none) is refused by default; with
``encode(..., unseen="extend")`` it gets a new code of its own that decodes
back to the value itself, so the model treats it exactly as it treats any
unseen value (a one-hot encoder with ``handle_unknown="ignore"``: all zeros).
LIME never samples such a code (it samples the background's codes at their
frequencies); it only appears in the explained row and in its label,
``"<value> (not in the training data)"``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from govkit.exceptions import DataQualityWarning

__all__ = ["CategoryCodec"]

MISSING_LABEL = "missing"
UNSEEN_SUFFIX = " (not in the training data)"
UNSEEN_CHOICES = ("raise", "extend")

UNSEEN_CATEGORY = (
    "column {column!r}: value {value!r} does not occur in the background data the explainer "
    "was built on, so it cannot be perturbed as a category. Build the explainer on data that "
    "contains it (for example the training split), or explain another row."
)
MISSING_NUMERIC_ROW = (
    "column {column!r}: the row to explain has a missing value, and LIME cannot perturb a "
    "missing number. Fill it (e.g. with the training median) or explain another row."
)
_BAD_UNSEEN = "unseen: got {value!r}; use 'raise' (refuse unseen values) or 'extend' (give them codes)."
FILLED_NUMERIC = (
    "columns {columns}: {count} missing numeric value(s) in the background data were replaced "
    "by the column median for LIME's feature statistics only (LIME cannot handle missing "
    "numbers); the model still sees the original values. Fill them upstream to silence this."
)


class CategoryCodec:
    """Encode categories as integer codes (as floats) and numbers as themselves.

    Parameters
    ----------
    frame : pandas.DataFrame
        Background data: the categories of each categorical column are learned
        from it (a missing value is its own category, named ``"missing"``).
    categorical : list of str
        The columns to encode as categories; the others must be numeric.

    Attributes
    ----------
    features : list of str
        Column order of the encoded matrix.
    categorical_indices : list of int
        Positions of the categorical columns (LIME's ``categorical_features``).
    categorical_names : dict
        Position -> list of category labels, indexed by code (LIME's
        ``categorical_names``); labels of unseen values are appended as
        they are met.
    unseen : dict
        Column -> values the background never had, in the order
        ``encode(..., unseen="extend")`` met them (``None`` for a missing
        value); their codes follow the background's own.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain._codec import CategoryCodec
    >>> frame = pd.DataFrame({"age": [30, 40], "sex": ["F", None]})
    >>> codec = CategoryCodec(frame, categorical=["sex"])
    >>> codec.encode(frame).tolist()
    [[30.0, 0.0], [40.0, 1.0]]
    >>> codec.decode(codec.encode(frame))["sex"].tolist()
    ['F', nan]
    >>> new = pd.DataFrame({"age": [50], "sex": ["X"]})
    >>> codec.encode(new, unseen="extend").tolist(), codec.categorical_names[1]
    ([[50.0, 2.0]], ['F', 'missing', 'X (not in the training data)'])
    >>> codec.decode(codec.encode(new, unseen="extend"))["sex"].tolist()
    ['X']
    """

    def __init__(self, frame: pd.DataFrame, *, categorical: list[str]) -> None:
        self.features = [str(c) for c in frame.columns]
        self.categorical = [c for c in self.features if c in set(categorical)]
        self.numeric = [c for c in self.features if c not in set(categorical)]
        self.dtypes = {c: frame[c].dtype for c in self.features}
        self.levels: dict[str, list[Any]] = {}
        self.missing_code: dict[str, int | None] = {}
        for column in self.categorical:
            values = frame[column]
            levels = sorted(pd.unique(values.dropna()).tolist(), key=str)
            self.levels[column] = levels
            self.missing_code[column] = len(levels) if values.isna().any() else None
        # values the background never had, met by encode(..., unseen="extend"), per column
        self.unseen: dict[str, list[Any]] = {column: [] for column in self.categorical}
        self.categorical_indices = [self.features.index(c) for c in self.categorical]
        self.categorical_names = {}
        for column in self.categorical:
            labels = [str(level) for level in self.levels[column]]
            if self.missing_code[column] is not None:
                label = MISSING_LABEL if MISSING_LABEL not in labels else f"({MISSING_LABEL})"
                labels.append(label)
            self.categorical_names[self.features.index(column)] = labels

    def encode(self, frame: pd.DataFrame, *, unseen: str = "raise") -> np.ndarray:
        """Return the float matrix of codes for ``frame`` (columns in :attr:`features` order).

        Parameters
        ----------
        frame : pandas.DataFrame
        unseen : {"raise", "extend"}
            What to do with a category the background never had (or a missing
            value in a column that had none): refuse it with a ``ValueError``
            naming the column and the value, or give it a new code of its own
            that decodes back to the value (see :attr:`unseen`).
        """
        if unseen not in UNSEEN_CHOICES:
            raise ValueError(_BAD_UNSEEN.format(value=unseen))
        out = np.empty((len(frame), len(self.features)), dtype=float)
        for j, column in enumerate(self.features):
            values = frame[column]
            if column not in self.levels:
                out[:, j] = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
                continue
            mapping = {level: code for code, level in enumerate(self.levels[column])}
            codes = values.map(mapping).astype("float64")
            if values.isna().any() and self.missing_code[column] is not None:
                codes = codes.where(values.notna(), self.missing_code[column])
            strange = codes.isna()
            if strange.any():
                if unseen == "raise":
                    first = values[strange].iloc[0]
                    raise ValueError(UNSEEN_CATEGORY.format(
                        column=column, value=None if pd.isna(first) else first))
                codes = codes.copy()
                for position in np.flatnonzero(strange.to_numpy()):
                    codes.iloc[position] = self._unseen_code(column, values.iloc[position])
            out[:, j] = codes.to_numpy(dtype=float)
        return out

    def _unseen_code(self, column: str, value: Any) -> int:
        """The code of a value the background never had; a new one (and its label) if needed."""
        value = None if pd.isna(value) else value
        extra = self.unseen[column]
        if value not in extra:
            extra.append(value)
            # appended in place: LIME holds this very list as the column's categorical_names
            name = MISSING_LABEL if value is None else str(value)
            self.categorical_names[self.features.index(column)].append(name + UNSEEN_SUFFIX)
        return self.first_unseen_code(column) + extra.index(value)

    def first_unseen_code(self, column: str) -> int:
        """The first code given to values the background never had in ``column``."""
        return len(self.levels[column]) + (self.missing_code[column] is not None)

    def decode(self, codes: np.ndarray) -> pd.DataFrame:
        """Return the raw frame for a matrix of codes (numbers are passed through as floats)."""
        codes = np.atleast_2d(np.asarray(codes, dtype=float))
        columns = {}
        for j, column in enumerate(self.features):
            if column not in self.levels:
                columns[column] = pd.Series(codes[:, j])
                continue
            # the code of "missing" is len(levels), which indexes the None after the levels;
            # values unseen in the background follow (their codes decode to the value itself)
            missing = [None] if self.missing_code[column] is not None or not self.unseen[column] else []
            levels = np.asarray([*self.levels[column], *missing, *self.unseen[column]], dtype=object)
            index = np.clip(np.rint(codes[:, j]).astype(np.int64), 0, len(levels) - 1)
            values = pd.Series(levels[index], dtype=object)
            try:
                values = values.astype(self.dtypes[column])
            except (TypeError, ValueError):  # e.g. integer categories with a missing value
                pass
            columns[column] = values
        return pd.DataFrame(columns)

    def fill_numeric(self, codes: np.ndarray) -> np.ndarray:
        """Replace missing numbers by column medians (for LIME's statistics), with a warning."""
        codes = np.array(codes, dtype=float)
        gaps = np.isnan(codes)
        if not gaps.any():
            return codes
        columns = [self.features[j] for j in np.flatnonzero(gaps.any(axis=0))]
        medians = np.nanmedian(np.where(gaps.all(axis=0), 0.0, codes), axis=0)
        codes[gaps] = np.take(medians, np.nonzero(gaps)[1])
        warnings.warn(
            FILLED_NUMERIC.format(columns=columns, count=int(gaps.sum())),
            DataQualityWarning,
            stacklevel=3,
        )
        return codes

    def label(self, column: str, code: float) -> str:
        """The category label of ``code`` in ``column`` (as LIME shows it)."""
        return self.categorical_names[self.features.index(column)][int(round(code))]
