"""Checkers for the exercises of notebook 04 (explanations).

govkit.explain (shap, lime, interpret: about 3 s to import) is imported inside
the checkers so that ``import govkit.check`` stays quick for other notebooks.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ._feedback import Feedback, ranked_answer

if TYPE_CHECKING:  # pragma: no cover
    from govkit.datasets import Dataset
    from govkit.explain import ShapExplanation, StabilityResult

__all__ = ["lime_spread_exercise", "strongest_proxy_exercise", "top_feature_exercise"]


def _feature_name(answer: object) -> str | None:
    return answer.strip() if isinstance(answer, str) else None


def top_feature_exercise(explanation: ShapExplanation, answer: object) -> Feedback:
    """Exercise 04.1: which original feature does the model rely on most (largest mean |SHAP|)?

    Parameters
    ----------
    explanation : ShapExplanation
        The model's SHAP values (the gradient boosting model in the notebook).
    answer : str
        A feature name such as ``"age"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation
    >>> from govkit.check import top_feature_exercise
    >>> e = ShapExplanation(pd.DataFrame({"age": [2.0, -2.0], "sex": [0.1, 0.1]}), 0.0,
    ...                     pd.Series([2.1, -1.9]), pd.DataFrame({"age": [30, 50], "sex": ["F", "M"]}),
    ...                     "log_odds", "TreeExplainer", "", "demo")
    >>> bool(top_feature_exercise(e, "age")), bool(top_feature_exercise(e, "sex"))
    (True, False)
    """
    importance = explanation.importance()
    top = importance.index[0]
    if answer is None:
        return Feedback.no_answer(repr(importance.index[-1]))
    name = _feature_name(answer)
    if name is None:
        return Feedback(False, "Answer with a feature's name as a string, e.g. 'age'.")
    if name == top:
        return Feedback(
            True,
            f"{top} has the largest mean |SHAP| ({importance.iloc[0]:.3f} "
            f"{explanation.output.replace('_', '-')}), {importance.iloc[0] / importance.iloc[1]:.1f} "
            f"times the runner-up, {importance.index[1]}.",
        )
    if name in importance.index:
        rank = list(importance.index).index(name) + 1
        return Feedback(
            False,
            f"{name} ranks {rank} of {len(importance)}. Look at the bar chart of mean |SHAP| "
            "(or explanation.importance()): the longest bar is the answer.",
        )
    matches = [f for f in importance.index if name.startswith(f)]
    if matches:
        return Feedback(
            False,
            f"{name!r} looks like a one-hot column; the explanations are reported per original "
            f"feature, so answer with {matches[0]!r} or another feature name.",
        )
    return Feedback(False, f"{name!r} is not a feature. The features are: {', '.join(importance.index)}.")


def strongest_proxy_exercise(data: Dataset, answer: object, *, protected: str = "sex") -> Feedback:
    """Exercise 04.2: which feature is most strongly associated with the protected attribute?

    Parameters
    ----------
    data : Dataset
        The data (Adult train in the notebook).
    answer : str
        A feature name.
    protected : str
        The protected attribute (``"sex"`` in the notebook).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.check import strongest_proxy_exercise
    >>> frame = pd.DataFrame({"sex": ["F", "M"] * 20, "relationship": ["Wife", "Husband"] * 20,
    ...                       "age": [30, 30, 40, 40] * 10})
    >>> bool(strongest_proxy_exercise(frame, "relationship"))
    True
    """
    from govkit.explain import feature_association

    association = feature_association(data, protected=protected)
    strongest = association.index[0]
    if answer is not None and _feature_name(answer) == protected:
        return Feedback(False, f"Other than {protected} itself: which feature stands in for it?")
    return ranked_answer(
        answer, best=strongest, ranking=association.index, read=_feature_name,
        example=repr(association.index[-1]),
        not_a_label="Answer with a feature's name as a string, e.g. 'age'.",
        right=(f"{strongest} has Cramér's V = {association.iloc[0]:.2f} with {protected}: its "
               f"values almost name the {protected} (Husband, Wife). Dropping {protected} from a "
               "model does not make it blind to it while such a feature stays in."),
        other=lambda name: (f"{name} has V = {association[name]:.2f}; one feature scores higher. "
                            "Read the x-axis of the proxy plot, or sort feature_association(...) "
                            "in the notebook."),
        unknown=lambda name: f"{name!r} is not a feature of the data.",
    )


def lime_spread_exercise(result: StabilityResult, answer: object) -> Feedback:
    """Exercise 04.3: by what factor does LIME's weight spread shrink from fewest to most samples?

    Parameters
    ----------
    result : StabilityResult
        From :func:`govkit.explain.lime_stability`.
    answer : float
        ``weight_spread`` at the smallest sample size divided by that at the largest;
        within 10% counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import StabilityResult
    >>> from govkit.check import lime_spread_exercise
    >>> summary = pd.DataFrame({"weight_spread": [0.03, 0.01]},
    ...                        index=pd.Index([500, 5000], name="num_samples"))
    >>> result = StabilityResult(summary, pd.DataFrame(), pd.DataFrame(), 5, list(range(10)))
    >>> bool(lime_spread_exercise(result, 3.0)), bool(lime_spread_exercise(result, 10))
    (True, False)
    """
    spread = result.summary["weight_spread"]
    smallest, largest = spread.index.min(), spread.index.max()
    factor = float(spread.loc[smallest] / spread.loc[largest])
    theory = math.sqrt(largest / smallest)
    if answer is None:
        return Feedback.no_answer("2.5")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, "Answer with a number, e.g. 2.5.")
    if not math.isfinite(value):
        return Feedback(False, "Answer with a finite number.")
    if abs(value - factor) <= 0.1 * factor:
        return Feedback(
            True,
            f"The spread shrinks {factor:.1f}-fold from {smallest:,} to {largest:,} samples; "
            f"sampling theory predicts about sqrt({largest // smallest}) = {theory:.1f}, since the "
            "noise in a fitted coefficient falls like one over the square root of the sample size.",
        )
    if value > 0 and abs(1 / value - factor) <= 0.1 * factor:
        return Feedback(False, "Close: you divided the other way round (largest by smallest).")
    return Feedback(
        False,
        f"Divide weight_spread at {smallest:,} samples by weight_spread at {largest:,} samples "
        "(stability.summary in the notebook).",
    )
