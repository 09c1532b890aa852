"""PublicDomain: Adult's public bounds and codebook categories, configs, and the leak warning."""

from __future__ import annotations

import warnings

import pytest

from govkit.datasets import ADULT_COLUMNS
from govkit.exceptions import PrivacyLeakWarning
from govkit.privacy import PublicDomain


def test_adult_domain_reads_the_codebook():
    domain = PublicDomain.adult()
    assert len(domain.categorical["native-country"]) == 41
    assert len(domain.categorical["education"]) == 16
    assert domain.categorical["race"] == (
        "White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"
    )
    assert "income" not in domain.categorical  # the target is not a feature
    assert set(domain.numeric) | set(domain.categorical) == set(ADULT_COLUMNS) - {"income"}
    assert domain.numeric["age"] == (17.0, 90.0) and domain.numeric["hours-per-week"] == (1.0, 99.0)
    assert not domain.derived_from_data and "codebook" in domain.source


def test_adult_data_lies_within_the_public_domain(adult_train, adult_test):
    domain = PublicDomain.adult()
    for data in (adult_train, adult_test):
        for column, (lower, upper) in domain.numeric.items():
            assert data.frame[column].between(lower, upper).all(), column
        for column, categories in domain.categorical.items():
            seen = set(data.frame[column].dropna())
            assert seen <= set(categories), (column, seen - set(categories))


def test_config_round_trip():
    config = {"numeric": {"salary": [0, 250000]}, "categorical": {"grade": ["A", "B"]},
              "log_scale": ["salary"], "source": "HR handbook"}
    domain = PublicDomain.from_config(config)
    assert domain.to_config() == config
    assert PublicDomain.from_config(domain.to_config()) == domain


@pytest.mark.parametrize("config, error, message", [
    ({"numeric": {"age": [90, 17]}}, ValueError, r"numeric\['age'\]=\[90, 17\] are not valid"),
    ({"numeric": {"age": [0, float("inf")]}}, ValueError, "finite"),
    ({"numeric": {"age": "0-90"}}, TypeError, "clamping bounds"),
    ({"categorical": {"sex": []}}, ValueError, "non-empty list"),
    ({"categorical": {"sex": "FM"}}, TypeError, "non-empty list"),
    ({"numeric": {"x": [0, 1]}, "categorical": {"x": ["a"]}}, ValueError, "both numeric and"),
    ({"log_scale": ["x"]}, ValueError, "has no numeric bounds"),
    ({"numeric": {"x": [-1, 1]}, "log_scale": ["x"]}, ValueError, "lower >= 0"),
    ({"bounds": {}}, ValueError, r"unknown key\(s\) \['bounds'\]"),
    ([("age", 1, 2)], TypeError, "must be a dict"),
])
def test_bad_configs_are_explained(config, error, message):
    with pytest.raises(error, match=message):
        PublicDomain.from_config(config)


def test_from_data_warns(small_train):
    with pytest.warns(PrivacyLeakWarning, match="read from the private data") as caught:
        domain = PublicDomain.from_data(small_train)
    assert caught[0].filename == __file__  # stacklevel points at the caller
    assert domain.derived_from_data
    assert domain.numeric["age"] == (18.0, 80.0)
    assert domain.categorical["job"] == ("a", "b", "c")


def test_resolve(small_train, adult_test, small_domain):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert PublicDomain.resolve(adult_test, None) == PublicDomain.adult()
        assert PublicDomain.resolve(small_train, small_domain) is small_domain
        assert PublicDomain.resolve(small_train, small_domain.to_config()) == small_domain
    with pytest.warns(PrivacyLeakWarning):
        assert PublicDomain.resolve(small_train, None).derived_from_data
    with pytest.raises(TypeError, match="PublicDomain, a config dict or None"):
        PublicDomain.resolve(small_train, [1, 2])


def test_covers_names_the_missing_columns(small_train):
    domain = PublicDomain.from_config({"numeric": {"age": [18, 80]}})
    with pytest.raises(ValueError, match=r"\['sex', 'job', 'income'\].*from_config|add them"):
        domain.covers(small_train)
    wrong = PublicDomain.from_config({"numeric": {"age": [0, 1], "sex": [0, 1], "job": [0, 1],
                                                  "income": [0, 1]}})
    with pytest.raises(ValueError, match="column 'sex' has public numeric bounds"):
        wrong.covers(small_train)


def test_midpoint_and_summary():
    domain = PublicDomain.adult()
    assert domain.midpoint("age") == pytest.approx(53.5)
    assert 0 < domain.midpoint("capital-gain") < 99_999 / 2  # geometric middle of a log scale
    summary = domain.summary()
    assert summary["category_counts"]["sex"] == 2 and summary["derived_from_data"] is False
