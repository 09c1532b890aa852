"""Differential privacy: DP statistics (OpenDP), one budget (dp-accounting), DP-SGD, DP-EBM, audits.

- :class:`PrivacyBudget`: the total (epsilon, delta) every DP operation draws
  from, composed by dp-accounting's PLD (or RDP) accountant; refuses an
  over-spend before any noise is drawn.
- :func:`dp_count`, :func:`dp_sum`, :func:`dp_mean`, :func:`dp_histogram`:
  OpenDP measurements with public clamping bounds.
- :func:`laplace_scale`, :func:`gaussian_sigma`, :func:`noise_samples`,
  :func:`plot_noise`: calibration and the noise itself.
- :class:`PublicDomain`, :class:`DomainEncoder`, :class:`DomainClipper`:
  public bounds and categories, and preprocessing that learns nothing from
  the data.
- :class:`DPSGDClassifier`, :func:`fit_private_model`: DP-SGD logistic
  regression / MLP and interpret's DP-EBM, charged to a budget and cached.
- :func:`privacy_utility_sweep`, :func:`membership_inference_audit`: what DP
  costs in accuracy (per group) and what it buys against an attacker.

Ledger records
--------------
Every record has stage ``privacy``. Each DP release or training (the first
four operations below) carries the same privacy fields:

- parameters ``epsilon``, ``delta`` (the operation's own guarantee),
  ``mechanism``, ``accountant`` (``pld`` or ``rdp``), ``accountant_library``,
  ``neighbouring_relation`` ("add or remove one record"), ``sampling``
  (the sampling scheme the accountant assumed), ``composition``,
  ``budget_name``, ``budget_epsilon``, ``budget_delta``;
- metrics ``epsilon_spent``, ``delta_spent``, ``budget_spent_epsilon``
  (composed by the accountant after this charge), ``budget_remaining_epsilon``,
  ``budget_naive_sum_epsilon`` (the plain sum, for comparison).

Operations:

``dp_count``, ``dp_sum``, ``dp_mean``, ``dp_histogram``
    parameters add ``query``, ``column``, ``bounds``, ``sensitivity``,
    ``noise_scale``, ``noise_library`` (and ``count_noise_scale``,
    ``epsilon_split`` for a mean; ``categories`` for a histogram); metrics add
    ``released`` (the noisy value, or category -> noisy count),
    ``noise_std``, ``margin_95``. Input: the column's fingerprint.
``train_private_model``
    parameters add ``kind``, ``target_epsilon``, ``train_rows``,
    ``features``, ``public_domain`` (bounds, category counts, their source,
    ``derived_from_data``), ``noise_seeded``, ``random_state`` and the
    mechanism's settings (``noise_multiplier``, ``sampling_probability``,
    ``steps``, ``clip_norm``, ``batch_size``, ``epochs``... for DP-SGD;
    ``noise_multiplier_binning``, ``noise_multiplier_boosting``,
    ``max_rounds``, ``gaussian_queries`` for DP-EBM); metrics add
    ``epsilon_at_budget_delta``. Input: the training data's fingerprint.
``privacy_utility_sweep``
    parameters ``epsilons``, ``seeds``, ``models``, ``baselines``, ``delta``,
    ``charged_to_budget`` (false) and why, ``attack``; metrics ``results``:
    per (model, epsilon) the mean and sd over seeds of test accuracy, AUC and
    loss-attack AUC.
``membership_inference_audit``
    parameters ``members``, ``non_members``, ``reference_population``,
    ``reference_models``, ``membership``, ``models``, ``epsilons``, ``delta``,
    ``attacks`` (names and references), ``epsilon_lower_bound_method``,
    ``charged_to_budget`` (false) and why, and ``sample`` when an input had
    more than ``max_rows`` rows (``max_rows``, ``<input>_rows``,
    ``sampled_<input>_rows``, ``how``); metrics ``models``: per model (and
    epsilon) its ``test_auc`` and, per attack, ``attack_auc``,
    ``tpr_at_1pct_fpr``, ``tpr_at_0.1pct_fpr``, ``epsilon_lower_bound``; and
    ``max_epsilon_lower_bound``.
"""

from govkit._validation import renamed_names as _renamed_names

from ._audit import (
    AUDIT_MODELS,
    AuditResult,
    attack_metrics,
    dp_tpr_bound,
    empirical_epsilon,
    loss_attack_scores,
    membership_inference_audit,
    plot_attack_roc,
    tpr_at_fpr,
)
from ._budget import (
    ACCOUNTANTS,
    Charge,
    PrivacyBudget,
    compare_accountants,
    epsilon_of,
)
from ._domain import PublicDomain
from ._dpsgd import DPSGDClassifier, calibrate_noise_multiplier, dpsgd_event
from ._ebm import dp_ebm_event
from ._mechanisms import (
    MECHANISMS,
    gaussian_sigma,
    laplace_scale,
    noise_density,
    noise_samples,
    plot_noise,
)
from ._preprocess import DomainClipper, DomainEncoder
from ._statistics import DPRelease, dp_count, dp_histogram, dp_mean, dp_sum
from ._sweep import SWEEP_COLUMNS, plot_privacy_utility, privacy_utility_sweep, sweep_summary
from ._training import (
    DEFAULT_DELTA,
    PRIVATE_MODELS,
    PrivateModelPlan,
    fit_private_model,
    plan_private_model,
)

__all__ = [
    "ACCOUNTANTS",
    "AUDIT_MODELS",
    "DEFAULT_DELTA",
    "MECHANISMS",
    "PRIVATE_MODELS",
    "SWEEP_COLUMNS",
    "AuditResult",
    "Charge",
    "DPRelease",
    "DPSGDClassifier",
    "DomainClipper",
    "DomainEncoder",
    "PrivacyBudget",
    "PrivateModelPlan",
    "PublicDomain",
    "attack_metrics",
    "calibrate_noise_multiplier",
    "compare_accountants",
    "dp_count",
    "dp_ebm_event",
    "dp_histogram",
    "dp_mean",
    "dp_sum",
    "dp_tpr_bound",
    "dpsgd_event",
    "empirical_epsilon",
    "epsilon_of",
    "fit_private_model",
    "gaussian_sigma",
    "laplace_scale",
    "loss_attack_scores",
    "membership_inference_audit",
    "noise_density",
    "noise_samples",
    "plan_private_model",
    "plot_attack_roc",
    "plot_noise",
    "plot_privacy_utility",
    "privacy_utility_sweep",
    "sweep_summary",
    "tpr_at_fpr",
]

#: Old public names -> new ones; the old names work for one release with a FutureWarning.
__getattr__ = _renamed_names(__name__, globals(), {"PRIVATE_MODEL_KINDS": "PRIVATE_MODELS"},
                             why="each stage's choice vocabulary is a public constant")
