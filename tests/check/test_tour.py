"""The dataset tour's exercise checkers: right answers pass, wrong ones get a useful hint."""

from __future__ import annotations

import pytest

from govkit.check import Feedback, base_rate_gap_exercise, smallest_group_exercise


@pytest.mark.parametrize(
    ("answer", "ok", "words"),
    [
        ("Female × Other", True, "109 rows"),
        ("Female x Other", True, "109 rows"),
        ("Male × Other", False, "there is a smaller one"),
        ("Martians", False, "is not a group label"),
        (None, False, "Replace None"),
        (3, False, "as a string"),
    ],
)
def test_smallest_group(adult_train, answer, ok, words):
    feedback = smallest_group_exercise(adult_train, answer)
    assert bool(feedback) is ok and words in feedback.message


@pytest.mark.parametrize(
    ("answer", "ok", "words"),
    [(19.6, True, "19.6 points"), (19.9, True, ""), (0.196, False, "fraction"),
     (5, False, "subtract"), ("abc", False, "number"), (None, False, "Replace None"),
     (float("inf"), False, "finite")],
)
def test_base_rate_gap(adult_train, answer, ok, words):
    feedback = base_rate_gap_exercise(adult_train, answer)
    assert bool(feedback) is ok and words in feedback.message


def test_feedback_display():
    assert "✅" in Feedback(True, "well done")._repr_html_()
    assert "💡" in Feedback(False, "try <again>")._repr_html_()
    assert "&lt;again&gt;" in Feedback(False, "try <again>")._repr_html_()
