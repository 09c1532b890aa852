"""The workbook's reference models: one preprocessing recipe, two model families.

Every stage trains "the same classifier" on differently treated data (raw,
anonymized, privatized, mitigated) so that differences come from the
governance step, not from the recipe. These helpers are that recipe.
"""

from __future__ import annotations

from collections.abc import Iterable

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from govkit.datasets import Dataset

__all__ = [
    "MODEL_KINDS",
    "feature_groups",
    "fit_model",
    "make_model",
    "make_preprocessor",
    "score_model",
]

MODEL_KINDS = ("logistic_regression", "gradient_boosting")

_BAD_KIND = "model kind={kind!r} is not one of {kinds}; pass one of them."
_BAD_DROP = (
    "drop: column(s) {columns} are not features of the data; features are {features}. "
    "Remove them from drop=."
)
_NOT_A_DATASET = (
    "{func}: data must be a govkit Dataset, got {kind}; wrap a frame with "
    "govkit.datasets.Dataset(frame, target=..., positive_label=...)."
)


def _features(data: Dataset, drop: Iterable[str]) -> tuple[list[str], list[str]]:
    if not isinstance(data, Dataset):
        raise TypeError(_NOT_A_DATASET.format(func="make_preprocessor", kind=type(data).__name__))
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
    numeric, categorical = _features(data, drop)
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
    random_state : int

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import make_model
    >>> make_model("logistic_regression", load_adult()).steps[-1][0]
    'classifier'
    """
    if kind == "logistic_regression":
        classifier = LogisticRegression(max_iter=2000, random_state=random_state)
    elif kind == "gradient_boosting":
        classifier = HistGradientBoostingClassifier(random_state=random_state)
    else:
        raise ValueError(_BAD_KIND.format(kind=kind, kinds=", ".join(MODEL_KINDS)))
    return Pipeline(
        [("preprocess", make_preprocessor(data, drop=drop)), ("classifier", classifier)]
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
    return make_model(kind, data, drop=drop, random_state=random_state).fit(data.X, data.y)


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
    if not isinstance(data, Dataset):
        raise TypeError(_NOT_A_DATASET.format(func="score_model", kind=type(data).__name__))
    X, y = data.X, data.y
    proba = model.predict_proba(X)[:, 1]
    return {
        "accuracy": float(accuracy_score(y, (proba >= 0.5).astype(int))),
        "auc": float(roc_auc_score(y, proba)),
    }


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
