"""The privacy-utility sweep: DP models at several epsilons against non-private baselines.

For every DP model kind, epsilon and seed, train on ``train`` and score on
``test``: accuracy and ROC AUC overall, and accuracy, true-positive rate and
AUC per group of each protected attribute (fairlearn's ``MetricFrame``), since
DP's noise tends to cost small groups most. Each row also carries the
loss-threshold membership attack on the trained model (a fixed sample of as
many training records as there are test records, against the test records),
a cheap leak indicator for the panel; the stronger audit is
:func:`~govkit.privacy.membership_inference_audit`.

The sweep explores what the data owner *could* release; its models are not
released and not charged to a budget. (In a real deployment, choosing a model
or hyperparameters by their score on private data leaks as well; the
workbook's DP-SGD settings were fixed in advance for that reason.)
The result is cached, keyed by the data fingerprints and every parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from fairlearn.metrics import true_positive_rate
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, roc_auc_score
from threadpoolctl import threadpool_limits

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice, check_interval
from govkit.datasets import Dataset, check_dataset
from govkit.models import MODEL_KINDS, fit_model, positive_scores
from govkit.workspace import cached

from ._audit import log_true_label_probability, tpr_at_fpr
from ._domain import PublicDomain
from ._training import DEFAULT_DELTA, PRIVATE_MODELS, RECIPE, _fit, plan_private_model
from ._validation import check_delta, check_epsilon

__all__ = ["SWEEP_COLUMNS", "plot_privacy_utility", "privacy_utility_sweep", "sweep_summary"]

SWEEP_COLUMNS = (
    "model", "epsilon", "seed", "attribute", "group", "n", "accuracy", "tpr", "auc",
    "attack_auc", "attack_tpr_at_1%_fpr", "epsilon_spent", "noise_multiplier",
)
_CHUNK = 4
_BAD_SEEDS = (
    "privacy_utility_sweep: seeds={value!r} must be a non-empty list of whole numbers >= 0 (one "
    "random_state per training), e.g. seeds=(0, 1, 2)."
)
_NO_EPSILONS = "privacy_utility_sweep: epsilons={value!r} must be a non-empty list, e.g. (0.3, 1, 3)."
_DIFFERENT_ROLES = (
    "privacy_utility_sweep: train and test must have the same target and protected columns; "
    "got target {a!r} vs {b!r}, protected {pa} vs {pb}."
)


def _safe_auc(y, score) -> float:
    y = np.asarray(y)
    return float(roc_auc_score(y, score)) if len(np.unique(y)) == 2 else float("nan")


def group_metrics(y_true, y_pred, y_score, groups, protected: str) -> list[dict]:
    """Per-group size, accuracy, true-positive rate and AUC (what MetricFrame.by_group gives).

    fairlearn's ``MetricFrame`` computes the same numbers (a test checks it),
    but it stacks every element in Python and takes about 0.5 s per
    attribute on Adult's test split, which the 47-model sweep cannot afford;
    a pandas groupby takes milliseconds. ``protected`` names the column the
    groups come from (the table's ``attribute`` column).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.privacy._sweep import group_metrics
    >>> rows = group_metrics([1, 0, 1, 1], [1, 0, 0, 1], [0.9, 0.2, 0.4, 0.8],
    ...                      pd.Series(["a", "a", "b", "b"]), "g")
    >>> [(r["group"], r["accuracy"], r["tpr"]) for r in rows]
    [('a', 1.0, 1.0), ('b', 0.5, 0.5)]
    """
    frame = pd.DataFrame({"y": np.asarray(y_true), "pred": np.asarray(y_pred),
                          "score": np.asarray(y_score, dtype=float),
                          "group": np.asarray(groups, dtype=object)})
    rows = []
    for group, part in frame.groupby("group", sort=True):
        positives = part["y"] == 1
        rows.append({
            "attribute": protected, "group": str(group), "n": len(part),
            "accuracy": float((part["y"] == part["pred"]).mean()),
            "tpr": float((part.loc[positives, "pred"] == 1).mean()) if positives.any() else float("nan"),
            "auc": _safe_auc(part["y"], part["score"]),
        })
    return rows


def _attack_members(train: Dataset, size: int) -> Dataset:
    """A fixed random sample of training records, as many as the test records (seeded)."""
    if len(train) <= size:
        return train
    rows = np.random.default_rng(0).choice(len(train), size=size, replace=False)
    return train.replace(frame=train.frame.iloc[np.sort(rows)], numeric=train.numeric,
                         categorical=train.categorical)


def _rows(model_name, epsilon, random_state, model, train, test, extra) -> list[dict]:
    proba = positive_scores(model, test, func="privacy_utility_sweep")
    y = test.y.to_numpy()
    predicted = (proba >= 0.5).astype(int)
    members_sample = _attack_members(train, len(test))
    members = log_true_label_probability(
        positive_scores(model, members_sample, func="privacy_utility_sweep"),
        members_sample.y.to_numpy())
    others = log_true_label_probability(proba, y)
    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    base = {"model": model_name, "epsilon": epsilon, "seed": random_state, **extra}
    rows = [{
        **base, "attribute": "overall", "group": "all", "n": len(y),
        "accuracy": float(accuracy_score(y, predicted)),
        "tpr": float(true_positive_rate(y, predicted)),
        "auc": _safe_auc(y, proba),
        "attack_auc": float(roc_auc_score(labels, np.r_[members, others])),
        "attack_tpr_at_1%_fpr": tpr_at_fpr(members, others, 0.01),
    }]
    for protected in test.protected:
        rows += [{**base, **row, "attack_auc": float("nan"), "attack_tpr_at_1%_fpr": float("nan")}
                 for row in group_metrics(y, predicted, proba, test.frame[protected], protected)]
    return rows


def _sweep_job(kind, epsilon, random_state, train, test, delta, domain) -> list[dict]:
    # One thread per worker: the workers are the parallelism, and OpenMP or
    # BLAS threads competing with them (or with other programs) only slow down.
    with threadpool_limits(limits=1):
        return _sweep_job_body(kind, epsilon, random_state, train, test, delta, domain)


def _sweep_job_body(kind, epsilon, random_state, train, test, delta, domain) -> list[dict]:
    if kind in MODEL_KINDS:
        model = fit_model(kind, train, random_state=random_state)
        extra = {"epsilon_spent": math.inf, "noise_multiplier": 0.0}
    else:
        plan = plan_private_model(kind, train, epsilon=epsilon, delta=delta, domain=domain,
                                  random_state=random_state)
        model = _fit(plan, train)
        sigma = plan.details.get("noise_multiplier", plan.details.get("noise_multiplier_boosting"))
        extra = {"epsilon_spent": plan.epsilon, "noise_multiplier": float(sigma)}
    return _rows(kind, epsilon, random_state, model, train, test, extra)


def _sweep_chunk(chunk, train, test, delta, domain) -> tuple[list[dict], int]:
    rows = []
    for kind, epsilon, random_state in chunk:
        rows += _sweep_job(kind, epsilon, random_state, train, test, delta, domain)
    return rows, len(chunk)


def _calibrate_job(kind, epsilon, train, delta, domain) -> None:
    # DP-SGD's noise calibration is cached on disk; doing it once per epsilon
    # up front keeps the parallel workers from repeating it.
    plan_private_model(kind, train, epsilon=epsilon, delta=delta, domain=domain)


def _run_sweep(train, test, models, baselines, epsilons, seeds, delta, progress, n_jobs, domain):
    # Logistic regression (lbfgs) does not depend on its random_state: fit it once.
    deterministic = {"logistic_regression"}
    jobs = [(b, math.inf, s) for b in baselines for s in (seeds[:1] if b in deterministic else seeds)]
    jobs += [(m, e, s) for m in models for e in epsilons for s in seeds]
    sgd_kinds = [m for m in models if m.startswith("dp_sgd")][:1]
    with Parallel(n_jobs=n_jobs, return_as="generator_unordered") as parallel:
        for _ in parallel(delayed(_calibrate_job)(k, e, train, delta, domain)
                          for k in sgd_kinds for e in epsilons):
            pass
        rows = []
        # a few models per task: the data is sent to a worker once per task, not per model
        chunks = [jobs[i:i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
        results = parallel(delayed(_sweep_chunk)(chunk, train, test, delta, domain)
                           for chunk in chunks)
        done = 0
        for chunk_rows, count in results:
            rows += chunk_rows
            done += count
            if progress is not None:
                progress(done / len(jobs), f"{done} of {len(jobs)} models trained")
    for kind in baselines:
        if kind in deterministic:
            first = [r for r in rows if r["model"] == kind]
            rows += [{**r, "seed": s} for s in seeds[1:] for r in first]
    order = {(k, e, s): i for i, (k, e, s) in enumerate(
        [(b, math.inf, s) for b in baselines for s in seeds]
        + [(m, e, s) for m in models for e in epsilons for s in seeds])}
    rows.sort(key=lambda r: order[(r["model"], r["epsilon"], r["seed"])])
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))


def privacy_utility_sweep(
    train: Dataset,
    test: Dataset,
    *,
    epsilons: Sequence[float] = (0.1, 0.3, 1, 3, 10),
    seeds: Sequence[int] = (0, 1, 2),
    models: Sequence[str] = PRIVATE_MODELS,
    baselines: Sequence[str] = MODEL_KINDS,
    delta: float = DEFAULT_DELTA,
    domain: PublicDomain | dict | None = None,
    n_jobs: int | None = 2,
    progress: Callable[[float, str], None] | None = None,
    ledger=None,
) -> pd.DataFrame:
    """Utility, per-group utility and a leak indicator of DP models across epsilons (cached).

    Parameters
    ----------
    train, test : Dataset
        Train on ``train``, score on ``test`` (Adult: the official split).
    epsilons : list of float
    seeds : list of int
        The ``random_state`` of each training (whole numbers >= 0): every
        (model, epsilon) is trained once per seed, and the spread is the
        noise's (and the sampling's) effect. The table's ``seed`` column
        holds it.
    models : list of str
        DP model kinds (:data:`PRIVATE_MODELS`).
    baselines : list of str
        Non-private kinds from :mod:`govkit.models` (epsilon = inf).
    delta : float
    domain : PublicDomain or dict, optional
        Public bounds for the DP models (Adult's by default for Adult; for
        other data, derived from it with a PrivacyLeakWarning).
    n_jobs : int or None
        Worker processes (joblib); 2 suits a laptop. The result does not
        depend on it.
    progress : callable, optional
        ``progress(fraction, message)``, e.g. a panel's progress bar.
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/privacy_utility_sweep`` record (summary only).

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per (model, epsilon, seed, attribute, group) with the
        columns of :data:`SWEEP_COLUMNS`; ``attribute == "overall"`` rows
        hold the whole test set and the attack metrics.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import privacy_utility_sweep
    >>> sweep = privacy_utility_sweep(load_adult(), load_adult("test"),
    ...                               epsilons=(1,), seeds=(0,))  # doctest: +SKIP
    >>> sorted(sweep["model"].unique())  # doctest: +SKIP
    ['dp_ebm', 'dp_sgd_logistic', 'dp_sgd_mlp', 'gradient_boosting', 'logistic_regression']
    """
    func = "privacy_utility_sweep"
    train = check_dataset(train, func=func, param="train")
    test = check_dataset(test, func=func, param="test")
    if (train.target, train.protected) != (test.target, test.protected):
        raise ValueError(_DIFFERENT_ROLES.format(a=train.target, b=test.target,
                                                 pa=list(train.protected), pb=list(test.protected)))
    models = [models] if isinstance(models, str) else list(models)
    baselines = [baselines] if isinstance(baselines, str) else list(baselines)
    for model in models:
        check_choice(model, PRIVATE_MODELS, param="models", func=func)
    for baseline in baselines:
        check_choice(baseline, MODEL_KINDS, param="baselines", func=func)
    if isinstance(epsilons, (int, float)) or not list(epsilons):
        raise ValueError(_NO_EPSILONS.format(value=epsilons))
    epsilons = [check_epsilon(e, "epsilons", "privacy_utility_sweep") for e in epsilons]
    if isinstance(seeds, (int, np.integer)) or not list(seeds):
        raise ValueError(_BAD_SEEDS.format(value=seeds))
    seeds = [check_interval(s, param="seeds", func=func, low=0, integer=True, example="(0, 1, 2)")
             for s in seeds]
    delta = check_delta(delta, func="privacy_utility_sweep")
    domain = PublicDomain.resolve(train, domain) if models else None
    key = {"train": train.fingerprint, "test": test.fingerprint, "epsilons": epsilons,
           "seeds": seeds, "models": models, "baselines": baselines, "delta": delta,
           "recipe": RECIPE,
           "domain": domain.to_config() if domain is not None else None}
    sweep = cached("privacy-sweep", key, lambda: _run_sweep(
        train, test, models, baselines, epsilons, seeds, delta, progress, n_jobs, domain))
    if ledger is not None:
        summary = sweep_summary(sweep)
        ledger.append(
            "privacy", "privacy_utility_sweep",
            parameters={"epsilons": epsilons, "seeds": seeds, "models": models,
                        "baselines": baselines, "delta": delta,
                        "charged_to_budget": False,
                        "why_not_charged": "exploration by the data owner; no model is released",
                        "attack": "loss threshold, training records vs test records"},
            inputs={"train": train, "test": test},
            metrics={"results": [
                {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                 for k, v in row.items()}
                for row in summary.reset_index().to_dict("records")
            ]},
        )
    return sweep


def sweep_summary(sweep: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of the overall metrics, per model and epsilon.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.privacy import sweep_summary
    >>> rows = pd.DataFrame({"model": ["m", "m"], "epsilon": [1.0, 1.0], "seed": [0, 1],
    ...                      "attribute": "overall", "group": "all", "accuracy": [0.8, 0.9],
    ...                      "auc": [0.85, 0.95], "attack_auc": [0.5, 0.5]})
    >>> sweep_summary(rows)["accuracy_mean"].round(2).tolist()
    [0.85]
    """
    overall = sweep[sweep["attribute"] == "overall"]
    grouped = overall.groupby(["model", "epsilon"], sort=True)[["accuracy", "auc", "attack_auc"]]
    table = grouped.agg(["mean", "std"])
    table.columns = [f"{metric}_{stat}" for metric, stat in table.columns]
    return table


def plot_privacy_utility(sweep: pd.DataFrame, *, metric: str = "auc", ax=None):
    """Metric (mean ± sd over seeds) against epsilon for each DP model, baselines as lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_choice(metric, ("accuracy", "auc", "attack_auc"), param="metric",
                 func="plot_privacy_utility")
    summary = sweep_summary(sweep).reset_index()
    use_cjk_fallback()  # the models' names may be the user's own
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 4))
    else:
        fig = ax.figure
    colours = plt.get_cmap("tab10")
    for i, (model, part) in enumerate(summary.groupby("model", sort=False)):
        if np.isfinite(part["epsilon"]).any():
            part = part.sort_values("epsilon")
            ax.errorbar(part["epsilon"], part[f"{metric}_mean"], yerr=part[f"{metric}_std"].fillna(0),
                        marker="o", capsize=3, color=colours(i), label=model)
        else:
            ax.axhline(part[f"{metric}_mean"].iloc[0], ls="--", color=colours(i),
                       label=f"{model} (not private)")
    ax.set_xscale("log")
    ax.set_xlabel("ε (privacy loss; left = more private)")
    ax.set_ylabel({"auc": "test ROC AUC", "accuracy": "test accuracy",
                   "attack_auc": "membership attack AUC"}[metric])
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
