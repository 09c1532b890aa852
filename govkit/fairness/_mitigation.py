"""Bias mitigation through fairlearn: pre-, in- and post-processing, on govkit's reference models.

:class:`MitigatedClassifier` is one scikit-learn estimator for the three
families, so that every mitigated model is trained on the same recipe
(:func:`govkit.models.make_preprocessor` and the same classifier as
:func:`govkit.models.make_model`) and is used like any other model: fit on
raw records, ``predict_proba`` / ``predict`` on raw records. The methods are
fairlearn's own objects (kept in ``mitigator_``):

- no mitigation (``none``), and "fairness through unawareness"
  (``unawareness``: the protected columns are left out of the features),
  the naive approach the notebook shows to fail because of proxies;
- pre-processing: ``fairlearn.preprocessing.CorrelationRemover`` on the
  one-hot encoded features (the protected columns are dropped and the others
  decorrelated from them, by ``alpha``);
- in-processing: ``fairlearn.reductions.ExponentiatedGradient`` (a randomized
  mixture of models, ``difference_bound`` of the constraint) and
  ``fairlearn.reductions.GridSearch`` (one deterministic model chosen from a
  grid of Lagrange multipliers by ``constraint_weight``);
- post-processing: ``fairlearn.postprocessing.ThresholdOptimizer`` (group-
  specific, randomized thresholds on the baseline model's scores; ``tol``
  relaxes demographic parity, equalized odds is enforced exactly).

Two of them need the protected attribute *when deciding about a person*
(``uses_sensitive_at_prediction_``): ThresholdOptimizer applies a threshold per
group, and CorrelationRemover subtracts a correction that depends on the
group. That can be unlawful in some settings (e.g. disparate treatment in US
employment law), which is why the workbook shows it next to every result.

``predict_proba`` of the randomized mitigators is fairlearn's probability of a
positive decision (``_pmf_predict``: fairlearn has no public method for it);
``predict`` draws the randomized decision with the estimator's fixed
``random_state``, so results are reproducible.

Fitting is slow (ExponentiatedGradient refits logistic regression about 20
times). The fits run with single-threaded BLAS (threadpoolctl): the problems
are small (tens of thousands of rows, about a hundred columns), so extra BLAS
threads only add overhead, and on a machine whose cores are busy they made
GridSearch seven times slower here (40 s instead of 5.5 s). Fitted models are
also cached: :func:`fit_mitigated_model` keeps fitted models with
:func:`govkit.workspace.cached`, keyed by the training data's fingerprint and
every parameter. The training rows fairlearn keeps inside its fitted
constraint objects are dropped after fitting, so neither the model nor the
cache holds them.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import fairlearn
import numpy as np
import pandas as pd
import sklearn
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.preprocessing import CorrelationRemover
from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient, GridSearch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from govkit._validation import (
    as_sklearn_random_state,
    check_choice,
    check_random_state,
    renamed_keywords,
)
from govkit.datasets import Dataset, check_dataset
from govkit.models import MODEL_KINDS, feature_groups, make_model, make_preprocessor
from govkit.workspace import cached

from ._bootstrap import percentile_interval
from ._evaluate import evaluate_report
from ._report import CACHE_LAYOUT, GroupReport
from ._validation import as_binary, as_column_list, protected_columns

__all__ = [
    "CONSTRAINTS",
    "FAIRNESS_CONSTRAINTS",
    "MITIGATIONS",
    "MITIGATORS",
    "STRENGTHS",
    "MitigatedClassifier",
    "MitigationResult",
    "Mitigator",
    "describe",
    "fit_mitigated_model",
    "mitigate",
]


@dataclass(frozen=True)
class Mitigator:
    """One mitigation method: its family, its strength knob and what the knob's levels mean."""

    name: str
    family: str
    knob: str | None
    strengths: dict[str, float | None]
    description: str
    needs_constraint: bool = True

    @property
    def label(self) -> str:
        return self.name


#: The constraints the in- and post-processing methods enforce: key -> plain words.
CONSTRAINTS = {
    "demographic_parity": "demographic parity",
    "equalized_odds": "equalized odds",
}
#: The ``constraint`` choices (what the pipeline config and the mitigation panel offer).
FAIRNESS_CONSTRAINTS = tuple(CONSTRAINTS)

#: Method key -> :class:`Mitigator`. Strength levels map to the method's own parameter.
MITIGATORS = {
    "none": Mitigator(
        "no mitigation", "baseline", None, {}, "the reference model, unchanged",
        needs_constraint=False,
    ),
    "unawareness": Mitigator(
        "without the protected attribute", "pre-processing", None, {},
        "leaves the sensitive column(s) out of the features (\"fairness through unawareness\")",
        needs_constraint=False,
    ),
    "correlation_remover": Mitigator(
        "CorrelationRemover", "pre-processing", "alpha",
        {"weak": 0.5, "medium": 0.75, "strong": 1.0},
        "removes the sensitive columns and their linear correlation with the other features",
        needs_constraint=False,
    ),
    "exponentiated_gradient": Mitigator(
        "ExponentiatedGradient", "in-processing", "difference_bound",
        {"weak": 0.1, "medium": 0.05, "strong": 0.01},
        "trains a randomized mixture of models subject to the constraint",
    ),
    "grid_search": Mitigator(
        "GridSearch", "in-processing", "constraint_weight",
        {"weak": 0.2, "medium": 0.5, "strong": 0.8},
        "trains a grid of reweighted models and keeps the best trade-off",
    ),
    "threshold_optimizer": Mitigator(
        "ThresholdOptimizer", "post-processing", "tol",
        {"weak": 0.1, "medium": 0.05, "strong": None},
        "picks a (randomized) decision threshold per group on the baseline's scores",
    ),
}
#: The ``method`` choices: every mitigation the stage supports (keys of :data:`MITIGATORS`).
MITIGATIONS = tuple(MITIGATORS)
STRENGTHS = ("weak", "medium", "strong")

_NO_CONSTRAINT_NEEDED = (
    "(method={method!r} needs one; only 'none', 'unawareness' and 'correlation_remover' take "
    "constraint=None)"
)
_BAD_STRENGTH = (
    "{func}: strength={value!r} is not one of {levels} or a number for {method}'s {knob}; pass "
    "e.g. strength='medium' ({example})."
)
_NO_PROTECTED = (
    "MitigatedClassifier: protected=None; name the column(s) of X whose values define the "
    "groups, e.g. MitigatedClassifier(method=..., protected='<column>'), or use "
    "govkit.fairness.fit_mitigated_model(method, train), which takes the Dataset's protected "
    "columns."
)
_NOT_A_FRAME = (
    "X: expected a pandas DataFrame of raw records (with the protected column(s) {columns}), "
    "got {kind}; pass data.X of a govkit Dataset."
)
_MISSING_PROTECTED = (
    "X: the protected column(s) {missing} are not in X; the mitigator needs them to know each "
    "person's group. X has the columns {columns}."
)
_PROTECTED_NAN = (
    "X: protected column {column!r} has {count} missing value(s); give them an explicit label "
    "(e.g. .fillna('unknown')) so they form their own group."
)


def _resolve(method: str, constraint: str | None, strength: object,
             func: str = "fit_mitigated_model") -> tuple[str | None, float | None]:
    """Validate the settings; return the constraint used and the knob's value."""
    check_choice(method, MITIGATIONS, param="method", func=func)
    mitigator = MITIGATORS[method]
    if not mitigator.needs_constraint:
        constraint = None
    else:
        try:
            check_choice(constraint, FAIRNESS_CONSTRAINTS, param="constraint", func=func)
        except (TypeError, ValueError) as error:
            note = _NO_CONSTRAINT_NEEDED.format(method=method)
            raise type(error)(f"{str(error).removesuffix('.')} {note}.") from None
    if mitigator.knob is None:
        return constraint, None
    if method == "threshold_optimizer" and constraint == "equalized_odds":
        return constraint, None  # fairlearn enforces equalized odds exactly (no tolerance)
    if isinstance(strength, str) and strength in mitigator.strengths:
        return constraint, mitigator.strengths[strength]
    if strength is None and method == "threshold_optimizer":
        return constraint, None
    if isinstance(strength, (int, float, np.floating)) and not isinstance(strength, bool):
        value = float(strength)
        if np.isfinite(value) and value >= 0 and (method != "correlation_remover" or value <= 1) \
                and (method != "grid_search" or value <= 1):
            return constraint, value
    example = ", ".join(f"{k}: {mitigator.knob}={v}" for k, v in mitigator.strengths.items())
    raise ValueError(_BAD_STRENGTH.format(func=func, value=strength, levels=list(STRENGTHS),
                                          method=mitigator.name, knob=mitigator.knob,
                                          example=example))


def _moment(constraint: str, bound: float | None = None):
    kwargs = {} if bound is None else {"difference_bound": bound}
    return DemographicParity(**kwargs) if constraint == "demographic_parity" else EqualizedOdds(**kwargs)


# fairlearn 0.15's reductions use pandas idioms that pandas 3 deprecates (setting new Series
# keys with .at, setting values of another dtype): a Pandas4Warning per fit. Nothing a govkit
# user can change; silenced for the duration of fairlearn's fit only, so that it does not
# reach notebooks as stderr output.
_PANDAS_DEPRECATION = getattr(pd.errors, "Pandas4Warning", FutureWarning)


def _fit_quietly(mitigator, matrix, labels, sensitive):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=_PANDAS_DEPRECATION)
        return mitigator.fit(matrix, labels, sensitive_features=sensitive)


def _drop_training_rows(mitigator) -> None:
    """Replace fairlearn's fitted constraint object (which holds X, y and groups) by an empty one."""
    if hasattr(mitigator, "constraints_"):
        mitigator.constraints_ = copy.deepcopy(mitigator.constraints)


class MitigatedClassifier(ClassifierMixin, BaseEstimator):
    """A reference model trained with a fairlearn mitigation method, used on raw records.

    Parameters
    ----------
    method : {"none", "unawareness", "correlation_remover", "exponentiated_gradient", "grid_search", "threshold_optimizer"}
        See :data:`MITIGATORS`.
    constraint : {"demographic_parity", "equalized_odds"} or None
        What the in- and post-processing methods enforce (ignored by
        ``none``, ``unawareness`` and ``correlation_remover``).
    strength : {"weak", "medium", "strong"} or float
        A level of the method's own parameter (see :data:`MITIGATORS`), or
        that parameter's value.
    protected : str or list of str
        Column(s) of ``X`` whose values define the groups (several:
        intersections); required by ``fit``. (``sensitive_features=`` is
        this keyword's old name.)
    kind : {"logistic_regression", "gradient_boosting"}
        The base classifier, as in :func:`govkit.models.make_model`.
    grid_size : int
        GridSearch's number of grid points.
    random_state : None, int, numpy Generator or RandomState
        Seeds the base classifier and the randomized decisions (a Generator
        gives a whole number drawn from it at ``fit``, see ``random_state_``).

    Attributes
    ----------
    preprocess_ : sklearn.compose.ColumnTransformer
        The fitted reference preprocessing.
    mitigator_ : object
        The fitted fairlearn object (None for ``method="none"``).
    classifier_ : estimator or None
        The fitted base classifier for ``none`` and ``correlation_remover``.
    strength_ : float or None
        The value of the method's knob that was used.
    uses_sensitive_at_prediction_ : bool
        Whether decisions need each person's sensitive attribute.
    fit_seconds_ : float
        How long ``fit`` took.
    random_state_ : None, int or numpy RandomState
        The ``random_state`` used (a Generator's drawn whole number).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.fairness import MitigatedClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=300), "sex": rng.choice(["F", "M"], 300)})
    >>> y = ((X["x"] + (X["sex"] == "M")) > 0.5).astype(int)
    >>> model = MitigatedClassifier(method="threshold_optimizer", protected="sex").fit(X, y)
    >>> model.predict_proba(X).shape, model.uses_sensitive_at_prediction_
    ((300, 2), True)
    """

    @renamed_keywords(sensitive_features="protected")
    def __init__(self, *, method: str = "exponentiated_gradient",
                 constraint: str | None = "demographic_parity", strength: object = "medium",
                 protected: str | Sequence[str] | None = None,
                 kind: str = "logistic_regression", grid_size: int = 10,
                 random_state: int = 0) -> None:
        self.method = method
        self.constraint = constraint
        self.strength = strength
        self.protected = protected
        self.kind = kind
        self.grid_size = grid_size
        self.random_state = random_state

    # -- helpers ----------------------------------------------------------------------
    def _protected_columns(self) -> list[str]:
        if self.protected is None:
            raise ValueError(_NO_PROTECTED)
        return as_column_list(self.protected, "protected")

    def _protected_values(self, X: pd.DataFrame) -> pd.DataFrame:
        """The protected columns of ``X`` as text (fairlearn's ``sensitive_features``)."""
        columns = self._protected_columns()
        if not isinstance(X, pd.DataFrame):
            raise TypeError(_NOT_A_FRAME.format(columns=columns, kind=type(X).__name__))
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise ValueError(_MISSING_PROTECTED.format(missing=missing, columns=list(X.columns)))
        values = X.loc[:, columns].reset_index(drop=True)
        for column in columns:
            count = int(values[column].isna().sum())
            if count:
                raise ValueError(_PROTECTED_NAN.format(column=column, count=count))
        return values.astype(str)

    def _features(self, X: pd.DataFrame) -> np.ndarray:
        matrix = self.preprocess_.transform(X)
        if self.method == "correlation_remover":
            matrix = self.mitigator_.transform(matrix)
        return matrix

    # -- fitting ----------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y) -> MitigatedClassifier:
        """Fit the preprocessing, the base classifier and the mitigation on raw records."""
        return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y, fitted_base=None) -> MitigatedClassifier:
        """:meth:`fit`; ``fitted_base``: for ``threshold_optimizer``, the base classifier already
        fitted on this preprocessing of ``(X, y)`` (the ``none`` model's ``classifier_``)."""
        start = time.perf_counter()
        func = "MitigatedClassifier.fit"
        constraint, value = _resolve(self.method, self.constraint, self.strength, func)
        check_choice(self.kind, MODEL_KINDS, param="kind", func=func)
        self.random_state_ = as_sklearn_random_state(self.random_state, func=func)
        sensitive = self._protected_values(X)
        labels = as_binary(y, "y").astype(np.int64)
        if len(labels) != len(X):
            raise ValueError(f"y has {len(labels)} rows but X has {len(X)}; pass matching data.")
        target = "__govkit_target__"
        frame = X.reset_index(drop=True).assign(**{target: labels})
        data = Dataset(frame, target=target, positive_label=1)
        template = make_model(self.kind, data, random_state=self.random_state_)
        drop = self._protected_columns() if self.method == "unawareness" else ()
        self.preprocess_ = make_preprocessor(data, drop=drop).fit(X)
        matrix = self.preprocess_.transform(X)
        base = template.named_steps["classifier"]
        self.classifier_ = None
        self.mitigator_ = None
        if fitted_base is not None and self.method == "threshold_optimizer":
            base = fitted_base
        with threadpool_limits(limits=1, user_api="blas"):
            self._fit_method(base, matrix, labels, sensitive, constraint, value,
                             prefit=fitted_base is not None)
        _drop_training_rows(self.mitigator_)
        self.classes_ = np.array([0, 1])
        self.constraint_ = constraint
        self.strength_ = value
        self.uses_sensitive_at_prediction_ = self.method in ("correlation_remover",
                                                             "threshold_optimizer")
        self.fit_seconds_ = time.perf_counter() - start
        return self

    def _fit_method(self, base, matrix, labels, sensitive, constraint, value,
                    prefit: bool = False) -> None:
        if self.method in ("none", "unawareness"):
            self.classifier_ = base.fit(matrix, labels)
        elif self.method == "correlation_remover":
            groups = feature_groups(self.preprocess_)
            ids = [i for column in self._protected_columns() for i in groups[column]]
            self.mitigator_ = CorrelationRemover(sensitive_feature_ids=ids, alpha=value).fit(matrix)
            self.classifier_ = base.fit(self.mitigator_.transform(matrix), labels)
        elif self.method == "exponentiated_gradient":
            self.mitigator_ = ExponentiatedGradient(base, _moment(constraint, value))
            _fit_quietly(self.mitigator_, matrix, labels, sensitive)
        elif self.method == "grid_search":
            self.mitigator_ = GridSearch(base, _moment(constraint), grid_size=self.grid_size,
                                         constraint_weight=value)
            _fit_quietly(self.mitigator_, matrix, labels, sensitive)
        else:  # threshold_optimizer
            if not prefit:
                base.fit(matrix, labels)
            self.mitigator_ = ThresholdOptimizer(
                estimator=base, constraints=constraint, objective="accuracy_score",
                prefit=True, predict_method="predict_proba", tol=value,
            )
            _fit_quietly(self.mitigator_, matrix, labels, sensitive)

    # -- predicting -------------------------------------------------------------------
    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of each class; for randomized mitigators, of each *decision*."""
        check_is_fitted(self, "preprocess_")
        if self.method in ("none", "unawareness", "correlation_remover"):
            return self.classifier_.predict_proba(self._features(X))
        matrix = self.preprocess_.transform(X)
        if self.method == "exponentiated_gradient":
            return np.asarray(self.mitigator_._pmf_predict(matrix))
        if self.method == "grid_search":
            return self.mitigator_.predict_proba(matrix)
        return np.asarray(self.mitigator_._pmf_predict(
            matrix, sensitive_features=self._protected_values(X)))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """0/1 decisions (randomized mitigators draw them with the fixed ``random_state``)."""
        check_is_fitted(self, "preprocess_")
        if self.method in ("none", "unawareness", "correlation_remover"):
            return self.classifier_.predict(self._features(X)).astype(np.int64)
        matrix = self.preprocess_.transform(X)
        if self.method == "exponentiated_gradient":
            decisions = self.mitigator_.predict(matrix, random_state=self.random_state_)
        elif self.method == "grid_search":
            decisions = self.mitigator_.predict(matrix)
        else:
            decisions = self.mitigator_.predict(
                matrix, sensitive_features=self._protected_values(X),
                random_state=self.random_state_)
        return np.asarray(decisions).astype(np.int64)

    def describe(self) -> str:
        """One line naming the method, constraint and strength, e.g. for tables."""
        return describe(self.method, getattr(self, "constraint_", self.constraint),
                        getattr(self, "strength_", self.strength))


def describe(method: str, constraint: str | None, value: float | None) -> str:
    """``"ExponentiatedGradient · demographic parity · difference_bound=0.05"``."""
    mitigator = MITIGATORS[method]
    parts = [mitigator.name]
    if constraint is not None:
        parts.append(CONSTRAINTS[constraint])
    if mitigator.knob is not None:
        if value is None:
            parts.append("exact" if method == "threshold_optimizer" else "")
        else:
            parts.append(f"{mitigator.knob}={value:g}")
    return " · ".join(p for p in parts if p)


def check_data_settings(func: str, train: Dataset, protected, kind: str,
                        random_state) -> tuple[list[str], Any]:
    """Validate what every mitigation function shares; return the protected columns and seed."""
    check_dataset(train, func=func, param="train")
    columns = protected_columns(train, protected, func=func, features_only=True, name="train")
    check_choice(kind, MODEL_KINDS, param="kind", func=func)
    return columns, check_random_state(random_state, func=func)


def _cache_key(train: Dataset, method, constraint, value, protected, kind, grid_size,
               random_state) -> dict[str, Any]:
    return {
        "train": train.fingerprint,
        "method": method,
        "constraint": constraint,
        "strength": value,
        "protected": list(protected),
        "kind": kind,
        "grid_size": grid_size if method == "grid_search" else None,
        "random_state": random_state,
        "fairlearn": fairlearn.__version__,
        "scikit-learn": sklearn.__version__,
        "layout": CACHE_LAYOUT,
    }


def _fit_cached(method, train, constraint, value, columns, kind, grid_size,
                random_state) -> MitigatedClassifier:
    """The cached fit behind :func:`fit_mitigated_model` (arguments already validated)."""
    estimator = MitigatedClassifier(method=method, constraint=constraint, strength=value,
                                    protected=tuple(columns), kind=kind,
                                    grid_size=grid_size, random_state=random_state)
    key = _cache_key(train, method, constraint, value, columns, kind, grid_size, random_state)

    def compute() -> MitigatedClassifier:
        if method != "threshold_optimizer":
            return estimator.fit(train.X, train.y)
        # the base classifier is the unmitigated model's: fit (or read) that one, then reuse it
        baseline = _fit_cached("none", train, None, None, columns, kind, grid_size, random_state)
        return estimator._fit(train.X, train.y, fitted_base=baseline.classifier_)

    return cached("fairness-mitigated-model", key, compute)


@renamed_keywords(sensitive_features="protected")
def fit_mitigated_model(
    method: str,
    train: Dataset,
    *,
    constraint: str | None = "demographic_parity",
    strength: object = "medium",
    protected: str | Sequence[str] | None = None,
    kind: str = "logistic_regression",
    grid_size: int = 10,
    random_state: int = 0,
    ledger=None,
) -> MitigatedClassifier:
    """Fit (or load from the workspace cache) a :class:`MitigatedClassifier` on ``train``.

    ``threshold_optimizer`` post-processes the unmitigated model: when that
    model (``method="none"``, same data, kind and seed) is in the workspace
    cache, its fitted classifier is reused instead of fitting the same one
    again (identical results; on a large training set one fit fewer).

    Parameters
    ----------
    method, constraint, strength, kind, grid_size, random_state
        See :class:`MitigatedClassifier`.
    train : govkit.datasets.Dataset
    protected : str or list of str, optional
        The feature(s) of ``train`` whose values define the groups (several:
        intersections). None (default) means ``train.protected``.
        (``sensitive_features=`` is this keyword's old name.)
    ledger : govkit.ledger.Ledger, optional
        When given, a ``fairness/fit_mitigated_model`` record is appended
        (parameters, training fingerprint, fit time).

    Returns
    -------
    MitigatedClassifier
        Fitted; ``predict_proba`` and ``predict`` take raw records (``test.X``).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import fit_mitigated_model
    >>> train = load_adult("train")
    >>> model = fit_mitigated_model("threshold_optimizer", train, constraint="equalized_odds",
    ...                             protected="sex")  # doctest: +SKIP
    >>> model.describe()  # doctest: +SKIP
    'ThresholdOptimizer · equalized odds · exact'
    """
    func = "fit_mitigated_model"
    columns, random_state = check_data_settings(func, train, protected, kind, random_state)
    constraint, value = _resolve(method, constraint, strength, func)
    model = _fit_cached(method, train, constraint, value, columns, kind, grid_size, random_state)
    if ledger is not None:
        ledger.append(
            "fairness",
            "fit_mitigated_model",
            parameters={
                "method": method, "family": MITIGATORS[method].family,
                "constraint": constraint, "knob": MITIGATORS[method].knob,
                "strength": value, "sensitive_features": columns, "kind": kind,
                "random_state": random_state, "description": model.describe(),
            },
            inputs={"train": train},
            metrics={"fit_seconds": model.fit_seconds_,
                     "uses_sensitive_at_prediction": model.uses_sensitive_at_prediction_},
        )
    return model


@dataclass(frozen=True, eq=False)
class MitigationResult:
    """A mitigated model and its effect on the test split, next to the unmitigated baseline.

    Attributes
    ----------
    model : MitigatedClassifier
    baseline : GroupReport
        The reference model (same recipe, no mitigation) on the test split.
    mitigated : GroupReport
        The mitigated model on the test split, with the same resamples
        (so the changes have paired intervals).
    changes : pandas.DataFrame
        Accuracy and every disparity before, after and the change, with a
        confidence interval for the change.
    """

    model: MitigatedClassifier
    baseline: GroupReport
    mitigated: GroupReport
    changes: pd.DataFrame

    def _repr_html_(self) -> str:
        table = self.changes.copy()
        return (f"<b>{self.model.describe()}</b> vs no mitigation "
                f"(uses the protected attribute at decision time: "
                f"{'yes' if self.model.uses_sensitive_at_prediction_ else 'no'})"
                + table.to_html(float_format=lambda v: f"{v:.3f}"))


def paired_change(before: np.ndarray, after: np.ndarray, confidence: float):
    """Percentile interval of ``after - before`` over paired bootstrap replicates."""
    return percentile_interval(np.asarray(after) - np.asarray(before), confidence)


def changes_table(baseline: GroupReport, mitigated: GroupReport) -> pd.DataFrame:
    """Accuracy and disparities before and after, with paired intervals for the change."""
    confidence = mitigated.parameters["confidence"]
    rows = []
    before_value = baseline.overall.loc["accuracy", "value"]
    after_value = mitigated.overall.loc["accuracy", "value"]
    low, high = paired_change(baseline.overall_replicates["accuracy"],
                              mitigated.overall_replicates["accuracy"], confidence)
    rows.append({"measure": "accuracy", "before": before_value, "after": after_value,
                 "change": after_value - before_value, "change_lower": float(low),
                 "change_upper": float(high)})
    for criterion in mitigated.disparities.index:
        before_value = baseline.disparities.loc[criterion, "difference"]
        after_value = mitigated.disparities.loc[criterion, "difference"]
        low, high = paired_change(baseline.disparity_replicates[criterion]["difference"],
                                  mitigated.disparity_replicates[criterion]["difference"],
                                  confidence)
        rows.append({"measure": f"{criterion} difference", "before": before_value,
                     "after": after_value, "change": after_value - before_value,
                     "change_lower": float(low), "change_upper": float(high)})
    return pd.DataFrame(rows).set_index("measure")


def evaluate_cached(model: MitigatedClassifier, key: dict, test: Dataset, columns, n_boot,
                    confidence, random_state, func: str = "mitigate") -> GroupReport:
    """The report of a fitted mitigated model on ``test``, kept in the workspace cache."""
    report_key = {**key, "test": test.fingerprint, "evaluated_on": list(columns),
                  "n_boot": n_boot, "confidence": confidence, "report_seed": random_state}
    return cached(
        "fairness-mitigation-report", report_key,
        lambda: evaluate_report(model, test, protected=columns, threshold=None,
                                name=model.describe(), n_boot=n_boot, confidence=confidence,
                                min_count=10, random_state=random_state, cache=False,
                                func=func)[0],
    )


@renamed_keywords(sensitive_features="protected")
def mitigate(
    method: str,
    train: Dataset,
    test: Dataset,
    *,
    constraint: str | None = "demographic_parity",
    strength: object = "medium",
    protected: str | Sequence[str] | None = None,
    kind: str = "logistic_regression",
    grid_size: int = 10,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
    ledger=None,
) -> MitigationResult:
    """Mitigate, evaluate on ``test`` next to the unmitigated baseline, and record both.

    The baseline and the mitigated model are evaluated with the same
    bootstrap resamples, so the changes in accuracy and disparity come with
    paired confidence intervals. Fits and evaluations are cached.

    Parameters
    ----------
    method, constraint, strength, protected, kind, grid_size, random_state
        See :func:`fit_mitigated_model` (``protected`` defaults to
        ``train.protected``; ``test`` must have the same columns).
    train, test : govkit.datasets.Dataset
    n_boot, confidence
        See :func:`group_report`.
    ledger : govkit.ledger.Ledger, optional
        When given, a ``fairness/mitigate`` record is appended with the group
        metrics (with intervals) and disparities before and after, and the
        changes.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import mitigate
    >>> train, test = load_adult("train"), load_adult("test")
    >>> result = mitigate("threshold_optimizer", train, test, constraint="equalized_odds",
    ...                   protected="sex")  # doctest: +SKIP
    >>> result.changes.loc["equalized_odds difference", "change"] < 0  # doctest: +SKIP
    True
    """
    func = "mitigate"
    columns, random_state = check_data_settings(func, train, protected, kind, random_state)
    check_dataset(test, func=func, param="test")
    constraint, value = _resolve(method, constraint, strength, func)
    baseline_model = _fit_cached("none", train, None, None, columns, kind, grid_size,
                                 random_state)
    model = _fit_cached(method, train, constraint, value, columns, kind, grid_size, random_state)
    baseline_key = _cache_key(train, "none", None, None, columns, kind, grid_size, random_state)
    key = _cache_key(train, method, constraint, value, columns, kind, grid_size, random_state)
    baseline = evaluate_cached(baseline_model, baseline_key, test, columns, n_boot, confidence,
                               random_state)
    mitigated = evaluate_cached(model, key, test, columns, n_boot, confidence, random_state)
    changes = changes_table(baseline, mitigated)
    if ledger is not None:
        ledger.append(
            "fairness",
            "mitigate",
            parameters={
                "method": method, "family": MITIGATORS[method].family,
                "constraint": constraint, "knob": MITIGATORS[method].knob, "strength": value,
                "description": model.describe(), "sensitive_features": columns, "kind": kind,
                "random_state": random_state, "n_boot": n_boot, "confidence": confidence,
                "uses_sensitive_at_prediction": model.uses_sensitive_at_prediction_,
            },
            inputs={"train": train, "test": test},
            metrics={
                "fit_seconds": model.fit_seconds_,
                "before": baseline.ledger_metrics(),
                "after": mitigated.ledger_metrics(),
                "changes": {
                    measure: {k: float(v) for k, v in row.items()}
                    for measure, row in changes.iterrows()
                },
            },
        )
    return MitigationResult(model=model, baseline=baseline, mitigated=mitigated, changes=changes)
