"""Train a differentially private model on a Dataset, charged to a budget and cached.

:func:`fit_private_model` is what the other stages call to obtain a DP model:
DP-SGD logistic regression, a DP-SGD one-hidden-layer MLP, or interpret's
DP-EBM. Each is a scikit-learn ``Pipeline`` whose first step maps raw records
through the :class:`PublicDomain` (nothing learned from the data) and whose
``predict_proba`` accepts raw records, like :func:`govkit.models.fit_model`'s.

The order matters and is tested: work out the privacy event from the
parameters alone, check it against the budget (refuse before anything is
computed), fit (or read the identical fit from the cache), then charge the
budget and write the ledger. A cache hit is charged like a fresh fit: what
costs privacy is releasing the model, not the CPU time.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from interpret.privacy import DPExplainableBoostingClassifier
from sklearn.pipeline import Pipeline

from govkit._validation import as_seed, check_choice
from govkit.datasets import Dataset, check_dataset
from govkit.workspace import cached

from ._budget import PrivacyBudget, epsilon_of, warn_if_delta_large
from ._domain import PublicDomain
from ._dpsgd import SAMPLING, DPSGDClassifier
from ._ebm import EBM_BIN_BUDGET_FRACTION, EBM_MAX_ROUNDS, EBM_SAMPLING, dp_ebm_event
from ._preprocess import DomainClipper, DomainEncoder
from ._validation import check_delta, check_epsilon

__all__ = [
    "DEFAULT_DELTA",
    "PRIVATE_MODELS",
    "PrivateModelPlan",
    "fit_private_model",
    "plan_private_model",
]

#: The differentially private models govkit trains (the ``kind`` of
#: :func:`fit_private_model`); the pipeline's config and the widgets offer these.
PRIVATE_MODELS = ("dp_sgd_logistic", "dp_sgd_mlp", "dp_ebm")
DEFAULT_DELTA = 1e-6
#: DP-SGD settings of the workbook (tuned once on public synthetic data and
#: fixed: tuning them on the private data would itself leak).
DPSGD_SETTINGS = {
    "clip_norm": 1.0,
    "batch_size": 256,
    "epochs": 10,
    "learning_rate": 0.2,
    "momentum": 0.9,
    "l2": 0.0,
}
MLP_HIDDEN_UNITS = 16
#: Everything about how govkit trains its DP models; cache keys include it, so
#: changing the recipe can never return results computed with the old one.
RECIPE = {
    "dpsgd": DPSGD_SETTINGS,
    "mlp_hidden_units": MLP_HIDDEN_UNITS,
    "ebm": {"max_rounds": EBM_MAX_ROUNDS, "bin_budget_fraction": EBM_BIN_BUDGET_FRACTION},
    "revision": 2,
}
_SEEDED_WARNING = "Privacy violation: using a fixed random_state"

_NOT_A_BUDGET = (
    "fit_private_model: budget must be a govkit.privacy.PrivacyBudget, got {kind}. Every DP "
    "training draws from an explicit budget: budget = PrivacyBudget(epsilon=3.0, delta=1e-5)."
)
_EBM_DELTA = "{func}: kind='dp_ebm' needs delta > 0 (got {delta}); pass e.g. delta=1e-6."


class PrivateModelPlan:
    """An unfitted DP model and the privacy event its fit will be, known before any data is read.

    Attributes
    ----------
    kind : str
    model : sklearn.pipeline.Pipeline
        ``public`` (domain mapping) then ``classifier``; unfitted.
    event : dp_accounting.DpEvent
    epsilon, delta : float
        The guarantee of the fit (for DP-SGD: dp-accounting's epsilon at
        delta, at most the target).
    mechanism, sampling : str
        For the record.
    details : dict
        Noise multiplier(s), steps, sampling probability.
    """

    def __init__(self, kind, model, event, epsilon, delta, mechanism, sampling, details):
        self.kind = kind
        self.model = model
        self.event = event
        self.epsilon = epsilon
        self.delta = delta
        self.mechanism = mechanism
        self.sampling = sampling
        self.details = details

    def __repr__(self) -> str:
        return (f"PrivateModelPlan(kind={self.kind!r}, epsilon={self.epsilon:.4g}, "
                f"delta={self.delta:g}, {self.mechanism})")


def plan_private_model(
    kind: str,
    train: Dataset,
    *,
    epsilon: float,
    delta: float = DEFAULT_DELTA,
    domain: PublicDomain | dict | None = None,
    random_state: int | None = 0,
    _depth: int = 0,
    _func: str = "plan_private_model",
) -> PrivateModelPlan:
    """Build the unfitted model and its privacy event from the parameters (no data values read).

    Only the number of rows and the column names of ``train`` are used (the
    row count sets DP-SGD's sampling probability, as in every DP-SGD
    implementation; it is treated as public).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import plan_private_model
    >>> plan = plan_private_model("dp_ebm", load_adult(), epsilon=1.0)
    >>> plan.kind, plan.epsilon <= 1.0
    ('dp_ebm', True)
    """
    func = _func
    train = check_dataset(train, func=func, param="train")
    epsilon = check_epsilon(epsilon, func=func)
    delta = check_delta(delta, func=func)
    random_state = as_seed(random_state, func=func, keep_none=True)
    check_choice(kind, PRIVATE_MODELS, param="kind", func=func)
    domain = PublicDomain.resolve(train, domain, stacklevel=2 + _depth)
    domain.covers(train, func=func)
    domain = domain.restrict(train.feature_names)
    n = len(train)
    if kind == "dp_ebm":
        if delta == 0:
            raise ValueError(_EBM_DELTA.format(func=func, delta=delta))
        clipper = DomainClipper(domain=domain).fit(train.frame.iloc[:0][list(train.feature_names)])
        classifier = DPExplainableBoostingClassifier(
            feature_types=clipper.feature_types(),
            privacy_bounds=clipper.privacy_bounds(),
            epsilon=epsilon,
            delta=delta,
            max_rounds=EBM_MAX_ROUNDS,
            bin_budget_frac=EBM_BIN_BUDGET_FRACTION,
            n_jobs=1,
            random_state=random_state,
        )
        n_features = len(train.feature_names)
        event = dp_ebm_event(n_features, epsilon, delta)
        model = Pipeline([("public", DomainClipper(domain=domain)), ("classifier", classifier)])
        return PrivateModelPlan(
            kind, model, event, epsilon, delta,
            "Gaussian (DP-EBM: noisy binning, then noisy boosting, GDP-calibrated)",
            EBM_SAMPLING,
            {"max_rounds": EBM_MAX_ROUNDS, "bin_budget_fraction": EBM_BIN_BUDGET_FRACTION,
             "noise_multiplier_binning": event.events[0].event.noise_multiplier,
             "noise_multiplier_boosting": event.events[1].event.noise_multiplier,
             "gaussian_queries": n_features * (1 + EBM_MAX_ROUNDS)},
        )
    classifier = DPSGDClassifier(
        hidden_units=MLP_HIDDEN_UNITS if kind == "dp_sgd_mlp" else None,
        target_epsilon=epsilon,
        delta=delta,
        random_state=random_state,
        **DPSGD_SETTINGS,
    )
    event = classifier.privacy_event(n)
    model = Pipeline([("public", DomainEncoder(domain=domain)), ("classifier", classifier)])
    return PrivateModelPlan(
        kind, model, event, epsilon_of(event, delta), delta,
        "Poisson-subsampled Gaussian (DP-SGD)", SAMPLING,
        {"noise_multiplier": event.event.event.noise_multiplier,
         "sampling_probability": event.event.sampling_probability,
         "steps": event.count, **DPSGD_SETTINGS,
         "hidden_units": MLP_HIDDEN_UNITS if kind == "dp_sgd_mlp" else None},
    )


def _fit(plan: PrivateModelPlan, train: Dataset) -> Pipeline:
    model = plan.model
    with warnings.catch_warnings():
        # interpret warns that a fixed seed makes the noise replayable; govkit
        # records that fact in the ledger (noise_seeded) instead.
        warnings.filterwarnings("ignore", message=_SEEDED_WARNING, category=UserWarning)
        model.fit(train.X, train.y)
    return model


def _cache_key(plan: PrivateModelPlan, train: Dataset, random_state) -> dict[str, Any]:
    classifier = plan.model.named_steps["classifier"]
    params = {k: repr(v) for k, v in sorted(classifier.get_params().items())}
    return {
        "data": train.fingerprint,
        "kind": plan.kind,
        "epsilon": plan.epsilon,
        "delta": plan.delta,
        "random_state": random_state,
        "domain": plan.model.named_steps["public"].domain.to_config(),
        "classifier": params,
        "event": repr(plan.event),
    }


def fit_private_model(
    kind: str,
    train: Dataset,
    *,
    budget: PrivacyBudget,
    epsilon: float,
    delta: float = DEFAULT_DELTA,
    domain: PublicDomain | dict | None = None,
    random_state: int | None = 0,
    ledger=None,
) -> Pipeline:
    """Train a DP model on ``train``, charged to ``budget``; returns a fitted Pipeline.

    Parameters
    ----------
    kind : {"dp_sgd_logistic", "dp_sgd_mlp", "dp_ebm"}
        DP-SGD logistic regression, DP-SGD MLP (one hidden layer of 16 ReLU
        units), or interpret's DP Explainable Boosting Machine.
    train : Dataset
    budget : PrivacyBudget
        Checked before anything is computed (BudgetExceededError if the fit
        would over-spend), charged afterwards.
    epsilon : float
        The training's epsilon (DP-SGD: the target the noise is calibrated to).
    delta : float
        The training's delta (default 1e-6; keep it well below 1/n).
    domain : PublicDomain or dict, optional
        Public bounds and categories. Default: Adult's public domain for
        Adult; for other data, derived from the data with a
        :class:`~govkit.exceptions.PrivacyLeakWarning`.
    random_state : None, int, numpy Generator or RandomState
        A seed makes the fit reproducible and cacheable (the workbook's
        choice), at the price that anyone who knows the seed can replay the
        noise; the ledger records ``noise_seeded``. Use ``None`` (fresh
        noise, not cached) for a real release. A Generator or RandomState
        gives a seed drawn from it (recorded like an int).
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/train_private_model`` record.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``public`` (:class:`DomainEncoder` or :class:`DomainClipper`)
        and ``classifier`` (:class:`DPSGDClassifier` or interpret's
        ``DPExplainableBoostingClassifier``); ``predict_proba`` takes raw
        records (``test.X``).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, fit_private_model
    >>> budget = PrivacyBudget(epsilon=2.0, delta=1e-5)
    >>> model = fit_private_model("dp_sgd_logistic", load_adult(), budget=budget,
    ...                           epsilon=1.0)  # doctest: +SKIP
    >>> model.predict_proba(load_adult("test").X).shape  # doctest: +SKIP
    (16281, 2)
    """
    if not isinstance(budget, PrivacyBudget):
        raise TypeError(_NOT_A_BUDGET.format(kind=type(budget).__name__))
    random_state = as_seed(random_state, func="fit_private_model", keep_none=True)
    plan = plan_private_model(
        kind, train, epsilon=epsilon, delta=delta, domain=domain, random_state=random_state,
        _depth=1, _func="fit_private_model",
    )
    operation = f"fit_private_model({kind})"
    budget.check(plan.event, operation=operation)  # refuse before any fitting
    warn_if_delta_large(plan.delta, len(train), "fit_private_model")
    if random_state is None:
        model = _fit(plan, train)
    else:
        model = cached("privacy-model", _cache_key(plan, train, random_state),
                       lambda: _fit(plan, train))
    charge = budget.charge(
        plan.event, operation=operation, epsilon=plan.epsilon, delta=plan.delta,
        mechanism=plan.mechanism, sampling=plan.sampling,
    )
    if ledger is not None:
        parameters, metrics = charge.ledger_fields(budget)
        public = model.named_steps["public"].domain
        parameters.update({
            "kind": kind,
            "target_epsilon": float(epsilon),
            "train_rows": len(train),
            "features": list(train.feature_names),
            "public_domain": public.summary(),
            "noise_seeded": random_state is not None,
            "random_state": random_state,
            **{k: v for k, v in plan.details.items() if not isinstance(v, float) or math.isfinite(v)},
        })
        metrics.update({
            "epsilon_at_budget_delta": epsilon_of(plan.event, budget.delta,
                                                  accountant=budget.accountant),
        })
        ledger.append("privacy", "train_private_model", parameters=parameters,
                      inputs={"train": train}, metrics=metrics)
    return model

