"""Checkers for the exercises of notebook 02 (differential privacy).

The right answers are computed, not typed in: the Laplace scale from the
public bounds, the number of releases by running the accountant, the attack
bound from its formula.
"""

from __future__ import annotations

import math

import dp_accounting

from govkit.exceptions import BudgetExceededError
from govkit.privacy import PrivacyBudget, PublicDomain, dp_tpr_bound, epsilon_of

from ._feedback import Feedback, number_answer

__all__ = ["attack_bound_exercise", "composition_exercise", "laplace_scale_exercise"]

HOURS_EPSILON = 0.5
COMPOSITION_SIGMA = 20.0
COMPOSITION_BUDGET = {"epsilon": 1.0, "delta": 1e-6}
ATTACK_EPSILON, ATTACK_DELTA, ATTACK_FPR = 1.0, 1e-5, 0.001


def _close(a: float, b: float, rel: float = 0.01) -> bool:
    return abs(a - b) <= rel * max(abs(b), 1e-12)


def laplace_scale_exercise(answer: object) -> Feedback:
    """Exercise 02.1: the Laplace scale b of a DP sum of ``hours-per-week`` at epsilon = 0.5.

    The sum is clamped to the public range [1, 99]; neighbouring datasets
    differ by adding or removing one person.

    Examples
    --------
    >>> from govkit.check import laplace_scale_exercise
    >>> bool(laplace_scale_exercise(198))
    True
    >>> print(laplace_scale_exercise(2 * 0.5 / 99).message.split(".")[0])
    That is 2ε/Δ, the upside-down formula found in some blog posts
    """
    lower, upper = PublicDomain.adult().numeric["hours-per-week"]
    sensitivity = max(abs(lower), abs(upper))  # add/remove one record
    right = sensitivity / HOURS_EPSILON
    value = number_answer(answer, "12.5")
    if isinstance(value, Feedback):
        return value
    if _close(value, right):
        return Feedback(True, f"b = Δ/ε = {sensitivity:g}/{HOURS_EPSILON:g} = {right:g}: adding or "
                              f"removing one person changes the clamped sum by at most "
                              f"{sensitivity:g} hours.")
    if _close(value, 2 * HOURS_EPSILON / sensitivity) or _close(value, HOURS_EPSILON / sensitivity):
        return Feedback(False, "That is 2ε/Δ, the upside-down formula found in some blog posts. "
                               "The noise must grow with the sensitivity and shrink as ε grows: "
                               "b = Δ/ε.")
    if _close(value, (upper - lower) / HOURS_EPSILON):
        return Feedback(False, "You used upper − lower as the sensitivity, which is right when "
                               "neighbours *replace* a record. Here they add or remove one, so "
                               "the sum moves by at most max(|lower|, |upper|).")
    if _close(value, sensitivity * HOURS_EPSILON):
        return Feedback(False, "Divide by ε rather than multiply: less privacy loss (smaller ε) "
                               "must mean more noise.")
    if _close(value, 1 / HOURS_EPSILON):
        return Feedback(False, "That is the scale of a count (sensitivity 1). A sum's sensitivity "
                               "is the largest value one person can contribute after clamping.")
    return Feedback(False, "Work out the sensitivity first: after clamping to [1, 99], how much "
                           "can adding or removing one person change the sum? Then b = Δ/ε.")


def _releases_that_fit() -> tuple[int, float]:
    budget = PrivacyBudget(**COMPOSITION_BUDGET, name="exercise")
    event = dp_accounting.GaussianDpEvent(noise_multiplier=COMPOSITION_SIGMA)
    count = 0
    while count < 1000:
        try:
            budget.charge(event, operation="dp_count", epsilon=0.0, mechanism="gaussian")
        except BudgetExceededError:
            break
        count += 1
    return count, epsilon_of(event, COMPOSITION_BUDGET["delta"])


def composition_exercise(answer: object) -> Feedback:
    """Exercise 02.2: how many Gaussian counts with noise sd 20 fit in a budget of (1, 1e-6)?

    Count them with a :class:`~govkit.privacy.PrivacyBudget` and the PLD
    accountant (a count has sensitivity 1, so the noise multiplier is 20).

    Examples
    --------
    >>> from govkit.check import composition_exercise
    >>> bool(composition_exercise(22))
    True
    """
    right, single = _releases_that_fit()
    value = number_answer(answer, "7")
    if isinstance(value, Feedback):
        return value
    naive = math.floor(COMPOSITION_BUDGET["epsilon"] / single)
    if value == right:
        return Feedback(True, f"{right} releases. Each alone costs ε = {single:.3f} at δ = 1e-6, so "
                              f"adding up epsilons would stop at {naive}; the accountant composes "
                              "the Gaussian noise exactly and finds room for about four times as "
                              "many.")
    if value == naive:
        return Feedback(False, f"{naive} is what summing the epsilons gives (each release costs "
                               f"ε = {single:.3f} at δ = 1e-6). Summing is valid but loose: charge "
                               "the releases to a PrivacyBudget in a loop and count how many go "
                               "through before BudgetExceededError.")
    return Feedback(False, "Make a PrivacyBudget(epsilon=1.0, delta=1e-6) and charge "
                           "dp_accounting.GaussianDpEvent(noise_multiplier=20.0) to it in a loop "
                           "until it raises BudgetExceededError; count the successes.")


def attack_bound_exercise(answer: object) -> Feedback:
    """Exercise 02.3: the highest true-positive rate at 0.1% false positives against (1, 1e-5)-DP.

    Give it as a fraction (e.g. 0.05 for 5%).

    Examples
    --------
    >>> from govkit.check import attack_bound_exercise
    >>> bool(attack_bound_exercise(0.00273))
    True
    """
    right = float(dp_tpr_bound(ATTACK_EPSILON, ATTACK_DELTA, ATTACK_FPR))
    value = number_answer(answer, "0.05")
    if isinstance(value, Feedback):
        return value
    if _close(value, right, rel=0.02):
        return Feedback(True, f"TPR ≤ e^ε·FPR + δ = e × 0.001 + 0.00001 ≈ {right:.5f}: an attacker "
                              "who wrongly accuses 0.1% of non-members finds at most about 0.27% "
                              "of members. Compare the audit's curves with that line.")
    if _close(value, right * 100, rel=0.02):
        return Feedback(False, "Right number, wrong unit: give the rate as a fraction "
                               f"({right:.5f}), not a percentage.")
    if _close(value, math.exp(ATTACK_EPSILON), rel=0.02):
        return Feedback(False, "e^ε is the factor, not the rate: multiply it by the "
                               "false-positive rate and add δ.")
    if _close(value, ATTACK_FPR, rel=0.02):
        return Feedback(False, "That would be ε = 0 (no information at all). With ε = 1 the "
                               "true-positive rate may exceed the false-positive rate by a factor "
                               "e^ε, plus δ.")
    return Feedback(False, "Use the hypothesis-testing view of DP: TPR ≤ e^ε · FPR + δ.")
