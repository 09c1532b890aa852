"""LIME for tabular data, with categories perturbed as categories and fixed seeds.

This wraps ``lime.lime_tabular.LimeTabularExplainer`` and fixes the three ways
it is commonly misused on data like Adult:

- categorical features are label-encoded and declared through
  ``categorical_features`` and ``categorical_names``, so LIME samples each
  category from its training frequencies and reports ``sex=Male``, instead of
  perturbing one-hot columns independently (which creates people who are
  both or neither);
- each perturbed matrix is decoded back to a raw frame and the *whole*
  pipeline is called on it, so the model sees only values that exist;
- LIME keeps one ``numpy.random.RandomState`` across calls, so the same row
  explained twice gives two different answers. :meth:`TabularLime.explain`
  reseeds lime's generator before every call: one seed, one answer.

LIME's model calls run with one OpenMP thread (threadpoolctl): a batch of
5,000 perturbations is too small for threads to pay off, and on a busy
laptop scikit-learn's OpenMP threads contend so badly that one call took ten
times longer (measured on this project's 2-core machines: 2.5 s vs 0.27 s).

Rows the training data did not prepare LIME for are explained, not refused
(a valid dataset must never fail late):

- a category that occurs only in the rows to explain (a test-only postcode)
  is handled the way the model handles it: its code decodes back to the
  value itself, so a one-hot encoder with ``handle_unknown="ignore"`` sees
  all zeros, exactly as in ``predict_proba``; LIME shows it as
  ``postcode=12345 (not in the training data)``;
- a missing number cannot be perturbed (LIME bins numbers at quartiles), so
  the row is explained as the model sees it after imputation: the gap is
  filled with the model's own imputer value (its ``SimpleImputer``'s
  ``statistics_``) or, for a model without one, the background median.
  :attr:`LimeExplanation.imputed` and :attr:`LimeResult.notes` say so.

Reseeding sets the ``random_state`` attributes of the lime explainer, its
``LimeBase`` and its discretizer (lime 0.2.0.1, the final release); a test
checks that this matches a fresh explainer built with the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lime.lime_tabular import LimeTabularExplainer
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from threadpoolctl import threadpool_limits

from govkit._validation import as_seed, check_choice, check_interval
from govkit.datasets import Dataset
from govkit.ledger import fingerprint
from govkit.models import check_classifier

from ._checks import (
    align_features,
    column_kinds,
    features_of,
    model_name,
    row_positions,
)
from ._codec import CategoryCodec

__all__ = ["LimeExplanation", "LimeResult", "TabularLime", "explain_lime"]

DISCRETIZERS = ("quartile", "decile", "entropy")
DEFAULT_SAMPLES = 5000  # lime's own default for explain_instance

_ROW_TYPE = (
    "row: expected one row of features as a pandas Series or a one-row DataFrame, got {kind}; "
    "pass e.g. data.X.iloc[5]."
)
_ROW_COUNT = "row: expected exactly one row, got {n}; pass e.g. data.X.iloc[[5]]."
_IMPUTED_NOTE = (
    "{rows} of {total} explained row(s) had missing numbers ({columns}): each is explained as the "
    "model sees it after imputation, the gap filled with {source}."
)
_UNSEEN_NOTE = (
    "{rows} of {total} explained row(s) had categories not in the training data ({columns}): "
    "handled as the model handles them (an unknown category; all zeros after one-hot encoding)."
)
_NOT_EXPLAINER = (
    "explainer: expected a govkit.explain.TabularLime, got {kind}; build one with "
    "TabularLime(model, background=train)."
)


@dataclass(frozen=True, eq=False)
class LimeExplanation:
    """LIME's local linear surrogate for one row, in the original feature names.

    Attributes
    ----------
    weights : pandas.Series
        The surrogate's weight for each feature (in the data's column order):
        the change in the predicted probability of the positive class when the
        feature is in the row's own bin or category rather than another one.
    conditions : pandas.Series
        LIME's readable condition per feature, e.g. ``sex=Male`` or
        ``age <= 28.00``.
    intercept : float
    local_prediction : float
        The surrogate's prediction at the row.
    model_prediction : float
        The model's probability of the positive class at the row.
    fidelity : float
        R² of the surrogate on the weighted perturbations (how well the line
        fits the model near the row; low values mean: do not trust it).
    num_samples : int
    random_state : int
        The seed LIME used.
    row : object
        The row's index label.
    native : lime.explanation.Explanation
        lime's own object (``as_list()``, ``as_pyplot_figure()``, ...).
    imputed : dict
        Column -> the value a missing number was filled with before explaining
        (the row as the model sees it after imputation); empty when none was.
    unseen : tuple of str
        Columns whose category does not occur in the background (handled as
        an unknown category, as the model does).
    """

    weights: pd.Series
    conditions: pd.Series
    intercept: float
    local_prediction: float
    model_prediction: float
    fidelity: float
    num_samples: int
    random_state: int
    row: Any = None
    native: Any = None
    imputed: dict = field(default_factory=dict)
    unseen: tuple = ()


@dataclass(frozen=True, eq=False)
class LimeResult:
    """LIME explanations of several rows, one row of each table per explained row.

    Attributes
    ----------
    weights : pandas.DataFrame
        Rows x features: each row's surrogate weights.
    conditions : pandas.DataFrame
        Rows x features: LIME's readable conditions.
    fidelity : pandas.Series
        R² of each surrogate.
    model_prediction : pandas.Series
        The model's probability of the positive class.
    explanations : list of LimeExplanation
    model : str
    parameters : dict
        ``num_samples``, ``random_state`` (the seed of every row), ``discretizer``,
        ``kernel_width``, ``background_rows``.
    notes : tuple of str
        Rows explained after imputing a missing number, or with a category
        not in the training data (column names and counts, never values).
    """

    weights: pd.DataFrame
    conditions: pd.DataFrame
    fidelity: pd.Series
    model_prediction: pd.Series
    explanations: list = field(default_factory=list)
    model: str = ""
    parameters: dict = field(default_factory=dict)
    notes: tuple = ()

    def __len__(self) -> int:
        return len(self.weights)

    def importance(self) -> pd.Series:
        """Mean |LIME weight| per feature, largest first."""
        return (
            self.weights.abs().mean().sort_values(ascending=False, kind="stable")
            .rename("mean |LIME weight|")
        )


class TabularLime:
    """A LIME explainer for a fitted model on raw tabular features.

    Parameters
    ----------
    model : fitted classifier or Pipeline with ``predict_proba``
        Called on raw feature frames (a govkit pipeline does its own encoding).
    background : Dataset or DataFrame
        Training data: LIME samples categories from their frequencies here and
        bins numbers at its quartiles.
    discretizer : {"quartile", "decile", "entropy"}
        How LIME bins numeric features (its default is quartiles).
    kernel_width : float, optional
        Width of LIME's proximity kernel; lime's default is 0.75 x sqrt(features).
    name : str, optional
        The model's name in results and the ledger.

    Attributes
    ----------
    features : list of str
    codec : CategoryCodec
        The label encoding LIME works in.
    lime_explainer : lime.lime_tabular.LimeTabularExplainer

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.compose import make_column_transformer
    >>> from sklearn.preprocessing import OneHotEncoder
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime
    >>> X = pd.DataFrame({"age": [20, 30, 40, 50] * 5, "sex": ["F", "M", "M", "F"] * 5})
    >>> model = make_pipeline(
    ...     make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
    ...     LogisticRegression()).fit(X, [0, 0, 1, 1] * 5)
    >>> lime = TabularLime(model, X)
    >>> explanation = lime.explain(X.iloc[2], num_samples=500, random_state=0)
    >>> explanation.conditions["sex"]
    'sex=M'
    >>> explanation.weights.equals(lime.explain(X.iloc[2], num_samples=500, random_state=0).weights)
    True
    """

    def __init__(
        self,
        model: Any,
        background: Any,
        *,
        discretizer: str = "quartile",
        kernel_width: float | None = None,
        name: str | None = None,
    ) -> None:
        check_classifier(model, func="TabularLime")
        check_choice(discretizer, DISCRETIZERS, param="discretizer", func="TabularLime")
        frame = align_features(model, features_of(background, func="TabularLime",
                                                  param="background"))
        _, categorical = column_kinds(background, frame)
        self.model = model
        self.name = name or model_name(model)
        self.features = [str(c) for c in frame.columns]
        self.discretizer = discretizer
        self.kernel_width = kernel_width
        self.background_rows = len(frame)
        self.background_fingerprint = fingerprint(frame)
        self.codec = CategoryCodec(frame, categorical=categorical)
        training = self.codec.fill_numeric(self.codec.encode(frame))
        self.imputation, self.imputation_source = _imputation_values(
            model, self.codec.numeric, frame
        )
        if isinstance(background, Dataset):
            class_names = [f"not {background.positive_label}", str(background.positive_label)]
        else:
            class_names = ["negative", "positive"]
        self.lime_explainer = LimeTabularExplainer(
            training,
            mode="classification",
            feature_names=self.features,
            categorical_features=self.codec.categorical_indices,
            categorical_names=self.codec.categorical_names,
            class_names=class_names,
            discretize_continuous=True,
            discretizer=discretizer,
            kernel_width=kernel_width,
            # every feature gets a weight (num_features = all), so lime's feature selection
            # would only cost time: "auto" runs forward selection (many ridge fits) below 7
            feature_selection="none",
            random_state=0,
        )

    def __repr__(self) -> str:
        return (
            f"TabularLime(model={self.name!r}, features={len(self.features)}, "
            f"background_rows={self.background_rows}, discretizer={self.discretizer!r})"
        )

    def predict(self, codes: np.ndarray) -> np.ndarray:
        """The model's class probabilities for a matrix of codes (decoded to a raw frame first)."""
        return self.model.predict_proba(self.codec.decode(codes))

    def _reseed(self, random_state: int) -> None:
        generator = np.random.RandomState(random_state)
        self.lime_explainer.random_state = generator
        self.lime_explainer.base.random_state = generator
        if self.lime_explainer.discretizer is not None:
            self.lime_explainer.discretizer.random_state = generator

    def _one_row(self, row: Any) -> pd.DataFrame:
        if isinstance(row, pd.Series):
            frame = row.to_frame().T
        elif isinstance(row, pd.DataFrame):
            frame = row
        else:
            raise TypeError(_ROW_TYPE.format(kind=type(row).__name__))
        if len(frame) != 1:
            raise ValueError(_ROW_COUNT.format(n=len(frame)))
        return align_features(self.model, frame)

    def _as_the_model_sees_it(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
        """Fill the row's missing numbers with the model's imputation values (a copy)."""
        gaps = [c for c in self.codec.numeric if pd.isna(frame[c].iloc[0])]
        if not gaps:
            return frame, {}
        filled = frame.copy()
        values = {c: float(self.imputation[c]) for c in gaps}
        for column, value in values.items():
            filled[column] = pd.Series([value], index=filled.index).astype(
                filled[column].dtype if pd.api.types.is_float_dtype(filled[column]) else float
            )
        return filled, values

    def explain(
        self, row: Any, *, num_samples: int = DEFAULT_SAMPLES, random_state: int = 0
    ) -> LimeExplanation:
        """Explain the probability of the positive class at one row.

        Parameters
        ----------
        row : pandas.Series or one-row DataFrame
            Raw feature values.
        num_samples : int
            Perturbations LIME draws (lime's default is 5,000).
        random_state : None, int, numpy Generator or RandomState
            Seed: the same seed gives the same explanation (None, a Generator
            or a RandomState give a seed drawn from them, recorded in the
            result).

        Returns
        -------
        LimeExplanation
        """
        num_samples = check_interval(num_samples, param="num_samples", func="TabularLime.explain",
                                     low=10, integer=True, example=DEFAULT_SAMPLES)
        random_state = as_seed(random_state, func="TabularLime.explain")
        frame, imputed = self._as_the_model_sees_it(self._one_row(row))
        codes = self.codec.encode(frame, unseen="extend")[0]
        unseen = tuple(
            c for c in self.codec.categorical
            if int(codes[self.codec.features.index(c)]) >= self.codec.first_unseen_code(c)
        )
        self._reseed(random_state)
        with threadpool_limits(limits=1, user_api="openmp"):
            native = self.lime_explainer.explain_instance(
                codes, self.predict, labels=(1,), num_features=len(self.features),
                num_samples=num_samples,
            )
        pairs = native.as_map()[1]  # (feature position, weight), in the order of as_list
        weights = dict(pairs)
        readable = {i: text for (i, _), (text, _) in zip(pairs, native.as_list(1), strict=True)}
        return LimeExplanation(
            weights=pd.Series(
                [float(weights.get(i, 0.0)) for i in range(len(self.features))],
                index=self.features, name="LIME weight",
            ),
            conditions=pd.Series(
                [readable.get(i, "") for i in range(len(self.features))],
                index=self.features, name="condition",
            ),
            intercept=float(native.intercept[1]),
            local_prediction=float(np.ravel(native.local_pred)[0]),
            model_prediction=float(native.predict_proba[1]),
            fidelity=float(native.score),
            num_samples=num_samples,
            random_state=random_state,
            row=frame.index[0],
            native=native,
            imputed=imputed,
            unseen=unseen,
        )


def explain_lime(
    explainer: TabularLime,
    data: Any,
    *,
    rows: Any = None,
    num_samples: int = DEFAULT_SAMPLES,
    random_state: int = 0,
    ledger=None,
) -> LimeResult:
    """LIME explanations of several rows, each with the same seed.

    Parameters
    ----------
    explainer : TabularLime
    data : Dataset or DataFrame
        Holds the rows to explain.
    rows : int, list of int, slice, optional
        Positions of the rows; all rows when omitted (LIME takes ~0.1 s a row).
    num_samples : int
    random_state : None, int, numpy Generator or RandomState
        Every row is explained with this seed, so a row's explanation does not
        depend on which other rows were explained (None, a Generator or a
        RandomState give one seed drawn from them, recorded in the result).
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/lime`` record is appended.

    Returns
    -------
    LimeResult

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, explain_lime
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0] * 5, "b": [1.0, 0.0, 1.0, 0.0] * 5})
    >>> lime = TabularLime(LogisticRegression().fit(X, [0, 0, 1, 1] * 5), X)
    >>> result = explain_lime(lime, X, rows=[0, 1], num_samples=500)
    >>> result.weights.shape
    (2, 2)
    """
    if not isinstance(explainer, TabularLime):
        raise TypeError(_NOT_EXPLAINER.format(kind=type(explainer).__name__))
    num_samples = check_interval(num_samples, param="num_samples", func="explain_lime", low=10,
                                 integer=True, example=DEFAULT_SAMPLES)
    random_state = as_seed(random_state, func="explain_lime")
    frame = align_features(explainer.model, features_of(data, func="explain_lime"))
    positions = row_positions(rows, len(frame))
    explanations = [
        explainer.explain(frame.iloc[[p]], num_samples=num_samples, random_state=random_state)
        for p in positions
    ]
    index = frame.index[positions]
    notes = []
    imputed = [e for e in explanations if e.imputed]
    if imputed:
        columns = sorted({c for e in imputed for c in e.imputed})
        notes.append(_IMPUTED_NOTE.format(rows=len(imputed), total=len(explanations),
                                          columns=", ".join(columns),
                                          source=explainer.imputation_source))
    unseen = [e for e in explanations if e.unseen]
    if unseen:
        columns = sorted({c for e in unseen for c in e.unseen})
        notes.append(_UNSEEN_NOTE.format(rows=len(unseen), total=len(explanations),
                                         columns=", ".join(columns)))
    result = LimeResult(
        weights=pd.DataFrame([e.weights for e in explanations], index=index),
        conditions=pd.DataFrame([e.conditions for e in explanations], index=index),
        fidelity=pd.Series([e.fidelity for e in explanations], index=index, name="fidelity"),
        model_prediction=pd.Series(
            [e.model_prediction for e in explanations], index=index, name="probability"
        ),
        explanations=explanations,
        model=explainer.name,
        parameters={
            "num_samples": int(num_samples),
            "random_state": random_state,
            "discretizer": explainer.discretizer,
            "kernel_width": explainer.kernel_width,
            "background_rows": explainer.background_rows,
            "categorical_handling": "label-encoded categories (categorical_features)",
        },
        notes=tuple(notes),
    )
    if ledger is not None:
        importance = result.importance()
        ledger.append(
            "explain",
            "lime",
            parameters={"model": result.model, "explainer": "LimeTabularExplainer",
                        **result.parameters},
            inputs={"rows": frame.iloc[positions], "background": explainer.background_fingerprint},
            metrics={
                "rows_explained": len(result),
                "top_features": importance.index[:5].tolist(),
                "mean_abs_weight": {k: float(v) for k, v in importance.items()},
                "mean_fidelity": float(result.fidelity.mean()),
                "min_fidelity": float(result.fidelity.min()),
                "rows_imputed": len(imputed),
                "rows_with_unseen_categories": len(unseen),
                "notes": list(result.notes),
            },
        )
    return result


def _imputation_values(model: Any, numeric: list[str], background: pd.DataFrame):
    """What the model fills a missing number with, per numeric column, and where that came from.

    A pipeline whose first step is a fitted ``ColumnTransformer`` holding a
    ``SimpleImputer`` (alone or first in a sub-pipeline) fills gaps with that
    imputer's ``statistics_``: govkit's reference recipe does (median). Columns
    no imputer covers fall back to the background median.
    """
    values: dict[str, float] = {}
    steps = getattr(model, "steps", None)
    first = steps[0][1] if steps else None
    if isinstance(first, ColumnTransformer) and hasattr(first, "transformers_"):
        for _, transformer, columns in first.transformers_:
            inner = transformer.steps[0][1] if hasattr(transformer, "steps") else transformer
            statistics = getattr(inner, "statistics_", None)
            if not isinstance(inner, SimpleImputer) or statistics is None:
                continue
            if not all(isinstance(c, str) for c in columns) or len(columns) != len(statistics):
                continue
            for column, value in zip(columns, statistics, strict=True):
                if column in numeric:
                    try:
                        values[column] = float(value)
                    except (TypeError, ValueError):
                        continue
    from_model = set(values)
    medians = background[numeric].apply(pd.to_numeric, errors="coerce").median()
    for column in numeric:
        if column not in values:
            median = medians.get(column)
            values[column] = 0.0 if median is None or pd.isna(median) else float(median)
    if not from_model:
        source = "the background median"
    elif from_model >= set(numeric):
        source = "the model's own imputer value (its SimpleImputer statistics)"
    else:
        source = "the model's own imputer value where it has one, else the background median"
    return values, source
