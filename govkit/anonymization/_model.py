"""Utility: the reference classifier trained on an anonymized release, scored on raw data.

A model trained on a release sees generalized quasi-identifiers (an age range,
a set of occupations); the people it will score arrive with raw values. So
:class:`AnonymizedClassifier` keeps the release's description of its
generalization and maps every raw record onto it (the Mondrian class it falls
into, or the chosen hierarchy levels) before applying the model. The model is
govkit's reference recipe (:func:`govkit.models.make_model`), so utility
differences come from the anonymization, not from the recipe.

Large data: the release is always built from every row (its k-anonymity is a
guarantee about all of them), but the utility model learns from at most
``max_rows`` of its rows (default 100,000, far above Adult's 32,561), a
seeded simple random sample. The model's accuracy is an estimate either way,
and a generalized column can carry hundreds of distinct labels (sets of
postcodes), so a one-hot model on every row of a million-row release costs
memory in proportion to rows x labels. The model records the sample
(``sampled_rows_``, ``release_rows_``), and so do :func:`compare_utility`'s
table and ledger record. Predictions are made in blocks of rows, so scoring a
large test split needs the memory of one block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from govkit._fonts import use_cjk_fallback
from govkit._validation import as_generator, check_choice, check_random_state, renamed_keywords
from govkit.datasets import Dataset, check_dataset
from govkit.models import MODEL_KINDS, fit_model, score_model
from govkit.workspace import cached

from ._anonymize import anonymize, recorded_random_state
from ._checks import check_choice_why, check_interval_why, check_quasi_identifiers
from ._hierarchies import Hierarchy
from ._request import ANONYMIZATION_METHODS, METHOD_WHY

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
NO_FEATURE_QUASI_IDENTIFIERS = (
    "{func}: none of the quasi-identifiers {columns} is a feature of the model (they are "
    "excluded, identifiers or the target of train), so there is nothing to anonymize for it; "
    "pass quasi_identifiers= with feature columns, e.g. {example}."
)
BAD_KS = (
    "compare_utility: ks={value!r} must be a non-empty list of whole numbers >= 2, e.g. "
    "ks=(2, 5, 10, 50)."
)
MAX_ROWS_WHY = "max_rows=None trains on every released row."
_TARGET = "__govkit_target__"
_SENSITIVE = "__govkit_sensitive__"
#: Default cap on the released rows a utility model trains on (above it: a seeded sample).
MAX_ROWS = 100_000
#: Rows scored at once by ``predict_proba`` (bounds the memory of the one-hot block).
_PREDICT_BLOCK = 50_000


def _check_max_rows(value, func: str) -> int | None:
    """None, or a whole number of rows >= 1000."""
    if value is None:
        return None
    return check_interval_why(value, param="max_rows", func=func, low=1000, integer=True,
                              example=100_000, why=MAX_ROWS_WHY)


def _sample_positions(rows: int, max_rows: int | None, random_state) -> np.ndarray | None:
    """Sorted positions of a seeded simple random sample of ``max_rows`` rows (None: keep all)."""
    if max_rows is None or rows <= max_rows:
        return None
    if isinstance(random_state, int):
        rng = np.random.default_rng([random_state, 0x5A3B1E])  # a stream of its own
    else:
        rng = as_generator(random_state)
    return np.sort(rng.choice(rows, size=max_rows, replace=False))


def model_quasi_identifiers(train: Dataset, quasi_identifiers: Sequence[str] | None, func: str
                            ) -> tuple[list[str], list[str]]:
    """The quasi-identifiers that are model features, and those that are columns but not features.

    A quasi-identifier of ``train`` that is excluded from the features (or an
    identifier) is generalized in a release, but a model never sees it, so
    the model's release leaves it out. A name that is no column at all is
    refused with a did-you-mean.
    """
    qis = list(check_quasi_identifiers(
        train.frame, quasi_identifiers if quasi_identifiers is not None else train.quasi_identifiers,
        func, why="" if quasi_identifiers is not None else " (and train declares none)"))
    features = set(train.feature_names)
    not_features = [q for q in qis if q in train.frame.columns and q not in features]
    used = [q for q in qis if q not in not_features]
    if not_features and not used:
        raise ValueError(NO_FEATURE_QUASI_IDENTIFIERS.format(
            func=func, columns=not_features, example=list(train.feature_names[:3])))
    return used, not_features


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
    random_state : None, int, numpy Generator or RandomState
    max_rows : int or None
        The model learns from at most this many released rows: above it, a
        seeded simple random sample of ``max_rows`` rows (the release itself
        is always built from every row). None: every released row.
    not_identifiers : sequence of str
        Columns of ``X`` that look like direct identifiers but that the data
        holder declared safe (``Dataset.not_identifiers``): the release does
        not refuse them. :func:`fit_anonymized_model` passes its Dataset's.

    Attributes
    ----------
    result_ : AnonymizationResult
        How the training data was anonymized (achieved k, suppression, ...).
    model_ : sklearn.pipeline.Pipeline
        The reference model fitted on the release (or on ``sampled_rows_`` of its rows).
    release_rows_ : int
        Rows in the release.
    sampled_rows_ : int or None
        Rows of the release the model was fitted on when they were sampled;
        None when it was fitted on every released row.
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
        random_state=0,
        max_rows: int | None = MAX_ROWS,
        not_identifiers: Sequence[str] = (),
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
        self.max_rows = max_rows
        self.not_identifiers = not_identifiers

    @renamed_keywords(sensitive="sensitive_values")
    def fit(self, X, y, *, sensitive_values=None):
        """Anonymize ``(X, y)`` and fit the reference model on the release.

        Parameters
        ----------
        X : DataFrame
            Raw training records.
        y : array-like
            Binary target.
        sensitive_values : array-like, optional
            The sensitive attribute's value for every row, for l and t
            (default: ``y``). Formerly ``sensitive=``, which still works in
            this release with a FutureWarning.

        Returns
        -------
        self
        """
        if not isinstance(X, pd.DataFrame):
            raise TypeError(NOT_A_FRAME.format(method="fit", kind=type(X).__name__))
        check_choice(self.kind, MODEL_KINDS, param="kind", func="AnonymizedClassifier")
        max_rows = _check_max_rows(self.max_rows, "AnonymizedClassifier")
        random_state = check_random_state(self.random_state, func="AnonymizedClassifier")
        y = pd.Series(np.asarray(y), index=X.index)
        if len(y) != len(X):
            raise ValueError(LENGTHS.format(x=len(X), y=len(y)))
        classes = np.unique(y.to_numpy())
        if len(classes) != 2:
            raise ValueError(BAD_Y.format(count=len(classes), values=list(classes)[:5]))
        released, result = self._release(X, y, classes, sensitive_values, random_state)
        self.result_ = result
        self.release_columns_ = list(released.X.columns)
        self.release_rows_ = len(released.frame)
        positions = _sample_positions(self.release_rows_, max_rows, random_state)
        self.sampled_rows_ = None if positions is None else len(positions)
        if positions is not None:
            released = released.replace(
                frame=released.frame.iloc[positions].reset_index(drop=True),
                numeric=released.numeric, categorical=released.categorical,
            )
        self.model_ = fit_model(self.kind, released, random_state=random_state)
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _release(self, X: pd.DataFrame, y: pd.Series, classes: np.ndarray, sensitive_values,
                 random_state) -> tuple[Dataset, Any]:
        """The k-anonymous release of ``(X, y)`` (the sensitive values dropped from it again)."""
        frame = X.copy()
        frame[_TARGET] = y.to_numpy()
        sensitive_column = _TARGET
        if sensitive_values is not None:
            frame[_SENSITIVE] = np.asarray(sensitive_values)
            sensitive_column = _SENSITIVE
        qis = list(self.quasi_identifiers) if self.quasi_identifiers is not None else []
        declared = [c for c in self.not_identifiers if c in frame.columns]
        data = Dataset(frame, target=_TARGET, positive_label=classes[1], quasi_identifiers=qis,
                       not_identifiers=declared)
        released, result = anonymize(
            data, quasi_identifiers=qis, k=self.k, l=self.l, t=self.t,
            sensitive_column=sensitive_column, method=self.method,
            max_suppression=self.max_suppression, diversity=self.diversity,
            hierarchies=self.hierarchies, numeric_release=self.numeric_release,
            random_state=random_state,
        )
        if sensitive_values is not None:
            released = released.replace(frame=released.frame.drop(columns=[_SENSITIVE]))
        return released, result

    def __setstate__(self, state):
        # a model cached before max_rows (or not_identifiers) existed learnt from every
        # released row, and declared no column safe
        state.setdefault("not_identifiers", ())
        state.setdefault("max_rows", MAX_ROWS)
        if "result_" in state:
            state.setdefault("release_rows_", len(state["result_"].source_index))
            state.setdefault("sampled_rows_", None)
        super().__setstate__(state)

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
        """Class probabilities of raw records (generalized the release's way first).

        Scored in blocks of rows: the same numbers as one call, with the
        memory of one block's one-hot matrix.
        """
        generalized = self._generalized(X)
        if len(generalized) <= _PREDICT_BLOCK:
            return self.model_.predict_proba(generalized)
        return np.concatenate([
            self.model_.predict_proba(generalized.iloc[start:start + _PREDICT_BLOCK])
            for start in range(0, len(generalized), _PREDICT_BLOCK)
        ])

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
    random_state: Any = 0,
    max_rows: int | None = MAX_ROWS,
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
        Default: ``train.quasi_identifiers``. Only those that are features of
        the model are anonymized for it: a quasi-identifier that ``train``
        excludes from the features (or lists as an identifier) is left out,
        and the ledger record names it (``quasi_identifiers_not_features``).
    random_state : None, int, numpy Generator or RandomState
    max_rows : int or None
        The model learns from at most this many released rows (a seeded
        sample above it; the release is built from every row). None: all.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/fit_anonymized_model`` record is
        appended (also on a cache hit: the ledger records every use), with
        ``sampled_rows`` and ``release_rows`` when the model learnt from a
        sample.
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
    func = "fit_anonymized_model"
    train = check_dataset(train, func=func, param="train")
    check_choice_why(method, ANONYMIZATION_METHODS, param="method", func=func, why=METHOD_WHY)
    max_rows = _check_max_rows(max_rows, func)
    random_state = check_random_state(random_state, func=func)
    qis, not_features = model_quasi_identifiers(train, quasi_identifiers, func)
    unknown = set(anonymize_options) - set(_OPTION_DEFAULTS)
    if unknown:
        raise TypeError(
            f"fit_anonymized_model: unexpected option(s) {sorted(unknown)}; the anonymization "
            "options are l, t, diversity, max_suppression, hierarchies, numeric_release."
        )

    def compute() -> AnonymizedClassifier:
        model = AnonymizedClassifier(
            quasi_identifiers=qis, k=k, kind=kind, method=method, random_state=random_state,
            max_rows=max_rows, not_identifiers=tuple(train.not_identifiers), **anonymize_options,
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
    if max_rows is not None and len(train) > max_rows:  # the cap matters only above it
        key["max_rows"] = max_rows
    model = cached("anonymized-model", key, compute)
    if ledger is not None:
        parameters = {"k": k, "kind": kind, "method": method, "quasi_identifiers": qis,
                      **_not_features(not_features),
                      "random_state": recorded_random_state(random_state),
                      **{n: v for n, v in _options_key(anonymize_options).items()}}
        if "max_rows" in key:
            parameters["max_rows"] = max_rows
        ledger.append(
            "anonymization",
            "fit_anonymized_model",
            parameters=parameters,
            inputs={"train": train},
            metrics={**model.result_.to_metrics(), **_sample_metrics(model)},
        )
    return model


def _not_features(columns: Sequence[str]) -> dict[str, list[str]]:
    """The ledger entry naming quasi-identifiers left out because they are no model features."""
    return {"quasi_identifiers_not_features": list(columns)} if columns else {}


def _sample_metrics(model: AnonymizedClassifier) -> dict[str, Any]:
    """``sampled_rows`` and ``release_rows`` when the model learnt from a sample, else nothing."""
    sampled = getattr(model, "sampled_rows_", None)
    if sampled is None:
        return {}
    return {"sampled_rows": int(sampled), "release_rows": int(model.release_rows_),
            "sample": "seeded simple random sample of the released rows (the release itself "
                      "is built from every row)"}


def compare_utility(
    train: Dataset,
    test: Dataset,
    *,
    ks: Sequence[int] = (2, 5, 10, 25, 50, 100),
    methods: Sequence[str] = ("mondrian",),
    kind: str = "logistic_regression",
    quasi_identifiers: Sequence[str] | None = None,
    random_state: Any = 0,
    max_rows: int | None = MAX_ROWS,
    reference_model=None,
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
        Default: ``train.quasi_identifiers``; as in :func:`fit_anonymized_model`,
        only those that are model features are anonymized (the ledger record
        names the others, ``quasi_identifiers_not_features``).
    random_state : None, int, numpy Generator or RandomState
    max_rows : int or None
        Each anonymized model learns from at most this many released rows
        (see :func:`fit_anonymized_model`). The raw model is not affected.
    reference_model : fitted classifier, optional
        The reference model already fitted on ``train`` (e.g.
        ``fit_model(kind, train, random_state=random_state)``), scored as the
        ``"raw"`` row instead of fitting (or reading from the cache) another.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/utility`` record is appended with the
        whole table (raw and every anonymized model).
    **anonymize_options
        Passed to :func:`fit_anonymized_model`.

    Returns
    -------
    DataFrame
        One row per model: ``method`` (``"raw"`` first), ``k``, ``accuracy``,
        ``auc``, ``information_loss``, ``suppressed_share``; when a model
        learnt from a sample of its release (more than ``max_rows`` released
        rows), also ``sampled_rows`` and ``release_rows``.

    Examples
    --------
    >>> from govkit.anonymization import compare_utility
    >>> from govkit.datasets import load_adult
    >>> table = compare_utility(load_adult(), load_adult("test"), ks=(10,))  # doctest: +SKIP
    >>> table["method"].tolist()  # doctest: +SKIP
    ['raw', 'mondrian']
    """
    func = "compare_utility"
    train = check_dataset(train, func=func, param="train")
    test = check_dataset(test, func=func, param="test")
    ks = _check_ks(ks)
    max_rows = _check_max_rows(max_rows, func)
    random_state = check_random_state(random_state, func=func)
    qis, not_features = model_quasi_identifiers(train, quasi_identifiers, func)
    if reference_model is not None:
        raw = reference_model
    else:
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
                train, k=k, kind=kind, method=method, quasi_identifiers=qis,
                random_state=random_state, max_rows=max_rows, **anonymize_options,
            )
            scores = score_model(model, test)
            sample = _sample_metrics(model)
            rows.append({"method": method, "k": k, **scores,
                         "information_loss": model.result_.information_loss,
                         "suppressed_share": model.result_.suppressed_share,
                         **{n: sample[n] for n in ("sampled_rows", "release_rows") if n in sample}})
    table, models = _utility_table(rows)
    if ledger is not None:
        ledger.append(
            "anonymization",
            "utility",
            parameters={"kind": kind, "ks": ks, "methods": list(methods),
                        "quasi_identifiers": qis, **_not_features(not_features),
                        "random_state": recorded_random_state(random_state),
                        **_options_key(anonymize_options),
                        **({"max_rows": max_rows} if "sampled_rows" in table else {})},
            inputs={"train": train, "test": test},
            metrics={
                "raw_accuracy": rows[0]["accuracy"],
                "raw_auc": rows[0]["auc"],
                "models": models,
            },
        )
    return table


def _check_ks(ks: Any) -> list[int]:
    """A non-empty list of whole numbers >= 2."""
    try:
        ks = [int(k) for k in ks]
    except (TypeError, ValueError):
        raise ValueError(BAD_KS.format(value=ks)) from None
    if not ks or any(k < 2 for k in ks):
        raise ValueError(BAD_KS.format(value=ks))
    return ks


def _utility_table(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The table of :func:`compare_utility`, and its anonymized models' rows for the ledger
    (sample sizes as whole numbers, only where a model learnt from a sample)."""
    table = pd.DataFrame(rows)
    models = table.iloc[1:].to_dict(orient="records")
    if "sampled_rows" in table:
        for column in ("sampled_rows", "release_rows"):
            table[column] = table[column].astype("Int64")  # the raw row has none: <NA>
        models = [{n: (int(v) if n in ("sampled_rows", "release_rows") else v)
                   for n, v in row.items() if not (n in ("sampled_rows", "release_rows")
                                                   and pd.isna(v))} for row in models]
    return table, models


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
    use_cjk_fallback()  # method names and the title may be the user's own words (e.g. Chinese)
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
