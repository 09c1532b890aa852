"""The workbook's reference models: one preprocessing recipe, two model families.

Every stage trains "the same classifier" on differently treated data (raw,
anonymized, privatized, mitigated) so that differences come from the
governance step, not from the recipe. These helpers are that recipe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from govkit._validation import as_sklearn_random_state, check_choice
from govkit.datasets import Dataset, as_frame, check_dataset

__all__ = [
    "MODEL_KINDS",
    "check_classifier",
    "feature_groups",
    "fit_model",
    "make_model",
    "make_preprocessor",
    "positive_scores",
    "score_model",
]

MODEL_KINDS = ("logistic_regression", "gradient_boosting")

_BAD_DROP = (
    "drop: column(s) {columns} are not features of the data; features are {features}. "
    "Remove them from drop=."
)
_NOT_A_DATASET = (
    "{func}: data must be a govkit Dataset, got {kind}; wrap a frame with "
    "govkit.datasets.Dataset(frame, target=..., positive_label=...)."
)

_NOT_FEATURES = (
    "{func}: data must be a govkit Dataset or a pandas DataFrame of features, got {kind}; pass "
    "e.g. govkit.datasets.load_adult('test') or its .X."
)
_NO_PREDICT_PROBA = (
    "{func}: model {kind} has no predict_proba method; govkit scores the probability of the "
    "positive class, so it needs a fitted probabilistic classifier. Use e.g. "
    "govkit.models.fit_model('logistic_regression', train), or wrap yours in "
    "sklearn.calibration.CalibratedClassifierCV."
)
_NOT_FITTED = (
    "{func}: model {kind} is not fitted yet; fit it first, e.g. model.fit(data.X, data.y) or "
    "govkit.models.fit_model(kind, data)."
)
_NOT_BINARY = (
    "{func}: model {kind} has {n} classes ({classes}); govkit scores binary classifiers. "
    "Binarize the target (see govkit.datasets.Dataset's positive_label) and refit."
)
_BAD_PROBA = (
    "{func}: model {kind}'s predict_proba returned an array of shape {shape} for {rows} rows; "
    "expected ({rows}, 2) for a binary classifier (column 1 = the positive class)."
)


def _features(data: Dataset, drop: Iterable[str], func: str) -> tuple[list[str], list[str]]:
    check_dataset(data, func=func)
    drop = [drop] if isinstance(drop, str) else list(drop)
    unknown = [c for c in drop if c not in data.feature_names]
    if unknown:
        raise ValueError(_BAD_DROP.format(columns=unknown, features=list(data.feature_names)))
    numeric = [c for c in data.numeric if c not in drop]
    categorical = [c for c in data.categorical if c not in drop]
    return numeric, categorical


def make_preprocessor(data: Dataset, *, drop: Iterable[str] = ()) -> ColumnTransformer:
    """Impute, scale numeric columns and one-hot encode categorical ones.

    Numeric: median imputation, standard scaling. Categorical: missing values
    become the category ``"missing"``, then one-hot encoding that ignores
    categories unseen in training. Direct identifiers and the target are never
    inputs.

    Parameters
    ----------
    data : Dataset
        Supplies the column kinds.
    drop : list of str
        Feature columns to leave out (e.g. a protected attribute).

    Returns
    -------
    sklearn.compose.ColumnTransformer
        Unfitted; output feature names look like ``num__age`` and
        ``cat__sex_Female``.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import make_preprocessor
    >>> data = load_adult()
    >>> make_preprocessor(data).fit_transform(data.X).shape
    (32561, 108)
    """
    return _preprocessor(data, drop, "make_preprocessor")


def _preprocessor(data: Dataset, drop: Iterable[str], func: str) -> ColumnTransformer:
    numeric, categorical = _features(data, drop, func)
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                categorical,
            ),
        ],
        remainder="drop",
        verbose_feature_names_out=True,
    )


def make_model(
    kind: str, data: Dataset, *, drop: Iterable[str] = (), random_state: int = 0
) -> Pipeline:
    """Return an unfitted pipeline ``preprocess -> classifier`` for ``data``.

    Parameters
    ----------
    kind : {"logistic_regression", "gradient_boosting"}
        Logistic regression (L2, C=1) or scikit-learn's histogram gradient
        boosting (default settings).
    data : Dataset
    drop : list of str
        Feature columns to leave out.
    random_state : None, int, numpy Generator or RandomState
        Seeds the classifier (a Generator gives it a seed drawn from it).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import make_model
    >>> make_model("logistic_regression", load_adult()).steps[-1][0]
    'classifier'
    """
    return _make_model(kind, data, drop, random_state, "make_model")


def _make_model(kind: str, data: Dataset, drop: Iterable[str], random_state: Any,
                func: str) -> Pipeline:
    check_choice(kind, MODEL_KINDS, param="kind", func=func)
    random_state = as_sklearn_random_state(random_state, func=func)
    if kind == "logistic_regression":
        classifier = LogisticRegression(max_iter=2000, random_state=random_state)
    else:
        classifier = HistGradientBoostingClassifier(random_state=random_state)
    return Pipeline(
        [("preprocess", _preprocessor(data, drop, func)), ("classifier", classifier)]
    )


def fit_model(
    kind: str, data: Dataset, *, drop: Iterable[str] = (), random_state: int = 0
) -> Pipeline:
    """Fit :func:`make_model` on ``data.X`` and ``data.y`` and return it.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import fit_model
    >>> model = fit_model("logistic_regression", load_adult())
    >>> model.classes_.tolist()
    [0, 1]
    """
    model = _make_model(kind, data, drop, random_state, "fit_model")
    return model.fit(data.X, data.y)


def score_model(model, data: Dataset) -> dict[str, float]:
    """Accuracy and ROC AUC of a fitted model on ``data``.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import fit_model, score_model
    >>> scores = score_model(fit_model("logistic_regression", load_adult()), load_adult("test"))
    >>> scores["auc"] > 0.89
    True
    """
    check_dataset(data, func="score_model")
    proba = positive_scores(model, data, func="score_model")
    y = data.y
    return {
        "accuracy": float(accuracy_score(y, (proba >= 0.5).astype(int))),
        "auc": float(roc_auc_score(y, proba)),
    }


def check_classifier(model: Any, *, func: str = "check_classifier") -> None:
    """Refuse a model :func:`positive_scores` could not score, before any data is scored.

    The model must have ``predict_proba``, be fitted, and (when it says so
    through ``classes_``) have two classes. A model that is not a
    scikit-learn estimator passes when it has ``predict_proba``; its output
    is checked when it is scored.

    Parameters
    ----------
    model : object
        The model received.
    func : str
        The calling function's name, for the error messages.

    Raises
    ------
    TypeError
        No ``predict_proba``.
    sklearn.exceptions.NotFittedError
        Not fitted (a ``ValueError``); the message gives the fix.
    ValueError
        More than two classes.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.models import check_classifier
    >>> check_classifier(LogisticRegression().fit([[0.0], [1.0]], [0, 1]))
    >>> check_classifier("a model", func="explain_shap")
    Traceback (most recent call last):
    ...
    TypeError: explain_shap: model str has no predict_proba method; ...
    """
    kind = type(model).__name__
    if not hasattr(model, "predict_proba"):
        raise TypeError(_NO_PREDICT_PROBA.format(func=func, kind=kind))
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise NotFittedError(_NOT_FITTED.format(func=func, kind=kind)) from None
    except TypeError:  # not a scikit-learn estimator: its predict_proba output is checked
        return
    classes = getattr(model, "classes_", None)
    if classes is not None and len(classes) != 2:
        raise ValueError(_NOT_BINARY.format(
            func=func, kind=kind, n=len(classes), classes=list(np.asarray(classes).tolist())))


def positive_scores(model: Any, data: Any, *, func: str = "positive_scores") -> np.ndarray:
    """Positive-class probabilities of a fitted binary classifier on ``data``.

    The one place govkit scores a model: every stage (fairness, explain,
    privacy, :func:`score_model`) calls it, so a model that cannot be scored
    fails with the same message everywhere.

    Parameters
    ----------
    model : fitted classifier or Pipeline with ``predict_proba``
        A binary classifier; column 1 of ``predict_proba`` is the positive class.
    data : Dataset or pandas.DataFrame
        A Dataset (its features ``data.X`` are scored) or a frame of features.
    func : str
        The calling function's name, for the error messages.

    Returns
    -------
    numpy.ndarray
        1-D float64, one probability per row.

    Raises
    ------
    TypeError
        ``data`` is neither a Dataset nor a DataFrame, or the model has no
        ``predict_proba``.
    sklearn.exceptions.NotFittedError
        The model is not fitted (a ``ValueError``); the message gives the fix.
    ValueError
        The model has more than two classes, or ``predict_proba`` does not
        return one row of two probabilities per input row.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.models import positive_scores
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> positive_scores(model, X).shape
    (4,)
    >>> positive_scores(LogisticRegression(), X, func="evaluate_model")
    Traceback (most recent call last):
    ...
    sklearn.exceptions.NotFittedError: evaluate_model: model LogisticRegression is not fitted yet; ...
    """
    frame, dataset = as_frame(data, func=func)
    X = dataset.X if dataset is not None else frame
    check_classifier(model, func=func)
    kind = type(model).__name__
    try:
        proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    except NotFittedError:
        raise NotFittedError(_NOT_FITTED.format(func=func, kind=kind)) from None
    if proba.ndim == 2 and proba.shape[0] == len(X) and proba.shape[1] > 2:
        raise ValueError(_NOT_BINARY.format(
            func=func, kind=kind, n=proba.shape[1], classes="predict_proba columns"))
    if proba.ndim != 2 or proba.shape != (len(X), 2):
        raise ValueError(_BAD_PROBA.format(func=func, kind=kind, shape=proba.shape, rows=len(X)))
    return proba[:, 1]


def feature_groups(preprocessor: ColumnTransformer) -> dict[str, list[int]]:
    """Map each original feature to the columns it became in a fitted preprocessor.

    Useful to add one-hot SHAP values back up to ``sex`` or ``education``.

    Parameters
    ----------
    preprocessor : ColumnTransformer
        Fitted :func:`make_preprocessor` (or a fitted :func:`make_model`'s
        ``named_steps["preprocess"]``).

    Returns
    -------
    dict
        Original feature name -> list of output column positions.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import feature_groups, make_preprocessor
    >>> data = load_adult()
    >>> groups = feature_groups(make_preprocessor(data).fit(data.X))
    >>> len(groups["sex"]), len(groups["age"])
    (2, 1)
    """
    groups: dict[str, list[int]] = {}
    position = 0
    for name, transformer, columns in preprocessor.transformers_:
        if name == "remainder" or transformer == "drop" or len(columns) == 0:
            continue
        if name == "num":
            for column in columns:
                groups[column] = [position]
                position += 1
        else:
            encoder = transformer[-1]
            for column, categories in zip(columns, encoder.categories_, strict=True):
                groups[column] = list(range(position, position + len(categories)))
                position += len(categories)
    total = len(preprocessor.get_feature_names_out())
    if position != total:  # pragma: no cover - guards against a changed recipe
        raise RuntimeError(f"feature_groups covered {position} of {total} output columns")
    return groups
