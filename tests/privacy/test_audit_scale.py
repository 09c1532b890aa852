"""The membership-inference audit on large data: a recorded sample, one reference model at a time."""

from __future__ import annotations

import gc
import weakref

import pandas as pd
import pytest

import govkit.privacy._audit as audit_module
from govkit.privacy import membership_inference_audit


def audit(train, test, **kwargs):
    return membership_inference_audit(train, test, models=["logistic_regression"],
                                      n_reference=2, n_jobs=1, **kwargs)


def test_above_max_rows_the_audit_samples_and_says_so(small_train, small_test, ledger):
    result = audit(small_train, small_test, max_rows=1000, ledger=ledger)
    assert result.settings["members"] + result.settings["non_members"] == 1000
    sample = result.settings["sample"]
    assert sample["max_rows"] == 1000
    assert (sample["train_rows"], sample["sampled_train_rows"]) == (1200, 1000)
    assert "sampled_reference_rows" not in sample  # 600 rows: used whole
    assert result.settings["reference_population"] == 600
    assert ledger.records()[-1]["parameters"]["sample"] == sample


def test_at_or_below_max_rows_every_row_is_used(small_train, small_test):
    default = audit(small_train, small_test, random_state=3)
    uncapped = audit(small_train, small_test, random_state=3, max_rows=None)
    assert "sample" not in default.settings
    assert default.settings["members"] + default.settings["non_members"] == 1200
    pd.testing.assert_frame_equal(default.table, uncapped.table)


def test_the_sample_is_seeded(small_train, small_test, monkeypatch):
    monkeypatch.setenv("GOVKIT_NO_CACHE", "1")
    first = audit(small_train, small_test, max_rows=1000)
    second = audit(small_train, small_test, max_rows=1000)
    pd.testing.assert_frame_equal(first.table, second.table)


def test_reference_models_are_fitted_and_dropped_one_at_a_time(small_train, small_test,
                                                              monkeypatch):
    monkeypatch.setenv("GOVKIT_NO_CACHE", "1")
    fit = audit_module._fit_audit_model
    alive, most = [], []

    def tracking_fit(*args, **kwargs):
        gc.collect()
        most.append(sum(ref() is not None for ref in alive))
        model = fit(*args, **kwargs)
        alive.append(weakref.ref(model))
        return model

    monkeypatch.setattr(audit_module, "_fit_audit_model", tracking_fit)
    membership_inference_audit(small_train, small_test, models=["logistic_regression"],
                               n_reference=3, n_jobs=1)
    assert len(most) == 4  # the target and three reference models
    assert max(most) == 0  # each fitted model was dropped before the next was fitted


@pytest.mark.parametrize("value, error", [(500, ValueError), (1e5, TypeError), (True, TypeError)])
def test_bad_max_rows(small_train, small_test, value, error):
    with pytest.raises(error, match="max_rows"):
        membership_inference_audit(small_train, small_test, max_rows=value)
