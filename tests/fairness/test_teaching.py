"""The impossibility identity and the proxy check."""

from __future__ import annotations

import numpy as np
import pytest

from govkit.fairness import evaluate_model, group_report, impossibility_table, proxy_check


def test_identity_holds_for_any_classifier():
    rng = np.random.default_rng(1)
    group = rng.choice(["a", "b"], 3000)
    y = (rng.random(3000) < np.where(group == "a", 0.4, 0.1)).astype(int)
    pred = (rng.random(3000) < np.where(y == 1, 0.65, 0.12)).astype(int)
    table = impossibility_table(group_report(y, pred, sensitive_features=group, n_boot=0))
    np.testing.assert_allclose(table["fpr_from_identity"], table["fpr"], rtol=1e-12)
    forced = table["fpr_if_equal_precision_and_tpr"]
    odds = table["base_rate"] / (1 - table["base_rate"])
    np.testing.assert_allclose(forced["a"] / forced["b"], odds["a"] / odds["b"], rtol=1e-12)
    with pytest.raises(TypeError, match=r"report must be a GroupReport"):
        impossibility_table(table)


@pytest.mark.integration
def test_adult_equal_precision_and_tpr_would_force_unequal_fpr(adult_model, adult_test):
    report = evaluate_model(adult_model, adult_test, protected="sex", n_boot=0)
    forced = impossibility_table(report)["fpr_if_equal_precision_and_tpr"]
    assert forced["Male"] > 3 * forced["Female"]  # base rates 30.6% vs 10.9%


def test_proxy_check_finds_the_proxy(small_train, small_test):
    check = proxy_check(small_train, small_test, protected="sex")
    assert check.features.index[0] == "relationship"
    assert check.auc > 0.85
    assert "sex" not in check.features.index
    with pytest.raises(ValueError, match=r"proxy_check: protected='gender' is not a feature"):
        proxy_check(small_train, small_test, protected="gender")


def test_proxy_check_multi_valued_attribute(small_train, small_test):
    check = proxy_check(small_train, small_test, protected="race")
    assert 0.3 < check.auc < 0.7  # race is independent of everything in this population


def test_proxy_check_is_cached(small_train, small_test, monkeypatch):
    from sklearn.linear_model import LogisticRegression

    fits = []
    real_fit = LogisticRegression.fit
    monkeypatch.setattr(LogisticRegression, "fit",
                        lambda self, *a, **k: fits.append(1) or real_fit(self, *a, **k))
    first = proxy_check(small_train, small_test, protected="sex", random_state=5)
    second = proxy_check(small_train, small_test, protected="sex", random_state=5)
    assert len(fits) == 1  # the second call reads the workspace cache
    assert first.auc == second.auc and first.features.equals(second.features)
