"""The fairness stage's vocabulary: which group metrics and disparities it reports, and their words.

Every table, plot, panel and ledger record of the stage names metrics and
criteria with these keys, in this order. The metric definitions are
fairlearn's and scikit-learn's (``selection_rate``, ``true_positive_rate``,
``false_positive_rate``, ``accuracy_score``, ``precision_score``,
``roc_auc_score``); :data:`LABEL_METRICS` hands them to fairlearn's
``MetricFrame`` guarded so that an empty denominator gives NaN (which a report
marks undefined, with the reason) instead of a warning, an error or fairlearn's
0.
"""

from __future__ import annotations

import numpy as np
from fairlearn.metrics import count, false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

__all__ = [
    "DENOMINATOR_WORDS",
    "DISPARITIES",
    "DISPARITY_NAMES",
    "LABEL_METRICS",
    "METRICS",
    "RATE_METRICS",
    "auc_or_nan",
    "how_many",
]

#: Metric key -> plain-words name, in the order of every table.
METRICS = {
    "count": "rows",
    "base_rate": "base rate",
    "selection_rate": "selection rate",
    "accuracy": "accuracy",
    "tpr": "true positive rate",
    "fpr": "false positive rate",
    "precision": "precision",
    "auc": "ROC AUC",
}
#: The metrics that are rates (everything but the row count).
RATE_METRICS = tuple(m for m in METRICS if m != "count")

#: Disparity criterion -> the group metric(s) whose spread it measures (fairlearn's definitions).
DISPARITIES = {
    "demographic_parity": ("selection_rate",),
    "equal_opportunity": ("tpr",),
    "equalized_odds": ("tpr", "fpr"),
    "predictive_parity": ("precision",),
    "accuracy_parity": ("accuracy",),
}
#: Disparity criterion -> plain-words name.
DISPARITY_NAMES = {
    "demographic_parity": "demographic parity (selection rate)",
    "equal_opportunity": "equal opportunity (true positive rate)",
    "equalized_odds": "equalized odds (worse of TPR and FPR)",
    "predictive_parity": "predictive parity (precision)",
    "accuracy_parity": "accuracy",
}
#: Metric -> (singular, plural) of what its denominator counts, for the "undefined" reasons.
DENOMINATOR_WORDS = {
    "count": ("row", "rows"),
    "base_rate": ("row", "rows"),
    "selection_rate": ("row", "rows"),
    "accuracy": ("row", "rows"),
    "tpr": ("actual positive", "actual positives"),
    "fpr": ("actual negative", "actual negatives"),
    "precision": ("predicted positive", "predicted positives"),
    "auc": ("row in its rarer outcome class", "rows in its rarer outcome class"),
}


def how_many(number: int, metric: str) -> str:
    """``"3 actual positives"``: a count in the words of ``metric``'s denominator.

    Examples
    --------
    >>> from govkit.fairness._metrics import how_many
    >>> how_many(1, "tpr"), how_many(3, "precision")
    ('1 actual positive', '3 predicted positives')
    """
    singular, plural = DENOMINATOR_WORDS[metric]
    return f"{number} {singular if number == 1 else plural}"


# -- metric functions handed to fairlearn's MetricFrame ------------------------------
# fairlearn's and scikit-learn's own functions, guarded so that an empty denominator
# gives NaN (which the report then marks undefined) instead of a warning or an error.

def _base_rate(y_true, y_pred) -> float:
    return float(np.mean(y_true))


def _true_positive_rate(y_true, y_pred) -> float:
    return true_positive_rate(y_true, y_pred, pos_label=1) if np.any(y_true == 1) else np.nan


def _false_positive_rate(y_true, y_pred) -> float:
    return false_positive_rate(y_true, y_pred, pos_label=1) if np.any(y_true == 0) else np.nan


def _precision(y_true, y_pred) -> float:
    return precision_score(y_true, y_pred, zero_division=np.nan) if np.any(y_pred == 1) else np.nan


def auc_or_nan(y_true, y_score) -> float:
    """scikit-learn's ROC AUC, or NaN when only one outcome occurs (AUC is then undefined).

    Examples
    --------
    >>> from govkit.fairness._metrics import auc_or_nan
    >>> auc_or_nan([0, 1, 1], [0.2, 0.9, 0.6]), auc_or_nan([1, 1], [0.2, 0.9])
    (1.0, nan)
    """
    return float(roc_auc_score(y_true, y_score)) if 0 < np.mean(y_true) < 1 else np.nan


#: Metric key -> the function fairlearn's MetricFrame evaluates per group (labels, not scores).
LABEL_METRICS = {
    "count": count,
    "base_rate": _base_rate,
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "tpr": _true_positive_rate,
    "fpr": _false_positive_rate,
    "precision": _precision,
}
