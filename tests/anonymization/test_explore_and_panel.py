"""The live panel: its engine, its pure render function and the Panel itself."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.anonymization import AnonymizationExplorer, anonymize, public_register
from govkit.datasets import add_synthetic_identifiers
from govkit.widgets import Panel, anonymization_panel, class_size_bars, render_anonymization


@pytest.fixture(scope="module")
def people(adult_test):
    return add_synthetic_identifiers(adult_test.replace(frame=adult_test.frame.head(3000)),
                                     random_state=0)


@pytest.fixture(scope="module")
def test_split(adult_test):
    return add_synthetic_identifiers(adult_test.replace(frame=adult_test.frame.tail(1000)),
                                     random_state=1)


@pytest.fixture(scope="module")
def explorer(people, test_split):
    return AnonymizationExplorer(people, test=test_split, register=public_register(people, size=300))


def test_snapshot_matches_anonymize(people, explorer):
    qis = people.quasi_identifiers
    for method in ("mondrian", "global"):
        snap = explorer.snapshot(quasi_identifiers=qis, method=method, k=10)
        _, result = anonymize(people, k=10, method=method)
        assert snap.result.achieved_k == result.achieved_k
        assert snap.result.information_loss == pytest.approx(result.information_loss)
        assert snap.result.suppressed == result.suppressed
        assert snap.raw.k == 1 and snap.raw_linkage.reidentified_share > 0
        assert snap.linkage.correct == 0
        assert 0.5 < snap.utility["auc"] <= 1 and 0.5 < snap.raw_utility["auc"] <= 1
        assert list(snap.sample.columns) == [*qis, "income"]


def test_snapshots_are_memoized(people, explorer):
    a = explorer.snapshot(quasi_identifiers=people.quasi_identifiers, method="mondrian", k=12)
    b = explorer.snapshot(quasi_identifiers=people.quasi_identifiers, method="mondrian", k=12)
    assert a is b


def test_l_and_t_of_one_mean_off(people, explorer):
    a = explorer.snapshot(quasi_identifiers=("age", "sex"), method="mondrian", k=10, l=1, t=1.0)
    assert a.result.l is None and a.result.t is None
    b = explorer.snapshot(quasi_identifiers=("age", "sex"), method="mondrian", k=10, l=2, t=0.3)
    assert b.result.achieved_l >= 2 and b.result.achieved_t <= 0.3 + 1e-9


def test_render_is_pure(people, explorer):
    frame_before = people.frame.copy()
    qis = ("age", "sex", "zip_code")
    first = render_anonymization(explorer, qis, "mondrian", 10, 2, 0.5, 0.01)
    second = render_anonymization(explorer, qis, "mondrian", 10, 2, 0.5, 0.01)
    assert first[0] == second[0]
    pd.testing.assert_frame_equal(first[1], second[1])
    assert qis == ("age", "sex", "zip_code")
    pd.testing.assert_frame_equal(people.frame, frame_before)
    assert "this release" in first[0] and "linkage attack" in first[0]


def test_render_rejects_an_empty_selection_with_a_message(explorer):
    with pytest.raises(ValueError, match="quasi_identifiers is empty"):
        render_anonymization(explorer, (), "mondrian", 10)


def test_class_size_bars_shares_add_up(explorer, people):
    snap = explorer.snapshot(quasi_identifiers=people.quasi_identifiers, method="mondrian", k=10)
    html = class_size_bars(snap.raw, snap.result.assessment, k=10)
    assert html.count("<tr>") == 8 and "1 (unique)" in html and "color:#a00" in html


def test_panel_contract(people, test_split, explorer):
    panel = anonymization_panel(people, test=test_split, explorer=explorer)
    assert isinstance(panel, Panel)
    assert "govkit-panel-anonymization-explorer" in panel._dom_classes
    assert "govkit-primary" in panel.controls["k"]._dom_classes
    panel.set(k=15)
    panel.set(method="global")
    assert panel.values["k"] == 15 and len(panel.durations) == 3
    assert panel.controls["l"].max == 2  # income has two values


def test_panel_needs_a_dataset(people):
    with pytest.raises(TypeError, match="Dataset"):
        anonymization_panel(people.frame)


def test_explorer_needs_matching_test_columns(people, adult_test):
    with pytest.raises(ValueError, match="zip_code"):
        AnonymizationExplorer(people, test=adult_test)
