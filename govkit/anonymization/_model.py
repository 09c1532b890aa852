"""Utility: the reference classifier trained on an anonymized release, scored on raw data.

A model trained on a release sees generalized quasi-identifiers (an age range,
a set of occupations); the people it will score arrive with raw values. So
:class:`AnonymizedClassifier` keeps the release's description of its
generalization and maps every raw record onto it (the Mondrian class it falls
into, or the chosen hierarchy levels) before applying the model. The model is
govkit's reference recipe (:func:`govkit.models.make_model`), so utility
differences come from the anonymization, not from the recipe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from govkit.datasets import Dataset
from govkit.models import MODEL_KINDS, fit_model, score_model
from govkit.workspace import cached

from ._anonymize import METHODS, anonymize
from ._hierarchies import Hierarchy

__all__ = ["AnonymizedClassifier", "compare_utility", "fit_anonymized_model", "plot_utility"]

NOT_A_FRAME = (
    "AnonymizedClassifier.{method}: X must be a pandas DataFrame of raw records (the "
    "quasi-identifiers are found by column name), got {kind}; pass e.g. data.X."
)
BAD_Y = (
    "AnonymizedClassifier.fit: y has {count} distinct value(s) ({values}); the reference models "
    "are binary classifiers. Pass a 0/1 target, e.g. data.y."
)
LENGTHS = "AnonymizedClassifier.fit: X has {x} rows but y has {y}; pass aligned X and y."
COLUMNS = (
    "AnonymizedClassifier.predict_proba: X lacks column(s) {columns} the model was trained on; "
    "pass raw records with the training columns (e.g. test.X)."
)
NOT_A_DATASET = (
    "{func}: {name} must be a govkit Dataset, got {kind}; load it with "
    "govkit.datasets.load_adult() or from_csv()."
)
BAD_KS = (
    "compare_utility: ks={value!r} must be a non-empty list of whole numbers >= 2, e.g. "
    "ks=(2, 5, 10, 50)."
)
_TARGET = "__govkit_target__"
_SENSITIVE = "__govkit_sensitive__"


class AnonymizedClassifier(ClassifierMixin, BaseEstimator):
    """Anonymize the training data, fit the reference model on the release, score raw records.

    Parameters
    ----------
    quasi_identifiers : list of str
        Columns of ``X`` to anonymize.
    k : int
    kind : {"logistic_regression", "gradient_boosting"}
        The reference model (:func:`govkit.models.make_model`).
    method : {"mondrian", "global"}
    l, t, diversity, max_suppression, hierarchies
        As in :func:`anonymize`.
    numeric_release : {"range", "midpoint", "mean"}
        Default ``"midpoint"``: a model learns more from a number than from
        a range label.
    random_state : int

    Attributes
    ----------
    result_ : AnonymizationResult
        How the training data was anonymized (achieved k, suppression, ...).
    model_ : sklearn.pipeline.Pipeline
        The reference model fitted on the release.
    release_columns_ : list of str
        The release's feature columns (columns that recode a
        quasi-identifier one to one are not released; see :func:`anonymize`).
    classes_ : ndarray
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from govkit.anonymization import AnonymizedClassifier
    >>> from govkit.datasets import load_adult
    >>> train = load_adult("test")  # the smaller split keeps the example quick
    >>> model = AnonymizedClassifier(quasi_identifiers=list(train.quasi_identifiers), k=10)
    >>> model.fit(train.X, train.y).result_.achieved_k >= 10
    True
    >>> model.predict_proba(train.X.head(3)).shape
    (3, 2)
    """

    def __init__(
        self,
        *,
        quasi_identifiers: Sequence[str] | None = None,
        k: int = 10,
        kind: str = "logistic_regression",
        method: str = "mondrian",
        l: float | None = None,  # noqa: E741 - the privacy model's name
        t: float | None = None,
        diversity: str = "distinct",
        max_suppression: float = 0.01,
        hierarchies: Mapping[str, Hierarchy] | None = None,
        numeric_release: str = "midpoint",
        random_state: int = 0,
    ) -> None:
        self.quasi_identifiers = quasi_identifiers
        self.k = k
        self.kind = kind
        self.method = method
        self.l = l
        self.t = t
        self.diversity = diversity
        self.max_suppression = max_suppression
        self.hierarchies = hierarchies
        self.numeric_release = numeric_release
        self.random_state = random_state

    def fit(self, X, y, *, sensitive=None):
        """Anonymize ``(X, y)`` and fit the reference model on the release.

        Parameters
        ----------
        X : DataFrame
            Raw training records.
        y : array-like
            Binary target.
        sensitive : array-like, optional
            Sensitive values for l and t (default: ``y``).

        Returns
        -------
        self
        """
        if not isinstance(X, pd.DataFrame):
            raise TypeError(NOT_A_FRAME.format(method="fit", kind=type(X).__name__))
        if self.kind not in MODEL_KINDS:
            raise ValueError(
                f"AnonymizedClassifier: kind={self.kind!r} is not one of {', '.join(MODEL_KINDS)}."
            )
        y = pd.Series(np.asarray(y), index=X.index)
        if len(y) != len(X):
            raise ValueError(LENGTHS.format(x=len(X), y=len(y)))
        classes = np.unique(y.to_numpy())
        if len(classes) != 2:
            raise ValueError(BAD_Y.format(count=len(classes), values=list(classes)[:5]))
        frame = X.copy()
        frame[_TARGET] = y.to_numpy()
        sensitive_column = _TARGET
        if sensitive is not None:
            frame[_SENSITIVE] = np.asarray(sensitive)
            sensitive_column = _SENSITIVE
        qis = list(self.quasi_identifiers) if self.quasi_identifiers is not None else []
        data = Dataset(frame, target=_TARGET, positive_label=classes[1], quasi_identifiers=qis)
        released, result = anonymize(
            data, quasi_identifiers=qis, k=self.k, l=self.l, t=self.t,
            sensitive=sensitive_column, method=self.method,
            max_suppression=self.max_suppression, diversity=self.diversity,
            hierarchies=self.hierarchies, numeric_release=self.numeric_release,
            random_state=self.random_state,
        )
        if sensitive is not None:
            released = released.replace(frame=released.frame.drop(columns=[_SENSITIVE]))
        self.result_ = result
        self.release_columns_ = list(released.X.columns)
        self.model_ = fit_model(self.kind, released, random_state=self.random_state)
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _generalized(self, X) -> pd.DataFrame:
        check_is_fitted(self, "model_")
        if not isinstance(X, pd.DataFrame):
            raise TypeError(NOT_A_FRAME.format(method="predict_proba", kind=type(X).__name__))
        lacking = [c for c in self.feature_names_in_ if c not in X.columns]
        if lacking:
            raise ValueError(COLUMNS.format(columns=lacking))
        generalized = self.result_.generalize(X.loc[:, list(self.feature_names_in_)])
        return generalized.loc[:, self.release_columns_]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of raw records (generalized the release's way first)."""
        return self.model_.predict_proba(self._generalized(X))

    def predict(self, X) -> np.ndarray:
        """Predicted classes of raw records."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


_OPTION_DEFAULTS = {
    "l": None,
    "t": None,
    "diversity": "distinct",
    "max_suppression": 0.01,
    "hierarchies": None,
    "numeric_release": "midpoint",
}


def _options_key(options: Mapping[str, Any]) -> dict[str, Any]:
    """The anonymization options with defaults filled in, hierarchies as fingerprints."""
    key = {}
    for name, value in sorted({**_OPTION_DEFAULTS, **options}.items()):
        if name == "hierarchies" and value is not None:
            key[name] = {c: h.fingerprint for c, h in sorted(value.items())}
        else:
            key[name] = value
    return key


def fit_anonymized_model(
    train: Dataset,
    *,
    k: int,
    kind: str = "logistic_regression",
    method: str = "mondrian",
    quasi_identifiers: Sequence[str] | None = None,
    random_state: int = 0,
    ledger=None,
    **anonymize_options: Any,
) -> AnonymizedClassifier:
    """Fit (or read from the workspace cache) the reference model on a k-anonymous release of ``train``.

    Parameters
    ----------
    train : Dataset
    k : int
    kind : {"logistic_regression", "gradient_boosting"}
    method : {"mondrian", "global"}
    quasi_identifiers : list of str, optional
        Default: ``train.quasi_identifiers``.
    random_state : int
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/fit_anonymized_model`` record is
        appended (also on a cache hit: the ledger records every use).
    **anonymize_options
        ``l``, ``t``, ``diversity``, ``max_suppression``, ``hierarchies``,
        ``numeric_release`` (see :func:`anonymize`); the sensitive attribute
        is the target.

    Returns
    -------
    AnonymizedClassifier
        Fitted; ``predict_proba`` accepts raw records such as ``test.X``.

    Examples
    --------
    >>> from govkit.anonymization import fit_anonymized_model
    >>> from govkit.datasets import load_adult
    >>> test = load_adult("test")
    >>> model = fit_anonymized_model(test, k=50)  # doctest: +SKIP
    >>> model.predict_proba(test.X).shape  # doctest: +SKIP
    (16281, 2)
    """
    if not isinstance(train, Dataset):
        raise TypeError(NOT_A_DATASET.format(func="fit_anonymized_model", name="train",
                                             kind=type(train).__name__))
    if method not in METHODS:
        raise ValueError(f"fit_anonymized_model: method={method!r} is not one of {METHODS}.")
    qis = list(quasi_identifiers) if quasi_identifiers is not None else list(train.quasi_identifiers)
    unknown = set(anonymize_options) - set(_OPTION_DEFAULTS)
    if unknown:
        raise TypeError(
            f"fit_anonymized_model: unexpected option(s) {sorted(unknown)}; the anonymization "
            "options are l, t, diversity, max_suppression, hierarchies, numeric_release."
        )

    def compute() -> AnonymizedClassifier:
        model = AnonymizedClassifier(
            quasi_identifiers=qis, k=k, kind=kind, method=method, random_state=random_state,
            **anonymize_options,
        )
        return model.fit(train.X, train.y)

    key = {
        "data": train.fingerprint,
        "k": k,
        "kind": kind,
        "method": method,
        "quasi_identifiers": qis,
        "random_state": random_state,
        "options": _options_key(anonymize_options),
    }
    model = cached("anonymized-model", key, compute)
    if ledger is not None:
        ledger.append(
            "anonymization",
            "fit_anonymized_model",
            parameters={"k": k, "kind": kind, "method": method, "quasi_identifiers": qis,
                        "random_state": random_state,
                        **{n: v for n, v in _options_key(anonymize_options).items()}},
            inputs={"train": train},
            metrics=model.result_.to_metrics(),
        )
    return model


def compare_utility(
    train: Dataset,
    test: Dataset,
    *,
    ks: Sequence[int] = (2, 5, 10, 25, 50, 100),
    methods: Sequence[str] = ("mondrian",),
    kind: str = "logistic_regression",
    quasi_identifiers: Sequence[str] | None = None,
    random_state: int = 0,
    ledger=None,
    **anonymize_options: Any,
) -> pd.DataFrame:
    """Accuracy and AUC on raw test data of the reference model trained on raw vs anonymized data.

    Parameters
    ----------
    train, test : Dataset
        ``test`` is scored raw (a model meets real people, not releases).
    ks : sequence of int
    methods : sequence of {"mondrian", "global"}
    kind : {"logistic_regression", "gradient_boosting"}
    quasi_identifiers : list of str, optional
    random_state : int
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/utility`` record is appended with the
        whole table (raw and every anonymized model).
    **anonymize_options
        Passed to :func:`fit_anonymized_model`.

    Returns
    -------
    DataFrame
        One row per model: ``method`` (``"raw"`` first), ``k``, ``accuracy``,
        ``auc``, ``information_loss``, ``suppressed_share``.

    Examples
    --------
    >>> from govkit.anonymization import compare_utility
    >>> from govkit.datasets import load_adult
    >>> table = compare_utility(load_adult(), load_adult("test"), ks=(10,))  # doctest: +SKIP
    >>> table["method"].tolist()  # doctest: +SKIP
    ['raw', 'mondrian']
    """
    for name, value in (("train", train), ("test", test)):
        if not isinstance(value, Dataset):
            raise TypeError(NOT_A_DATASET.format(func="compare_utility", name=name,
                                                 kind=type(value).__name__))
    try:
        ks = [int(k) for k in ks]
    except (TypeError, ValueError):
        raise ValueError(BAD_KS.format(value=ks)) from None
    if not ks or any(k < 2 for k in ks):
        raise ValueError(BAD_KS.format(value=ks))
    raw = cached(
        "reference-model",
        {"data": train.fingerprint, "kind": kind, "random_state": random_state},
        lambda: fit_model(kind, train, random_state=random_state),
    )
    rows = [{"method": "raw", "k": 1, **score_model(raw, test), "information_loss": 0.0,
             "suppressed_share": 0.0}]
    for method in methods:
        for k in ks:
            model = fit_anonymized_model(
                train, k=k, kind=kind, method=method, quasi_identifiers=quasi_identifiers,
                random_state=random_state, **anonymize_options,
            )
            scores = score_model(model, test)
            rows.append({"method": method, "k": k, **scores,
                         "information_loss": model.result_.information_loss,
                         "suppressed_share": model.result_.suppressed_share})
    table = pd.DataFrame(rows)
    if ledger is not None:
        ledger.append(
            "anonymization",
            "utility",
            parameters={"kind": kind, "ks": ks, "methods": list(methods),
                        "quasi_identifiers": list(quasi_identifiers or train.quasi_identifiers),
                        "random_state": random_state, **_options_key(anonymize_options)},
            inputs={"train": train, "test": test},
            metrics={
                "raw_accuracy": rows[0]["accuracy"],
                "raw_auc": rows[0]["auc"],
                "models": table.iloc[1:].to_dict(orient="records"),
            },
        )
    return table


def plot_utility(table: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """AUC and accuracy vs k, one line per method, the raw model as a dashed line.

    Parameters
    ----------
    table : DataFrame
        From :func:`compare_utility`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import plot_utility
    >>> table = pd.DataFrame({"method": ["raw", "mondrian", "mondrian"], "k": [1, 5, 50],
    ...                       "accuracy": [0.85, 0.84, 0.83], "auc": [0.90, 0.89, 0.87],
    ...                       "information_loss": [0, 0.05, 0.2], "suppressed_share": [0, 0, 0]})
    >>> len(plot_utility(table).axes)
    2
    """
    required = {"method", "k", "accuracy", "auc"}
    if not isinstance(table, pd.DataFrame) or not required.issubset(table.columns):
        raise ValueError(
            f"plot_utility: table must be compare_utility's output with columns {sorted(required)}."
        )
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), constrained_layout=True)
    raw = table[table["method"] == "raw"]
    for ax, metric, label in ((axes[0], "auc", "ROC AUC"), (axes[1], "accuracy", "accuracy")):
        for method, rows in table[table["method"] != "raw"].groupby("method", sort=False):
            ax.plot(rows["k"], rows[metric], marker="o", label=f"trained on {method} release")
        if len(raw):
            ax.axhline(float(raw[metric].iloc[0]), color="0.3", linestyle="--",
                       label="trained on raw data")
        ax.set_xscale("log")
        ax.set_xlabel("k (smallest class size of the training release)")
        ax.set_ylabel(f"{label} on the raw test split")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    fig.suptitle(title or "What anonymizing the training data costs the model")
    return fig
