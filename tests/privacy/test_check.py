"""The exercise checkers of notebook 02: right answers pass, common mistakes get their hint."""

from __future__ import annotations

import math

import pytest

from govkit.check import attack_bound_exercise, composition_exercise, laplace_scale_exercise


def test_laplace_scale():
    assert laplace_scale_exercise(198).ok
    assert laplace_scale_exercise("198.0").ok
    assert "upside-down" in laplace_scale_exercise(1 / 99).message
    assert "replace" in laplace_scale_exercise(196).message
    assert "Divide by ε" in laplace_scale_exercise(49.5).message
    assert "scale of a count" in laplace_scale_exercise(2).message
    assert "sensitivity first" in laplace_scale_exercise(7).message


@pytest.mark.parametrize("answer, text", [
    (None, "Replace None"), ("many", "Answer with a number"), (math.nan, "finite"),
    (True, "Answer with a number"),
])
def test_placeholders_and_non_numbers(answer, text):
    for checker in (laplace_scale_exercise, composition_exercise, attack_bound_exercise):
        feedback = checker(answer)
        assert not feedback.ok and text in feedback.message


def test_composition_counts_with_the_accountant():
    feedback = composition_exercise(22)
    assert feedback.ok and "summing" not in feedback.message
    naive = composition_exercise(5)
    assert not naive.ok and "summing the epsilons" in naive.message
    assert "in a loop" in composition_exercise(30).message
    assert not composition_exercise(21).ok and not composition_exercise(23).ok


def test_attack_bound():
    assert attack_bound_exercise(math.e * 0.001 + 1e-5).ok
    assert attack_bound_exercise(0.00273).ok
    assert "fraction" in attack_bound_exercise(0.273).message
    assert "e^ε is the factor" in attack_bound_exercise(2.7183).message
    assert "ε = 0" in attack_bound_exercise(0.001).message
    assert "hypothesis-testing" in attack_bound_exercise(0.5).message
