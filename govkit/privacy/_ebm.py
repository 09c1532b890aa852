"""DP-EBM (Nori et al. 2021) from interpret-core, with public bounds and its privacy event.

``interpret.privacy.DPExplainableBoostingClassifier`` spends ``bin_budget_frac``
of epsilon (and half of delta) on noisy histograms that place the bins of
every feature, and the rest on ``max_rounds x n_features`` noisy boosting
updates, each a Gaussian mechanism whose noise it calibrates with Gaussian
DP (Dong, Roth & Su). Two of its steps would read the data outside the
budget unless told otherwise, so govkit always tells it:

- ``privacy_bounds``: numeric ranges from the :class:`PublicDomain` (otherwise
  interpret takes each column's min and max from the data, and warns);
- ``feature_types``: declared, and categories mapped to the public list first
  (:class:`DomainClipper`), so the set of categories the model can show is
  public.

:func:`dp_ebm_event` restates that plan as dp-accounting events (computed
with interpret's own noise formula), so that DP-EBM is charged to the same
budget as everything else and composed tightly with it.
"""

from __future__ import annotations

import dp_accounting
from interpret.utils._privacy import calc_gdp_noise_multi

from govkit._validation import check_interval

from ._validation import check_delta, check_epsilon

__all__ = ["EBM_MAX_ROUNDS", "EBM_BIN_BUDGET_FRACTION", "dp_ebm_event"]

EBM_MAX_ROUNDS = 300
EBM_BIN_BUDGET_FRACTION = 0.1
EBM_SAMPLING = "none: every record is used in every boosting round (no subsampling)"


def dp_ebm_noise_multipliers(
    n_features: int,
    epsilon: float,
    delta: float,
    *,
    max_rounds: int = EBM_MAX_ROUNDS,
    bin_budget_frac: float = EBM_BIN_BUDGET_FRACTION,
) -> tuple[float, float]:
    """Noise multipliers (noise std / sensitivity) of DP-EBM's binning and boosting queries.

    Same formula and split as interpret-core's ``DPExplainableBoostingClassifier``
    (GDP composition, half of delta to each phase).
    """
    bin_epsilon = epsilon * bin_budget_frac
    binning = float(calc_gdp_noise_multi(n_features, bin_epsilon, delta / 2))
    boosting = float(
        calc_gdp_noise_multi(max_rounds * n_features, epsilon - bin_epsilon, delta - delta / 2)
    )
    return binning, boosting


def dp_ebm_event(
    n_features: int,
    epsilon: float,
    delta: float,
    *,
    max_rounds: int = EBM_MAX_ROUNDS,
    bin_budget_frac: float = EBM_BIN_BUDGET_FRACTION,
) -> dp_accounting.DpEvent:
    """The dp-accounting event of a DP-EBM fit: noisy binning, then noisy boosting.

    Binning: one Gaussian histogram per feature (a record falls in one bin:
    sensitivity 1). Boosting: ``max_rounds * n_features`` Gaussian
    mechanisms on gradient sums (sensitivity = learning rate x target range,
    which interpret scales the noise by).

    Examples
    --------
    >>> from govkit.privacy import dp_ebm_event, epsilon_of
    >>> event = dp_ebm_event(14, 1.0, 1e-6)
    >>> epsilon_of(event, 1e-6) <= 1.0     # tight composition of the two phases
    True
    """
    n_features = check_interval(n_features, param="n_features", func="dp_ebm_event", low=1,
                                integer=True, example=14)
    epsilon = check_epsilon(epsilon, func="dp_ebm_event")
    delta = check_delta(delta, func="dp_ebm_event")
    if delta == 0:
        raise ValueError(
            "delta=0: DP-EBM uses the Gaussian mechanism and needs delta > 0; pass e.g. delta=1e-6."
        )
    binning, boosting = dp_ebm_noise_multipliers(
        n_features, epsilon, delta, max_rounds=max_rounds, bin_budget_frac=bin_budget_frac
    )
    return dp_accounting.ComposedDpEvent(
        [
            dp_accounting.SelfComposedDpEvent(dp_accounting.GaussianDpEvent(binning), n_features),
            dp_accounting.SelfComposedDpEvent(
                dp_accounting.GaussianDpEvent(boosting), int(max_rounds) * n_features
            ),
        ]
    )
