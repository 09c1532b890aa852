"""SHAP values with the right explainer for the model, reported in the original feature names.

The choice of explainer decides both speed and correctness. shap has exact,
fast algorithms for tree ensembles (Tree SHAP) and linear models; everything
else needs a model-agnostic sampler, and the classic one, KernelExplainer on a
large raw background, is the slowest way to get SHAP values that exists.
:func:`choose_explainer` makes the choice and says why; :func:`explain_shap`
runs it through shap itself and adds two things shap leaves to the user:

- one-hot columns are summed back to the feature they came from (``sex``, not
  ``cat__sex_Male`` and ``cat__sex_Female``). SHAP values are additive, so the
  sum over a feature's columns is that feature's attribution;
- the model-agnostic path never perturbs one-hot columns independently: it
  works on label-encoded raw features (see :mod:`govkit.explain._codec`) and
  calls the whole pipeline on decoded frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import joblib
import numpy as np
import pandas as pd
import shap
from shap.utils import safe_isinstance
from sklearn.compose import ColumnTransformer
from sklearn.linear_model._base import LinearClassifierMixin

from govkit._validation import as_seed, check_choice, check_interval
from govkit.ledger import fingerprint
from govkit.models import check_classifier, feature_groups, positive_scores
from govkit.workspace import cached

from ._checks import (
    align_features,
    column_kinds,
    features_of,
    final_estimator,
    model_name,
    row_positions,
)
from ._codec import CategoryCodec

__all__ = ["OUTPUTS", "ExplainerChoice", "ShapExplanation", "choose_explainer", "explain_shap"]

OUTPUTS = ("log_odds", "probability")

# Tree ensembles shap's TreeExplainer reads, and the scale of their raw output.
_TREE_MODELS = {
    "sklearn.ensemble.HistGradientBoostingClassifier": "log_odds",
    "sklearn.ensemble.GradientBoostingClassifier": "log_odds",
    "xgboost.XGBClassifier": "log_odds",
    "lightgbm.LGBMClassifier": "log_odds",
    "catboost.CatBoostClassifier": "log_odds",
    "sklearn.ensemble.RandomForestClassifier": "probability",
    "sklearn.ensemble.ExtraTreesClassifier": "probability",
    "sklearn.tree.DecisionTreeClassifier": "probability",
}

_TOO_FEW_EVALS = (
    "max_evals={value!r} is too small: the permutation explainer needs at least "
    "2 x features + 1 = {minimum} model evaluations per row for {n} features; pass "
    "max_evals={minimum} or more (the default is 500)."
)
_LOGIT_CLIP = 1e-15

_WHY_TREE = (
    "{estimator} is a tree ensemble, so shap's TreeExplainer computes exact SHAP values from "
    "the trees themselves in polynomial time{how}."
)
_WHY_LINEAR = (
    "{estimator} is a linear model, so shap's LinearExplainer gives exact SHAP values in closed "
    "form (coefficient x (value - background mean)) in the log-odds the model is linear in, "
    "with a {n}-row background sample for the means."
)
_WHY_ADDITIVE = (
    "{estimator} is an additive glass-box model (one shape function per feature, no "
    "interaction terms), so its exact SHAP values are each feature's shape-function value "
    "minus that function's mean over a {n}-row background sample: the decomposition of shap's "
    "AdditiveExplainer, computed for all rows in a few batched model calls on the raw features "
    "(categories label-encoded and decoded before every model call)."
)
_WHY_PERMUTATION = (
    "{why} so shap's model-agnostic PermutationExplainer runs on the raw features (categories "
    "label-encoded and decoded before every model call, never one-hot columns switched on "
    "independently) against a {n}-row background sample. Its values add up exactly to the "
    "model output; KernelExplainer on a raw background would need far more model calls for "
    "the same accuracy."
)


@dataclass(frozen=True)
class ExplainerChoice:
    """Which shap explainer :func:`explain_shap` uses for a model, and why.

    Attributes
    ----------
    name : str
        ``"TreeExplainer"``, ``"LinearExplainer"`` or ``"PermutationExplainer"``.
    reason : str
        One or two sentences saying why, in plain words.
    algorithm : str
        ``"tree_path_dependent"``, ``"tree_interventional"``, ``"linear"`` or
        ``"permutation"``.
    """

    name: str
    reason: str
    algorithm: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass(frozen=True, eq=False)
class ShapExplanation:
    """SHAP values of a model on some rows, per original feature.

    Attributes
    ----------
    values : pandas.DataFrame
        One row per explained row (same index as the data), one column per
        original feature; one-hot columns are summed back to their feature.
    base_value : float
        The expected model output over the background: every row's values add
        up to ``model_output - base_value``.
    model_output : pandas.Series
        The model's output on each row, in ``output`` units.
    features : pandas.DataFrame
        The raw feature values of the explained rows (for plots).
    output : str
        ``"log_odds"`` or ``"probability"``.
    explainer : str
        The shap explainer used (see :class:`ExplainerChoice`).
    reason : str
        Why it was chosen.
    model : str
        Short name of the model (its final estimator's class name, or the name given).
    parameters : dict
        Everything that determines the values: algorithm, output, background
        size and seed, ``max_evals``, ``random_state``.
    background : pandas.DataFrame or None
        The background rows the values are relative to (``None`` for
        path-dependent Tree SHAP, which uses the trees' own cover statistics).
    native : shap.Explanation
        shap's own result, in the model's input space (one-hot columns for a
        pipeline), for shap's plotting functions.
    """

    values: pd.DataFrame
    base_value: float
    model_output: pd.Series
    features: pd.DataFrame
    output: str
    explainer: str
    reason: str
    model: str
    parameters: dict = field(default_factory=dict)
    background: pd.DataFrame | None = None
    native: Any = None

    def __len__(self) -> int:
        return len(self.values)

    def importance(self) -> pd.Series:
        """Mean |SHAP value| per feature, largest first (global importance).

        Examples
        --------
        >>> import pandas as pd
        >>> from govkit.explain import ShapExplanation
        >>> e = ShapExplanation(pd.DataFrame({"a": [1.0, -3.0], "b": [0.5, 0.5]}), 0.0,
        ...                     pd.Series([1.5, -2.5]), pd.DataFrame({"a": [1, 2], "b": [3, 4]}),
        ...                     "log_odds", "TreeExplainer", "", "demo")
        >>> e.importance().to_dict()
        {'a': 2.0, 'b': 0.5}
        """
        return (
            self.values.abs().mean().sort_values(ascending=False, kind="stable").rename("mean |SHAP|")
        )

    def additivity_error(self) -> float:
        """Largest |sum of SHAP values + base value - model output| over the rows."""
        total = self.values.sum(axis=1) + self.base_value
        return float(np.max(np.abs(total.to_numpy() - self.model_output.to_numpy())))

    def to_shap(self, *, numeric_only_colour: bool = True) -> shap.Explanation:
        """A ``shap.Explanation`` in the original feature names, for shap's plots.

        Parameters
        ----------
        numeric_only_colour : bool
            shap colours points by feature value, which means nothing for an
            unordered category; when True (default) categorical columns carry
            NaN data so shap draws them grey. Their labels are in
            ``display_data``.
        """
        data = pd.DataFrame(index=self.features.index)
        for column in self.values.columns:
            values = self.features[column]
            numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
            data[column] = values.astype(float) if numeric else (
                np.nan if numeric_only_colour else pd.factorize(values)[0].astype(float)
            )
        return shap.Explanation(
            values=self.values.to_numpy(),
            base_values=np.full(len(self.values), self.base_value),
            data=data.to_numpy(dtype=float),
            display_data=self.features.astype(object).to_numpy(),
            feature_names=list(self.values.columns),
        )


# -- the choice -----------------------------------------------------------------------

def _split(model: Any) -> tuple[Any, Any]:
    """(preprocessor or None, final estimator) of a Pipeline or a bare estimator."""
    steps = getattr(model, "steps", None)
    if steps and len(steps) > 1:
        return model[:-1], steps[-1][1]
    return None, final_estimator(model)


def _tree_output(estimator: Any) -> str | None:
    for path, scale in _TREE_MODELS.items():
        if safe_isinstance(estimator, path):
            return scale
    return None


def _is_linear(estimator: Any) -> bool:
    """A binary classifier linear in log-odds: scikit-learn's, or one with 1-D ``coef_``.

    The second covers govkit's DP-SGD logistic regression (``DPSGDClassifier``
    without hidden units), whose decision function is ``X @ coef_ + intercept_``.
    """
    coef = getattr(estimator, "coef_", None)
    if coef is None or getattr(estimator, "intercept_", None) is None:
        return False
    if isinstance(estimator, LinearClassifierMixin):
        return coef.shape[0] == 1
    return np.ndim(coef) == 1 and hasattr(estimator, "decision_function")


def _linear_parameters(estimator: Any) -> tuple[np.ndarray, float]:
    """``(coef, intercept)`` as shap's LinearExplainer takes them from any linear model."""
    return (np.asarray(estimator.coef_, dtype=float).reshape(-1),
            float(np.asarray(estimator.intercept_, dtype=float).reshape(-1)[0]))


def _is_additive(estimator: Any) -> bool:
    """An interpret EBM (or DP-EBM) whose terms are all single features."""
    terms = getattr(estimator, "term_features_", None)
    return (
        terms is not None
        and hasattr(estimator, "eval_terms")
        and all(len(term) == 1 for term in terms)
    )


def _name_groups(names: list[str], features: list[str]) -> dict[str, list[int]] | None:
    """Group output columns by the longest original feature name they start with."""
    groups: dict[str, list[int]] = {f: [] for f in features}
    for position, name in enumerate(names):
        bare = re.sub(r"^[^_]+__", "", name)  # drop ColumnTransformer's "num__" prefixes
        # "sex_Female" (OneHotEncoder) or "sex=Female" (govkit.privacy.DomainEncoder)
        owners = [f for f in features if bare == f or bare.startswith((f + "_", f + "="))]
        if not owners:
            return None
        groups[max(owners, key=len)].append(position)
    return {f: p for f, p in groups.items() if p}


def _column_groups(preprocessor: Any, features: list[str]) -> dict[str, list[int]] | None:
    """Map each original feature to its columns after ``preprocessor``; None if impossible."""
    if preprocessor is None:
        return {f: [i] for i, f in enumerate(features)}
    steps = getattr(preprocessor, "steps", None)
    inner = steps[0][1] if steps and len(steps) == 1 else preprocessor
    if isinstance(inner, ColumnTransformer):
        try:
            groups = feature_groups(inner)
        except (AttributeError, RuntimeError, TypeError, ValueError, IndexError):
            groups = None
        if groups is not None and set(groups) <= set(features):
            return groups
    try:
        names = [str(n) for n in preprocessor.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        return None
    return _name_groups(names, features)


def _plan(model: Any, features: list[str], output: str) -> tuple[ExplainerChoice, Any, Any, Any]:
    preprocessor, estimator = _split(model)
    groups = _column_groups(preprocessor, features)
    name = type(estimator).__name__
    tree_scale = _tree_output(estimator)
    if tree_scale is not None and groups is not None:
        if output == tree_scale:
            choice = ExplainerChoice(
                "TreeExplainer",
                _WHY_TREE.format(
                    estimator=name,
                    how=" (path-dependent: no background data needed; the values are in the "
                    f"model's raw {output.replace('_', '-')} output)",
                ),
                "tree_path_dependent",
            )
            return choice, preprocessor, estimator, groups
        if output == "probability":
            choice = ExplainerChoice(
                "TreeExplainer",
                _WHY_TREE.format(
                    estimator=name,
                    how=" (interventional, against a background sample, so that the values are "
                    "in probability rather than the trees' log-odds)",
                ),
                "tree_interventional",
            )
            return choice, preprocessor, estimator, groups
        why = f"{name} averages probabilities over trees, so its log-odds are not additive over trees,"
    elif _is_linear(estimator) and groups is not None:
        if output == "log_odds":
            return (
                ExplainerChoice("LinearExplainer", _WHY_LINEAR.format(estimator=name, n="{n}"), "linear"),
                preprocessor,
                estimator,
                groups,
            )
        why = f"{name} is linear in log-odds, not in probability,"
    elif _is_additive(estimator) and output == "log_odds":
        return (
            ExplainerChoice("AdditiveExplainer", _WHY_ADDITIVE.format(estimator=name, n="{n}"), "additive"),
            None,
            None,
            None,
        )
    elif groups is None and (tree_scale is not None or _is_linear(estimator)):
        why = "the pipeline's preprocessing cannot be mapped back to the original features,"
    else:
        why = f"{name} is neither a tree ensemble nor a linear model that shap can read,"
    choice = ExplainerChoice("PermutationExplainer", _WHY_PERMUTATION.format(why=why, n="{n}"), "permutation")
    return choice, None, None, None


def choose_explainer(model: Any, *, output: str = "log_odds", background_size: int = 100) -> ExplainerChoice:
    """Say which shap explainer :func:`explain_shap` will use for ``model``, and why.

    Tree ensembles get ``TreeExplainer`` (exact, fast), linear models
    ``LinearExplainer`` (exact, closed form), anything else a
    ``PermutationExplainer`` on label-encoded raw features with a small
    background sample. KernelExplainer is never chosen.

    Parameters
    ----------
    model : fitted classifier or Pipeline
    output : {"log_odds", "probability"}
        The scale the SHAP values add up on.
    background_size : int
        Rows in the background sample (quoted in the reason).

    Returns
    -------
    ExplainerChoice

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import choose_explainer
    >>> model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> choose_explainer(model).name
    'LinearExplainer'
    >>> choose_explainer(model, output="probability").name
    'PermutationExplainer'
    """
    check_choice(output, OUTPUTS, param="output", func="choose_explainer")
    check_classifier(model, func="choose_explainer")
    background_size = check_interval(background_size, param="background_size",
                                     func="choose_explainer", low=1, integer=True, example=100)
    names = getattr(model, "feature_names_in_", None)
    features = [str(n) for n in names] if names is not None else [
        f"x{i}" for i in range(getattr(model, "n_features_in_", 0))
    ]
    choice = _plan(model, features, output)[0]
    return ExplainerChoice(choice.name, choice.reason.format(n=background_size), choice.algorithm)


# -- computing ------------------------------------------------------------------------

def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _LOGIT_CLIP, 1 - _LOGIT_CLIP)
    return np.log(p) - np.log1p(-p)


def _positive(result: shap.Explanation) -> tuple[np.ndarray, np.ndarray]:
    """Values and base values for the positive class, whatever shape shap returned."""
    values = np.asarray(result.values, dtype=float)
    base = np.asarray(result.base_values, dtype=float)
    if values.ndim == 3:
        values = values[..., 1]
        base = base[..., 1] if base.ndim >= 1 and base.shape[-1] == 2 else base
    base = np.broadcast_to(base.reshape(-1) if base.ndim else base, (values.shape[0],))
    return values, base


def _as_matrix(transformed: Any) -> np.ndarray:
    if hasattr(transformed, "toarray"):
        transformed = transformed.toarray()
    return np.asarray(transformed, dtype=float)


def _transformed_names(preprocessor: Any, width: int) -> list[str]:
    try:
        return [str(n) for n in preprocessor.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        return [f"column {i}" for i in range(width)]


def _fast_path(choice, preprocessor, estimator, groups, rows, background, output, features):
    # the estimator sees what it was fitted on (a frame keeps its feature names); shap sees floats
    inputs = preprocessor.transform(rows) if preprocessor is not None else rows
    matrix = _as_matrix(inputs)
    names = _transformed_names(preprocessor, matrix.shape[1]) if preprocessor is not None else features
    background_matrix = None
    if background is not None:
        background_matrix = (
            _as_matrix(preprocessor.transform(background)) if preprocessor is not None
            else _as_matrix(background)
        )
    if choice.algorithm == "tree_path_dependent":
        result = shap.TreeExplainer(estimator)(matrix, check_additivity=False)
    elif choice.algorithm == "tree_interventional":
        explainer = shap.TreeExplainer(
            estimator, data=background_matrix, feature_perturbation="interventional",
            model_output="probability",
        )
        result = explainer(matrix, check_additivity=False)
    else:
        masker = shap.maskers.Independent(background_matrix, max_samples=len(background_matrix))
        result = shap.LinearExplainer(_linear_parameters(estimator), masker)(matrix)
    native_values, base = _positive(result)
    if output == "probability":
        model_output = estimator.predict_proba(inputs)[:, 1]
    elif hasattr(estimator, "decision_function"):
        model_output = np.asarray(estimator.decision_function(inputs), dtype=float).reshape(-1)
    else:
        model_output = _logit(estimator.predict_proba(inputs)[:, 1])
    # a feature the preprocessing drops (fit_model(..., drop=["sex"])) is not used: SHAP value 0
    grouped = np.column_stack([native_values[:, groups.get(f, [])].sum(axis=1) for f in features])
    native = shap.Explanation(values=native_values, base_values=base, data=matrix, feature_names=names)
    return grouped, float(base[0]), model_output, native


def _additive_values(predict, codes: np.ndarray, background: np.ndarray, chunk: int = 2000):
    """Exact SHAP values of an additive model, all rows at once.

    The same numbers as ``shap.explainers.AdditiveExplainer`` (the tests check
    this), which calls the model once per row: ~50 ms of fixed overhead per
    call for a pipeline, so minutes for a test split. For an additive model
    f(x) = sum_j f_j(x_j), with any valid reference row r,
    phi_j(x) = f(r with x_j) - mean over background b of f(r with b_j),
    and the values plus the background mean of f add up to f(x).
    """
    n_rows, n_features = codes.shape
    reference = background[0]

    def with_column_from(source: np.ndarray) -> np.ndarray:
        # one copy of the reference per (source row, feature), feature j taken from the source
        block = np.repeat(reference[None, :], len(source) * n_features, axis=0)
        rows = np.repeat(np.arange(len(source)), n_features)
        columns = np.tile(np.arange(n_features), len(source))
        block[np.arange(len(block)), columns] = source[rows, columns]
        return predict(block).reshape(len(source), n_features)

    offsets = with_column_from(background).mean(axis=0)
    values = np.vstack([
        with_column_from(codes[start:start + chunk]) - offsets
        for start in range(0, n_rows, chunk)
    ])
    base = float(np.mean(predict(background)))
    return values, base


def _codec_path(algorithm, model, rows, background, categorical, output, max_evals, random_state):
    codec = CategoryCodec(pd.concat([background, rows], ignore_index=True), categorical=categorical)

    def predict(codes: np.ndarray) -> np.ndarray:
        proba = positive_scores(model, codec.decode(codes), func="explain_shap")
        return proba if output == "probability" else _logit(proba)

    masker = shap.maskers.Independent(codec.encode(background), max_samples=len(background))
    codes = codec.encode(rows)
    # PermutationExplainer seeds numpy's *global* generator; keep the caller's stream intact.
    if algorithm == "additive":
        values, base = _additive_values(predict, codes, masker.data)
        native = shap.Explanation(
            values=values, base_values=np.full(len(values), base), data=codes,
            feature_names=list(codec.features),
        )
        return values, base, predict(codes), native
    else:
        state = np.random.get_state()  # noqa: NPY002 - shap seeds the global generator
        try:
            explainer = shap.PermutationExplainer(predict, masker, seed=random_state)
            result = explainer(codes, max_evals=max_evals, silent=True)
        finally:
            np.random.set_state(state)  # noqa: NPY002 - restore the caller's stream
    values, base = _positive(result)
    native = shap.Explanation(
        values=values, base_values=base, data=codes, feature_names=list(codec.features)
    )
    return values, float(base[0]), predict(codes), native


def _compute(model, frame, positions, background, categorical, output, background_size,
             max_evals, random_state, features) -> dict[str, Any]:
    choice, preprocessor, estimator, groups = _plan(model, features, output)
    rows = frame.iloc[positions]
    needs_background = choice.algorithm != "tree_path_dependent"
    sample = None
    if needs_background:
        rng = np.random.default_rng(random_state)
        size = min(background_size, len(background))
        sample = background.iloc[np.sort(rng.choice(len(background), size=size, replace=False))]
    if choice.algorithm in ("permutation", "additive"):
        values, base, output_values, native = _codec_path(
            choice.algorithm, model, rows, sample, categorical, output, max_evals, random_state
        )
    else:
        values, base, output_values, native = _fast_path(
            choice, preprocessor, estimator, groups, rows, sample, output, features
        )
    return {
        "values": values,
        "base": base,
        "output_values": np.asarray(output_values, dtype=float),
        "native": native,
        "background": sample,
    }


def explain_shap(
    model: Any,
    data: Any,
    *,
    rows: Any = None,
    output: str = "log_odds",
    background: Any = None,
    background_size: int = 100,
    max_evals: int = 500,
    random_state: int = 0,
    name: str | None = None,
    cache: bool = True,
    ledger=None,
) -> ShapExplanation:
    """SHAP values of ``model`` on rows of ``data``, per original feature.

    The explainer is chosen by :func:`choose_explainer`. One-hot columns of a
    pipeline are summed back to the feature they encode. Results are cached in
    the workspace (keyed by the data, the model and every parameter), so the
    second call with the same inputs is instant.

    Parameters
    ----------
    model : fitted classifier or Pipeline with ``predict_proba``
    data : Dataset or pandas.DataFrame
        The rows to explain (a Dataset's features, ``data.X``, are used).
    rows : int, list of int, slice, optional
        Positions of the rows to explain; all rows when omitted.
    output : {"log_odds", "probability"}
        The scale on which the values add up to the model output.
    background : Dataset or DataFrame, optional
        Where the background sample is drawn from (the training data is the
        usual choice); defaults to ``data``. Not used by path-dependent Tree SHAP.
    background_size : int
        Rows in the background sample.
    max_evals : int
        Model evaluations per row for the permutation explainer.
    random_state : None, int, numpy Generator or RandomState
        Seeds the background sample and the permutations (None, a Generator
        or a RandomState give a seed drawn from them, recorded in
        ``parameters``).
    name : str, optional
        The model's name in plots and the ledger (default: its class name).
    cache : bool
        Read and write the workspace cache.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/shap`` record is appended.

    Returns
    -------
    ShapExplanation

    Raises
    ------
    TypeError
        The model has no ``predict_proba``, or ``data`` is not a frame.
    ValueError
        The model is not fitted, its features differ from the data's, or a
        row position is out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import explain_shap
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> result = explain_shap(model, X, cache=False)
    >>> result.explainer, result.additivity_error() < 1e-9
    ('LinearExplainer', True)
    """
    func = "explain_shap"
    check_choice(output, OUTPUTS, param="output", func=func)
    background_size = check_interval(background_size, param="background_size", func=func, low=1,
                                     integer=True, example=100)
    max_evals = check_interval(max_evals, param="max_evals", func=func, low=1, integer=True,
                               example=500)
    random_state = as_seed(random_state, func=func)
    check_classifier(model, func=func)
    frame = align_features(model, features_of(data, func=func))
    features = [str(c) for c in frame.columns]
    _, categorical = column_kinds(data, frame)
    positions = row_positions(rows, len(frame))
    background_frame = frame if background is None else align_features(
        model, features_of(background, func=func, param="background")
    )
    if max_evals < 2 * len(features) + 1:
        raise ValueError(
            _TOO_FEW_EVALS.format(value=max_evals, minimum=2 * len(features) + 1, n=len(features))
        )
    label = name or model_name(model)

    def compute() -> dict[str, Any]:
        return _compute(model, frame, positions, background_frame, categorical, output,
                        background_size, max_evals, random_state, features)

    key = {
        "data": fingerprint(frame),
        "rows": fingerprint(positions),
        "model": joblib.hash(model),
        "background": fingerprint(background_frame),
        "categorical": categorical,
        "output": output,
        "background_size": background_size,
        "max_evals": max_evals,
        "random_state": random_state,
    }
    result = cached("explain-shap", key, compute) if cache else compute()
    # the wording of the reason is not part of the cached numbers: always the current one
    planned = _plan(model, features, output)[0]
    sample_size = 0 if result["background"] is None else len(result["background"])
    choice = ExplainerChoice(planned.name, planned.reason.format(n=sample_size), planned.algorithm)
    index = frame.index[positions]
    explanation = ShapExplanation(
        values=pd.DataFrame(result["values"], index=index, columns=features),
        base_value=result["base"],
        model_output=pd.Series(result["output_values"], index=index, name=output),
        features=frame.iloc[positions],
        output=output,
        explainer=choice.name,
        reason=choice.reason,
        model=label,
        parameters={
            "algorithm": choice.algorithm,
            "output": output,
            "background_size": 0 if result["background"] is None else len(result["background"]),
            "background_seed": None if result["background"] is None else random_state,
            "max_evals": max_evals if choice.algorithm == "permutation" else None,
            "random_state": random_state,
            "rows": int(len(positions)),
        },
        background=result["background"],
        native=result["native"],
    )
    if ledger is not None:
        _record(ledger, explanation, frame.iloc[positions])
    return explanation


def _record(ledger, explanation: ShapExplanation, rows: pd.DataFrame) -> None:
    importance = explanation.importance()
    inputs: dict[str, Any] = {"rows": rows}
    if explanation.background is not None:
        inputs["background"] = explanation.background
    ledger.append(
        "explain",
        "shap",
        parameters={
            "model": explanation.model,
            "explainer": explanation.explainer,
            "reason": explanation.reason,
            **explanation.parameters,
        },
        inputs=inputs,
        metrics={
            "rows_explained": len(explanation),
            "top_features": importance.index[:5].tolist(),
            "mean_abs_shap": {k: float(v) for k, v in importance.items()},
            "base_value": explanation.base_value,
            "max_additivity_error": explanation.additivity_error(),
        },
    )

