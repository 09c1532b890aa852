"""Evaluate a fitted model on a Dataset: score it, decide, and report per group (cached).

:func:`evaluate_model` is :func:`~govkit.fairness.group_report` on a model's
decisions and scores on a :class:`~govkit.datasets.Dataset`, grouped by its
protected column(s). The scores are :func:`govkit.models.positive_scores`'s
(the one place govkit scores a model, with the same errors in every stage).
A seeded report is a function of the decisions, scores, outcomes and groups,
so it is kept in the workspace cache under their fingerprints; the warnings
its computation raised are recorded with it and raised again on a cache hit,
so that a hit warns exactly like a fresh computation.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from govkit._validation import check_random_state, renamed_keywords
from govkit.datasets import check_dataset
from govkit.ledger import fingerprint
from govkit.models import positive_scores
from govkit.workspace import cached

from ._group_report import compute_report, record_report
from ._report import CACHE_LAYOUT, GroupReport
from ._validation import as_binary, check_threshold, protected_columns, user_stacklevel

__all__ = ["evaluate_model", "evaluate_report", "model_decisions"]


def model_decisions(model, X: pd.DataFrame, scores: np.ndarray, threshold: float | None,
                    *, func: str = "evaluate_model") -> np.ndarray:
    """The decisions: ``scores >= threshold``, or the model's own ``predict`` when threshold is None."""
    if threshold is not None:
        threshold = check_threshold(threshold, func=func)
        return (scores >= threshold).astype(np.int8)
    if hasattr(model, "predict"):
        return as_binary(np.asarray(model.predict(X)), "model.predict(X)")
    return (scores >= 0.5).astype(np.int8)


def _with_warnings(compute: Callable[[], GroupReport]
                   ) -> tuple[GroupReport, list[tuple[str, type[Warning]]]]:
    """``compute()`` and the warnings it raised, as (message, category) pairs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = compute()
    return report, [(str(w.message), w.category) for w in caught]


def evaluate_report(model, data, *, protected, threshold, name, n_boot, confidence, min_count,
                    random_state, cache: bool = True, func: str = "evaluate_model",
                    ) -> tuple[GroupReport, np.ndarray, np.ndarray]:
    """:func:`evaluate_model` without the ledger: (report, decisions, scores).

    ``cache=False`` for callers that cache the report under their own key.
    """
    data = check_dataset(data, func=func)
    columns = protected_columns(data, protected, func=func)
    random_state = check_random_state(random_state, func=func)
    if threshold is not None:
        threshold = check_threshold(threshold, func=func)
    sensitive = data.frame.loc[:, columns]
    scores = positive_scores(model, data, func=func)
    decisions = model_decisions(model, data.X, scores, threshold, func=func)
    label = name or type(model).__name__
    extra = {"data": data.name,
             "threshold": threshold if threshold is not None else "model's own predict"}

    def compute() -> GroupReport:
        return compute_report(
            data.y, decisions, scores, sensitive_features=sensitive, n_boot=n_boot,
            confidence=confidence, min_count=min_count, random_state=random_state, name=label,
            func=func, extra_parameters=extra,
        )

    if not (cache and isinstance(random_state, int)):
        return compute(), decisions, scores
    key = {"y_true": fingerprint(data.y), "sensitive": fingerprint(sensitive),
           "y_pred": fingerprint(np.asarray(decisions)), "y_score": fingerprint(scores),
           "name": label, "n_boot": n_boot, "confidence": confidence,
           "min_count": min_count, "random_state": random_state, "layout": CACHE_LAYOUT,
           **extra}
    report, caught = cached("fairness-group-report", key, lambda: _with_warnings(compute))
    for message, category in caught:  # a cache hit warns like the computation did
        warnings.warn(message, category, stacklevel=user_stacklevel())
    return report, decisions, scores


@renamed_keywords(sensitive_features="protected")
def evaluate_model(
    model,
    data,
    *,
    protected: str | Sequence[str] | None = None,
    threshold: float | None = None,
    name: str | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    min_count: int = 10,
    random_state: int | None = 0,
    ledger=None,
) -> GroupReport:
    """Score a fitted classifier on a Dataset and return its :class:`GroupReport`.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``predict_proba`` on raw ``data.X`` (a govkit model
        pipeline, a mitigated model, ...).
    data : govkit.datasets.Dataset
        The evaluation data (usually the test split).
    protected : str or list of str, optional
        The column(s) of ``data`` whose values define the groups; several give
        intersections. None (default) means ``data.protected``.
        (``sensitive_features=`` is this keyword's old name.)
    threshold : float, optional
        Decide ``score >= threshold``. None (default) uses the model's own
        ``predict`` (which for randomized mitigators draws with their fixed seed).
    name : str, optional
        Label for tables and the ledger; defaults to the model's class name.
    n_boot, confidence, min_count, random_state
        See :func:`group_report`. With a whole-number ``random_state`` (the
        default) the report is kept in the workspace cache
        (:func:`govkit.workspace.cached`), keyed by fingerprints of the
        decisions, scores, outcomes and groups and by these settings, so
        re-evaluating the same decisions skips the bootstrap; its warnings are
        raised again on a cache hit.
    ledger : govkit.ledger.Ledger, optional
        When given, a ``fairness/group_report`` record is appended (with the
        data's fingerprint, the threshold and the model's name), also on a
        cache hit.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.datasets import Dataset
    >>> from govkit.fairness import evaluate_model
    >>> from govkit.models import fit_model
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["a", "b"], 300)
    >>> frame = pd.DataFrame({"x": rng.normal(size=300) + (group == "a"), "group": group})
    >>> frame["y"] = (frame["x"] + rng.normal(size=300) > 0.5).astype(int)
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("group",))
    >>> report = evaluate_model(fit_model("logistic_regression", data), data, n_boot=50)
    >>> report.protected  # the data's protected column(s), the default
    ('group',)
    >>> bool(report.groups.loc["a", "selection_rate"] > report.groups.loc["b", "selection_rate"])
    True
    """
    report, decisions, scores = evaluate_report(
        model, data, protected=protected, threshold=threshold, name=name, n_boot=n_boot,
        confidence=confidence, min_count=min_count, random_state=random_state,
    )
    if ledger is not None:
        record_report(report, ledger, {"data": data, "y_pred": np.asarray(decisions),
                                       "y_score": scores})
    return report

