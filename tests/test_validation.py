"""govkit._validation: one contract for random_state, choices and intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from govkit._validation import as_generator, check_choice, check_interval, check_random_state


@pytest.mark.parametrize("value", [None, 0, 7, np.int64(3), np.uint8(2)])
def test_random_state_accepts_seeds(value):
    result = check_random_state(value)
    assert result == (None if value is None else int(value))
    assert result is None or type(result) is int


def test_random_state_accepts_generators_as_they_are():
    generator, legacy = np.random.default_rng(0), np.random.RandomState(0)
    assert check_random_state(generator) is generator
    assert check_random_state(legacy) is legacy


@pytest.mark.parametrize(
    ("value", "error", "kind"),
    [(True, TypeError, "bool"), (np.bool_(False), TypeError, "bool"), (1.5, TypeError, "float"),
     ("0", TypeError, "str"), (-1, ValueError, "negative")],
)
def test_random_state_refuses_with_the_fix(value, error, kind):
    with pytest.raises(error, match=rf"fit: random_state=.*{kind}.*pass None"):
        check_random_state(value, func="fit")


def test_as_generator_is_reproducible_and_advances_a_random_state():
    assert as_generator(5).integers(1000) == as_generator(5).integers(1000)
    legacy = np.random.RandomState(0)
    first, second = as_generator(legacy).integers(10**9), as_generator(legacy).integers(10**9)
    assert first != second


def test_choice_suggests_the_closest_option():
    assert check_choice("global", ("mondrian", "global"), param="method") == "global"
    with pytest.raises(ValueError, match=r"anonymize: method='mondrain'.*did you mean 'mondrian'"):
        check_choice("mondrain", ("mondrian", "global"), param="method", func="anonymize")
    with pytest.raises(TypeError, match=r"method must be a string, got int \(3\)"):
        check_choice(3, ("mondrian", "global"), param="method")


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [(0.3, dict(low=0, high=1, low_open=True, high_open=True), 0.3),
     (np.float32(0.5), dict(low=0, high=1), 0.5),
     (np.int64(5), dict(low=2, integer=True), 5),
     (2, dict(low=2, integer=True), 2)],
)
def test_interval_accepts(value, kwargs, expected):
    result = check_interval(value, param="x", **kwargs)
    assert result == pytest.approx(expected)
    assert type(result) is (int if kwargs.get("integer") else float)


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [(0.0, dict(low=0, high=1, low_open=True), ValueError, r"x=0.0 is outside \(0, 1\]"),
     (1.0, dict(low=0, high=1, high_open=True), ValueError, r"outside \[0, 1\)"),
     (math.nan, dict(low=0, high=1), ValueError, "outside"),
     (math.inf, dict(low=0), ValueError, r"outside \[0, inf\)"),
     (True, dict(low=0), TypeError, "must be a number, got bool"),
     ("1", dict(low=0), TypeError, "must be a number, got str"),
     (2.5, dict(low=2, integer=True), TypeError, "must be a whole number, got float"),
     (1, dict(low=2, integer=True, example=5), ValueError, r"e\.g\. x=5")],
)
def test_interval_refuses_with_the_interval_and_an_example(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_interval(value, param="x", func="f", **kwargs)


def test_renamed_keyword_still_works_for_one_release_with_a_warning():
    from govkit._validation import renamed_keywords

    @renamed_keywords(seed="random_state")
    def draw(*, random_state=None):
        return random_state

    assert draw(random_state=1) == 1
    with pytest.warns(FutureWarning, match=r"draw: the keyword seed= is now random_state="):
        assert draw(seed=2) == 2
    with pytest.raises(TypeError, match="pass random_state= only"):
        draw(seed=2, random_state=3)
