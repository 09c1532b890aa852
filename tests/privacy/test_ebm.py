"""DP-EBM's privacy event restates interpret's own noise plan, so the budget composes it."""

from __future__ import annotations

import pytest

from govkit.privacy import PrivacyBudget, dp_ebm_event, epsilon_of, fit_private_model
from govkit.privacy._ebm import dp_ebm_noise_multipliers


def test_event_matches_the_noise_interpret_actually_added(small_train, small_domain):
    budget = PrivacyBudget(epsilon=5.0, delta=1e-5)
    model = fit_private_model("dp_ebm", small_train, budget=budget, epsilon=2.0, delta=1e-6,
                              domain=small_domain)
    ebm = model.named_steps["classifier"]
    binning, boosting = dp_ebm_noise_multipliers(4, 2.0, 1e-6)
    assert ebm.noise_scale_binning_ == pytest.approx(binning)  # sensitivity 1 per histogram
    # boosting noise = multiplier x sensitivity (learning rate x target range 1)
    assert ebm.noise_scale_boosting_ == pytest.approx(boosting * ebm.learning_rate)
    event = dp_ebm_event(4, 2.0, 1e-6)
    assert budget.charges[0].event == event


@pytest.mark.parametrize("epsilon", [0.3, 1.0, 4.0])
def test_tight_composition_stays_within_the_declared_epsilon(epsilon):
    event = dp_ebm_event(14, epsilon, 1e-6)
    composed = epsilon_of(event, 1e-6)
    assert composed <= epsilon
    assert composed >= 0.8 * epsilon  # interpret splits the budget; PLD recovers a little


def test_event_structure():
    event = dp_ebm_event(14, 1.0, 1e-6)
    binning, boosting = event.events
    assert binning.count == 14 and boosting.count == 300 * 14


@pytest.mark.parametrize("kwargs, message", [
    ({"n_features": 0}, "n_features=0"),
    ({"epsilon": -1.0}, "dp_ebm_event: epsilon=-1.0"),
    ({"delta": 0.0}, "needs delta > 0"),
])
def test_bad_arguments(kwargs, message):
    arguments = {"n_features": 3, "epsilon": 1.0, "delta": 1e-6, **kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        dp_ebm_event(**arguments)
