"""Membership-inference audit: DP's promise checked by an attacker.

Two attacks on "was this person in the training data?":

- **Loss threshold** (Yeom et al. 2018): members tend to have a lower loss.
  The score is the log-probability the model gives the true label.
- **Calibrated, offline LiRA-style** (Watson et al. 2022; Carlini et al.
  2022, offline variant): some examples are hard for *any* model, so a low
  loss alone says little. Train ``n_reference`` models of the same kind on
  data that does not contain the audited records (halves of a reference
  population), and score each record by how much more confident the target
  model is than the reference models, in logit units, standardised by the
  reference models' spread (one global variance, as the paper recommends
  when there are few reference models).

An (epsilon, delta)-DP training algorithm bounds *every* such attack: its
true-positive rate at false-positive rate ``f`` is at most
``min(e^eps f + delta, 1 - e^-eps (1 - delta - f))`` (Kairouz et al. 2015).
:func:`empirical_epsilon` turns an attack's ROC into a statistical lower
bound on epsilon (Jagielski et al. 2020): the threshold is chosen on one half
of the audit records and Clopper-Pearson intervals are evaluated on the other,
so the bound holds at the stated confidence.

Caveat, stated in the notebook too: members are one random half of the
training data and the attack sees one training run, so this audits the
average member, not the worst case DP bounds. A DP model passing the audit is
consistent with its guarantee; it does not prove it. An overfit model
failing it proves a leak.

Large data: the audit's numbers are estimates (an AUC, TPRs, a lower bound on
epsilon), so above ``max_rows`` rows (default 100,000, far above Adult's
32,561) the audit runs on a seeded simple random sample of ``max_rows`` rows
of ``train`` (members and non-members are its halves) and of the reference
population; the settings (and the ledger record) say so (``sample``). It then
audits the training *algorithm* at that training-set size, which is the
question the audit answers; a guarantee is never estimated this way. Fifteen
model fits (a fully grown forest among them) on a million rows would take
hours and many gigabytes; on the sample they take minutes. Reference models
are scored one at a time and dropped, so at most two fitted models of a kind
are held at once.

The models trained here are internal to the audit (never released) and are
not charged to a budget. No library offered these attacks for scikit-learn
models without a deep-learning framework, hence this module; the metrics
come from scikit-learn and the intervals from scipy.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from govkit._fonts import use_cjk_fallback
from govkit._validation import as_seed, check_choice, check_interval
from govkit.datasets import Dataset, check_dataset
from govkit.models import fit_model, make_preprocessor, positive_scores
from govkit.workspace import cached

from ._domain import PublicDomain
from ._training import DEFAULT_DELTA, PRIVATE_MODELS, RECIPE, _fit, plan_private_model
from ._validation import check_delta, check_epsilon

__all__ = [
    "AUDIT_MODELS",
    "AuditResult",
    "attack_metrics",
    "dp_tpr_bound",
    "empirical_epsilon",
    "loss_attack_scores",
    "membership_inference_audit",
    "plot_attack_roc",
    "tpr_at_fpr",
]

BASELINE_KINDS = ("logistic_regression", "gradient_boosting")
OVERFIT_KIND = "overfit_forest"
AUDIT_MODELS = (OVERFIT_KIND, *BASELINE_KINDS, *PRIVATE_MODELS)
ATTACKS = ("loss", "calibrated")
_PROBABILITY_FLOOR = 1e-7
_CURVE_POINTS = 400

_NO_MODELS = (
    "membership_inference_audit: models={value!r} is empty; pass at least one of {choices}."
)
_BAD_SCORES = (
    "{func}: {name} must be a non-empty 1-D array of finite scores, got shape {shape}; pass the "
    "attack scores of the members and of the non-members."
)
_BAD_MAX_ROWS = (
    "membership_inference_audit: max_rows={value!r} must be None (audit on every row) or a "
    "whole number >= 1000, e.g. max_rows=100_000."
)
#: Default cap on the rows of train (and of the reference population) the audit uses.
AUDIT_MAX_ROWS = 100_000
_TOO_SMALL = (
    "membership_inference_audit: train has {n} rows; the audit needs at least 200 (100 members "
    "and 100 non-members) to say anything."
)


def _scores(values, name: str, func: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(_BAD_SCORES.format(func=func, name=name, shape=array.shape))
    return array


def _true_label_probability(model, data: Dataset) -> np.ndarray:
    proba = positive_scores(model, data, func="membership_inference_audit")
    return np.exp(log_true_label_probability(proba, data.y.to_numpy()))


def log_true_label_probability(positive_proba, y) -> np.ndarray:
    """log P(true label) from the positive-class probabilities (clipped away from 0 and 1).

    Examples
    --------
    >>> from govkit.privacy._audit import log_true_label_probability
    >>> log_true_label_probability([0.9, 0.9], [1, 0]).round(3).tolist()
    [-0.105, -2.303]
    """
    proba = np.asarray(positive_proba, dtype=float)
    p = np.where(np.asarray(y) == 1, proba, 1.0 - proba)
    return np.log(np.clip(p, _PROBABILITY_FLOOR, 1.0 - _PROBABILITY_FLOOR))


def loss_attack_scores(model, data: Dataset) -> np.ndarray:
    """Yeom et al.'s membership score: minus the log loss of each record (higher: more likely a member).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.models import fit_model
    >>> from govkit.privacy import loss_attack_scores
    >>> test = load_adult("test")
    >>> model = fit_model("logistic_regression", test.replace(frame=test.frame.head(2000)))
    >>> loss_attack_scores(model, test.replace(frame=test.frame.head(3))).shape
    (3,)
    """
    data = check_dataset(data, func="loss_attack_scores")
    return log_true_label_probability(positive_scores(model, data, func="loss_attack_scores"),
                                      data.y.to_numpy())


def _logit_confidence(model, data: Dataset) -> np.ndarray:
    p = _true_label_probability(model, data)
    return np.log(p) - np.log1p(-p)


def tpr_at_fpr(member_scores, nonmember_scores, fpr: float) -> float:
    """The attack's best true-positive rate with a false-positive rate of at most ``fpr``.

    Examples
    --------
    >>> from govkit.privacy import tpr_at_fpr
    >>> tpr_at_fpr([3, 2, 1, 0], [0.5, -1, -2, -3], 0.2)     # threshold 1: 3 of 4 members, no non-member
    0.75
    """
    func = "tpr_at_fpr"
    members = _scores(member_scores, "member_scores", func)
    others = _scores(nonmember_scores, "nonmember_scores", func)
    fpr = check_interval(fpr, param="fpr", func=func, low=0, high=1, low_open=True,
                         high_open=True, example=0.01)
    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    fprs, tprs, _ = roc_curve(labels, np.r_[members, others])
    return float(tprs[fprs <= fpr + 1e-12].max())


def dp_tpr_bound(epsilon: float, delta: float, fpr) -> np.ndarray:
    """The highest true-positive rate any attack can reach at ``fpr`` against (epsilon, delta)-DP.

    ``min(e^eps * fpr + delta, 1 - e^-eps * (1 - delta - fpr), 1)`` (Kairouz et al. 2015).

    Examples
    --------
    >>> from govkit.privacy import dp_tpr_bound
    >>> round(float(dp_tpr_bound(1.0, 1e-5, 0.01)), 4)     # e * 1% + delta
    0.0272
    """
    epsilon = check_epsilon(epsilon, func="dp_tpr_bound")
    delta = check_delta(delta, func="dp_tpr_bound")
    fpr = np.clip(np.asarray(fpr, dtype=float), 0.0, 1.0)
    bound = np.minimum(np.exp(epsilon) * fpr + delta, 1.0 - np.exp(-epsilon) * (1.0 - delta - fpr))
    return np.clip(bound, 0.0, 1.0)


def _epsilon_from_rates(tp, fn, fp, tn, delta, confidence):
    """Clopper-Pearson lower bound on epsilon for each threshold (vectorised)."""
    alpha = 1.0 - confidence
    n_pos, n_neg = tp + fn, fp + tn
    # one-sided bounds, Bonferroni over the two rates
    tpr_low = np.where(tp > 0, stats.beta.ppf(alpha / 2, tp, n_pos - tp + 1), 0.0)
    fpr_high = np.where(fp < n_neg, stats.beta.ppf(1 - alpha / 2, fp + 1, n_neg - fp), 1.0)
    fnr_high = 1.0 - tpr_low
    tnr_low = 1.0 - fpr_high
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.log(np.maximum(tpr_low - delta, 0.0) / fpr_high)
        second = np.log(np.maximum(tnr_low - delta, 0.0) / fnr_high)
    return np.nan_to_num(np.maximum(first, second), nan=0.0, posinf=0.0, neginf=0.0)


def empirical_epsilon(
    member_scores,
    nonmember_scores,
    *,
    delta: float = 0.0,
    confidence: float = 0.95,
    random_state: int = 0,
) -> float:
    """A statistical lower bound on epsilon from an attack's scores (Jagielski et al. 2020).

    The records are split in two halves at random: the threshold with the
    largest epsilon estimate is picked on the first, and on the second the
    Clopper-Pearson bounds on TPR and FPR (Bonferroni-corrected) give an
    epsilon that the training algorithm must exceed unless a
    ``1 - confidence`` event happened. 0 means "no evidence of leakage".

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.privacy import empirical_epsilon
    >>> rng = np.random.default_rng(0)
    >>> same = empirical_epsilon(rng.normal(size=4000), rng.normal(size=4000))
    >>> leaky = empirical_epsilon(rng.normal(3, 1, 4000), rng.normal(size=4000))
    >>> same == 0.0, leaky > 1.5
    (True, True)
    """
    func = "empirical_epsilon"
    members = _scores(member_scores, "member_scores", func)
    others = _scores(nonmember_scores, "nonmember_scores", func)
    delta = check_delta(delta, func="empirical_epsilon")
    confidence = check_interval(confidence, param="confidence", func=func, low=0, high=1,
                                low_open=True, high_open=True, example=0.95)
    random_state = as_seed(random_state, func=func)
    # a stream of its own, so the split cannot line up with anything else seeded alike
    rng = np.random.default_rng([random_state, 0x5EED])
    m_split = rng.random(len(members)) < 0.5
    o_split = rng.random(len(others)) < 0.5

    def counts(m, o, thresholds):
        m_sorted, o_sorted = np.sort(m), np.sort(o)
        tp = len(m) - np.searchsorted(m_sorted, thresholds, side="left")
        fp = len(o) - np.searchsorted(o_sorted, thresholds, side="left")
        return tp, len(m) - tp, fp, len(o) - fp

    m_pick, o_pick = members[m_split], others[o_split]
    m_eval, o_eval = members[~m_split], others[~o_split]
    if min(len(m_pick), len(o_pick), len(m_eval), len(o_eval)) == 0:
        return 0.0
    thresholds = np.unique(np.r_[m_pick, o_pick])
    # pick the threshold whose *lower bound* is best on the first half (a point
    # estimate would favour thresholds with a handful of false positives, whose
    # bound on fresh data collapses), then bound it on the second half
    estimate = _epsilon_from_rates(*counts(m_pick, o_pick, thresholds), delta, confidence)
    best = thresholds[int(np.argmax(estimate))]
    tp, fn, fp, tn = counts(m_eval, o_eval, np.array([best]))
    return float(max(0.0, _epsilon_from_rates(tp, fn, fp, tn, delta, confidence)[0]))


def attack_metrics(member_scores, nonmember_scores, *, delta: float = 0.0,
                   random_state: int = 0) -> dict[str, float]:
    """AUC, TPR at FPR 1% and 0.1%, and the empirical epsilon lower bound of one attack.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.privacy import attack_metrics
    >>> rng = np.random.default_rng(0)
    >>> metrics = attack_metrics(rng.normal(size=2000), rng.normal(size=2000))
    >>> sorted(metrics)
    ['attack_auc', 'epsilon_lower_bound', 'tpr_at_0.1%_fpr', 'tpr_at_1%_fpr']
    """
    members = _scores(member_scores, "member_scores", "attack_metrics")
    others = _scores(nonmember_scores, "nonmember_scores", "attack_metrics")
    random_state = as_seed(random_state, func="attack_metrics")
    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    return {
        "attack_auc": float(roc_auc_score(labels, np.r_[members, others])),
        "tpr_at_1%_fpr": tpr_at_fpr(members, others, 0.01),
        "tpr_at_0.1%_fpr": tpr_at_fpr(members, others, 0.001),
        "epsilon_lower_bound": empirical_epsilon(members, others, delta=delta,
                                                 random_state=random_state),
    }


def _curve(members: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = np.r_[np.ones(len(members)), np.zeros(len(others))]
    fpr, tpr, _ = roc_curve(labels, np.r_[members, others])
    # keep the curve light: log-spaced points in FPR, plus the ends
    grid = np.unique(np.r_[0.0, np.logspace(-5, 0, _CURVE_POINTS)])
    index = np.searchsorted(fpr, grid, side="right") - 1
    return grid, tpr[np.clip(index, 0, len(tpr) - 1)]


@dataclass(frozen=True)
class AuditResult:
    """The outcome of :func:`membership_inference_audit`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (model, attack): ``model``, ``epsilon`` (inf for
        non-private), ``delta``, ``attack``, ``attack_auc``,
        ``tpr_at_1%_fpr``, ``tpr_at_0.1%_fpr``, ``epsilon_lower_bound``,
        ``test_auc`` (the model's utility, for context).
    curves : dict
        ``(model, epsilon, attack) -> (fpr, tpr)`` arrays of the attack's ROC curve.
    settings : dict
        Sizes, reference models, seeds: what the ledger records.
    """

    table: pd.DataFrame
    curves: dict[tuple[str, float, str], tuple[np.ndarray, np.ndarray]] = field(repr=False)
    settings: dict[str, Any]


def _fit_audit_model(kind: str, data: Dataset, epsilon: float, delta: float, random_state: int,
                     domain):
    if kind == OVERFIT_KIND:
        model = Pipeline([
            ("preprocess", make_preprocessor(data)),
            ("classifier", RandomForestClassifier(n_estimators=50, min_samples_leaf=1,
                                                  random_state=random_state, n_jobs=1)),
        ])
        return model.fit(data.X, data.y)
    if kind in BASELINE_KINDS:
        return fit_model(kind, data, random_state=random_state)
    plan = plan_private_model(kind, data, epsilon=epsilon, delta=delta, domain=domain,
                              random_state=random_state)
    return _fit(plan, data)


def _subset(data: Dataset, mask: np.ndarray, name: str) -> Dataset:
    return data.replace(frame=data.frame.loc[mask].reset_index(drop=True), name=name,
                        numeric=data.numeric, categorical=data.categorical)


def _audit_job(kind, epsilon, members, others, references, test, delta, random_state, domain):
    with threadpool_limits(limits=1):  # the workers are the parallelism
        target = _fit_audit_model(kind, members, epsilon, delta, random_state, domain)
        scores = {"loss": (loss_attack_scores(target, members), loss_attack_scores(target, others))}
        conf_in, conf_out = _logit_confidence(target, members), _logit_confidence(target, others)
        test_auc = float(roc_auc_score(
            test.y, positive_scores(target, test, func="membership_inference_audit")))
        del target
        ref_in, ref_out = [], []
        for i, ref in enumerate(references):  # one reference model in memory at a time
            model = _fit_audit_model(kind, ref, epsilon, delta, random_state + 1 + i, domain)
            ref_in.append(_logit_confidence(model, members))
            ref_out.append(_logit_confidence(model, others))
            del model
        ref_in, ref_out = np.array(ref_in), np.array(ref_out)
        # one global spread (Carlini et al.'s advice with few reference models)
        variances = np.r_[ref_in.var(axis=0, ddof=1), ref_out.var(axis=0, ddof=1)]
        spread = max(float(np.sqrt(np.mean(variances))), 1e-3)
        scores["calibrated"] = ((conf_in - ref_in.mean(axis=0)) / spread,
                                (conf_out - ref_out.mean(axis=0)) / spread)
    model_delta = delta if kind in PRIVATE_MODELS else 0.0
    rows, curves = [], {}
    for attack, (inside, outside) in scores.items():
        metrics = attack_metrics(inside, outside, delta=model_delta, random_state=random_state)
        rows.append({"model": kind, "epsilon": epsilon, "delta": model_delta, "attack": attack,
                     **metrics, "test_auc": test_auc})
        curves[(kind, epsilon, attack)] = _curve(inside, outside)
    return rows, curves


def _sample_rows(data: Dataset, max_rows: int | None, random_state: int, stream: int,
                 name: str) -> Dataset:
    """A seeded simple random sample of ``max_rows`` rows of ``data`` (``data`` itself if smaller)."""
    if max_rows is None or len(data) <= max_rows:
        return data
    rng = np.random.default_rng([random_state, 0xA0D17, stream])  # a stream of its own
    keep = np.zeros(len(data), dtype=bool)
    keep[rng.choice(len(data), size=max_rows, replace=False)] = True
    return _subset(data, keep, name)


def _sample_settings(max_rows, sizes: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """What the ``sample`` setting records: the cap and, per input, its rows and rows used."""
    return {
        "max_rows": max_rows,
        **{f"{name}_rows": full for name, (full, _) in sizes.items()},
        **{f"sampled_{name}_rows": used for name, (_, used) in sizes.items()},
        "how": "seeded simple random sample of each input above max_rows rows; members and "
               "non-members are halves of the sampled train",
    }


def _run_audit(train, reference, test, models, epsilons, delta, n_reference, random_state,
               n_jobs, progress, domain, max_rows=None):
    sizes: dict[str, tuple[int, int]] = {}

    def sample(data: Dataset, stream: int, name: str) -> Dataset:
        sampled = _sample_rows(data, max_rows, random_state, stream, f"audit-{name}-sample")
        if sampled is not data:
            sizes[name] = (len(data), len(sampled))
        return sampled

    test_is_reference = test is reference
    train = sample(train, 0, "train")
    reference = sample(reference, 1, "reference")
    test = reference if test_is_reference else sample(test, 2, "test")
    rng = np.random.default_rng(random_state)
    is_member = rng.random(len(train)) < 0.5
    members = _subset(train, is_member, "audit-members")
    others = _subset(train, ~is_member, "audit-non-members")
    halves = [rng.random(len(reference)) < 0.5 for _ in range(n_reference)]
    references = [_subset(reference, h, f"audit-reference-{i}") for i, h in enumerate(halves)]
    jobs = [(kind, epsilon) for kind in models
            for epsilon in (epsilons if kind in PRIVATE_MODELS else (math.inf,))]
    rows, curves = [], {}
    with Parallel(n_jobs=n_jobs, return_as="generator") as parallel:
        results = parallel(
            delayed(_audit_job)(kind, epsilon, members, others, references, test, delta,
                                random_state, domain)
            for kind, epsilon in jobs
        )
        for done, (job_rows, job_curves) in enumerate(results, start=1):
            rows += job_rows
            curves.update(job_curves)
            if progress is not None:
                progress(done / len(jobs), f"{done} of {len(jobs)} models attacked")
    table = pd.DataFrame(rows)
    settings = {
        "members": len(members), "non_members": len(others),
        "reference_population": len(reference), "reference_models": n_reference,
        "reference_fraction": 0.5, "random_state": random_state, "delta": delta,
        "membership": "a random half of the training data (seeded); the other half held out",
    }
    if sizes:
        settings["sample"] = _sample_settings(max_rows, sizes)
    return AuditResult(table, curves, settings)


def membership_inference_audit(
    train: Dataset,
    reference: Dataset,
    *,
    test: Dataset | None = None,
    models: Sequence[str] = AUDIT_MODELS,
    epsilons: Sequence[float] = (1.0,),
    delta: float = DEFAULT_DELTA,
    n_reference: int = 4,
    domain: PublicDomain | dict | None = None,
    random_state: int = 0,
    n_jobs: int | None = 2,
    max_rows: int | None = AUDIT_MAX_ROWS,
    progress=None,
    ledger=None,
) -> AuditResult:
    """Attack models trained on half of ``train`` and report how much membership leaks.

    Parameters
    ----------
    train : Dataset
        A random half (seeded) becomes the members the audited models train
        on; the other half are the non-members.
    reference : Dataset
        A population disjoint from ``train`` (for Adult: the test split);
        ``n_reference`` models of each kind are trained on random halves of
        it for the calibrated attack.
    test : Dataset, optional
        Scores the audited models' utility (defaults to ``reference``).
    models : list of str
        From ``overfit_forest`` (a random forest of fully grown trees),
        ``logistic_regression``, ``gradient_boosting``, ``dp_sgd_logistic``,
        ``dp_sgd_mlp``, ``dp_ebm``.
    epsilons : list of float
        The epsilons at which each DP model is audited.
    delta : float
        The DP models' delta.
    n_reference : int
        Reference models per audited model (>= 2).
    domain : PublicDomain or dict, optional
        Public bounds for the DP models (Adult's by default for Adult; for
        other data, derived from it with a PrivacyLeakWarning).
    random_state : None, int, numpy Generator or RandomState
        Seeds the member split, the reference halves and every model (None,
        a Generator or a RandomState give a seed drawn from them, recorded in
        ``settings``).
    n_jobs : int or None
        Worker processes (joblib); the result does not depend on it.
    max_rows : int or None
        Above this many rows, ``train``, ``reference`` and ``test`` are each
        replaced by a seeded simple random sample of ``max_rows`` rows (the
        attack's numbers are estimates; see the module docstring);
        ``settings["sample"]`` then records each input's rows and the rows
        used. None: every row.
    progress : callable, optional
        ``progress(fraction, message)``.
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/membership_inference_audit`` record.

    Returns
    -------
    AuditResult
        Cached (keyed by the data fingerprints and every parameter).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import membership_inference_audit
    >>> test = load_adult("test")
    >>> audit = membership_inference_audit(
    ...     test.replace(frame=test.frame.head(2000)), test.replace(frame=test.frame.tail(2000)),
    ...     models=["logistic_regression"], n_reference=2)  # doctest: +SKIP
    >>> audit.table["attack"].tolist()  # doctest: +SKIP
    ['loss', 'calibrated']
    """
    func = "membership_inference_audit"
    train = check_dataset(train, func=func, param="train")
    reference = check_dataset(reference, func=func, param="reference")
    test = reference if test is None else check_dataset(test, func=func, param="test")
    models = [models] if isinstance(models, str) else list(models)
    if not models:
        raise ValueError(_NO_MODELS.format(value=models, choices=list(AUDIT_MODELS)))
    for model in models:
        check_choice(model, AUDIT_MODELS, param="models", func=func)
    epsilons = [check_epsilon(e, "epsilons", func) for e in epsilons]
    delta = check_delta(delta, func=func)
    n_reference = check_interval(n_reference, param="n_reference", func=func, low=2,
                                 integer=True, example=4)
    random_state = as_seed(random_state, func=func)
    if len(train) < 200:
        raise ValueError(_TOO_SMALL.format(n=len(train)))
    if max_rows is not None:
        if isinstance(max_rows, bool) or not isinstance(max_rows, (int, np.integer)):
            raise TypeError(_BAD_MAX_ROWS.format(value=max_rows))
        if max_rows < 1000:
            raise ValueError(_BAD_MAX_ROWS.format(value=max_rows))
        max_rows = int(max_rows)
    if any(m in PRIVATE_MODELS for m in models):
        domain = PublicDomain.resolve(train, domain)
    else:
        domain = None
    key = {"train": train.fingerprint, "reference": reference.fingerprint,
           "test": test.fingerprint, "models": models, "epsilons": epsilons, "delta": delta,
           "n_reference": n_reference, "random_state": random_state, "recipe": RECIPE,
           "domain": domain.to_config() if domain is not None else None}
    if max_rows is not None and max(len(train), len(reference), len(test)) > max_rows:
        key["max_rows"] = max_rows  # the cap changes the result only when it applies
    result = cached("privacy-audit", key, lambda: _run_audit(
        train, reference, test, models, epsilons, delta, n_reference, random_state, n_jobs,
        progress, domain, max_rows))
    if ledger is not None:
        per_model = {}
        for row in result.table.itertuples(index=False):
            label = row.model if not math.isfinite(row.epsilon) else f"{row.model}@eps={row.epsilon:g}"
            per_model.setdefault(label, {"epsilon": row.epsilon if math.isfinite(row.epsilon) else None,
                                         "delta": row.delta, "test_auc": row.test_auc})
            per_model[label][row.attack] = {
                "attack_auc": row.attack_auc,
                "tpr_at_1pct_fpr": row[list(result.table.columns).index("tpr_at_1%_fpr")],
                "tpr_at_0.1pct_fpr": row[list(result.table.columns).index("tpr_at_0.1%_fpr")],
                "epsilon_lower_bound": row.epsilon_lower_bound,
            }
        ledger.append(
            "privacy", "membership_inference_audit",
            parameters={**result.settings, "models": models, "epsilons": epsilons,
                        "attacks": {"loss": "loss threshold (Yeom et al. 2018)",
                                    "calibrated": "offline LiRA-style, reference-calibrated logit "
                                                  "confidence (Carlini et al. 2022)"},
                        "epsilon_lower_bound_method": "Clopper-Pearson 95%, threshold chosen on a "
                                                      "separate half (Jagielski et al. 2020)",
                        "charged_to_budget": False,
                        "why_not_charged": "audit models are internal and never released"},
            inputs={"train": train, "reference": reference},
            metrics={"models": per_model,
                     "max_epsilon_lower_bound": float(result.table["epsilon_lower_bound"].max())},
        )
    return result


def plot_attack_roc(result: AuditResult, *, attack: str = "calibrated", models=None, ax=None):
    """Attack ROC curves (log-log) against the bound each DP model's (epsilon, delta) implies.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_choice(attack, ATTACKS, param="attack", func="plot_attack_roc")
    use_cjk_fallback()  # the models' names may be the user's own
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
    else:
        fig = ax.figure
    keys = [k for k in result.curves if k[2] == attack and (models is None or k[0] in models)]
    colours = plt.get_cmap("tab10")
    floor = 1e-4
    bounds = {}
    for i, (kind, epsilon, _) in enumerate(keys):
        fpr, tpr = result.curves[(kind, epsilon, attack)]
        keep = fpr >= floor
        label = kind if not math.isfinite(epsilon) else f"{kind} (ε={epsilon:g})"
        ax.plot(fpr[keep], np.maximum(tpr[keep], floor), color=colours(i % 10), lw=1.6, label=label)
        if math.isfinite(epsilon):
            rows = result.table[(result.table["model"] == kind) & (result.table["epsilon"] == epsilon)]
            bounds[(epsilon, float(rows["delta"].iloc[0]))] = True
    grid = np.logspace(np.log10(floor), 0, 200)
    for j, (epsilon, delta) in enumerate(sorted(bounds)):
        ax.plot(grid, dp_tpr_bound(epsilon, delta, grid), color="black", ls=[":", "-."][j % 2],
                lw=1.4, label=f"best possible attack on (ε={epsilon:g}, δ={delta:g})-DP")
    grid = np.logspace(np.log10(floor), 0, 50)
    ax.plot(grid, grid, color="grey", ls="--", lw=1, label="random guessing")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(floor, 1)
    ax.set_ylim(floor, 1.05)
    ax.set_xlabel("false-positive rate (non-members flagged as members)")
    ax.set_ylabel("true-positive rate (members found)")
    ax.set_title(f"Membership inference, {attack} attack")
    ax.legend(fontsize=7, loc="lower right")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tight_layout with a long legend
        fig.tight_layout()
    return fig
