"""Tampering with a copy of a ledger: each forgery, and which check catches it."""

from __future__ import annotations

import json

import pytest

from govkit.ledger import Ledger, verify
from govkit.report import TAMPER_ACTIONS, build_report, tamper_copy, tamper_table


@pytest.fixture
def original(tmp_path):
    ledger = Ledger(tmp_path / "original" / "ledger.jsonl")
    ledger.append("datasets", "load", metrics={"rows": 100, "positive_rate": 0.25})
    ledger.append("anonymization", "anonymize", parameters={"k": 10},
                  metrics={"k": 10, "information_loss": 0.08})
    ledger.append("privacy", "dp_count", metrics={"budget_spent_epsilon": 0.5})
    ledger.append("report", "intended_use", parameters={"intended_use": "teaching"})
    ledger.append("fairness", "group_report", metrics={"rows": 50})
    return ledger


def test_the_original_is_only_read(original, tmp_path):
    before = original.path.read_bytes()
    for action in TAMPER_ACTIONS:
        tamper_copy(original, tmp_path / action, record=2, action=action)
    assert original.path.read_bytes() == before and original.verify().ok


def test_a_copy_in_the_originals_folder_is_refused(original):
    with pytest.raises(ValueError, match="tamper only with a copy"):
        tamper_copy(original, original.path.parent, record=2)


def test_editing_a_number_is_caught_at_that_record(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=2)
    assert copy.change == ("record 2 (anonymization/anonymize): metrics['information_loss'] "
                           "0.08 -> 0.04")
    assert copy.detected and copy.verification.bad_record == 2
    assert "does not match its own hash" in copy.verification.problem
    edited = json.loads(copy.path.read_text().splitlines()[1])
    assert edited["metrics"]["information_loss"] == 0.04


def test_a_named_number_and_value(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=2, key="k", value=50)
    assert "metrics['k'] 10 -> 50" in copy.change
    from_parameters = tamper_copy(original, tmp_path / "p", record=2, key="k", value=5)
    assert "metrics['k']" in from_parameters.change  # metrics first, then parameters
    with pytest.raises(ValueError, match="no number named 'missing'.*information_loss"):
        tamper_copy(original, tmp_path / "bad", record=2, key="missing")


def test_a_record_without_numbers_is_backdated(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=4)
    assert "timestamp" in copy.change and copy.verification.bad_record == 4


def test_recomputing_the_records_hash_moves_the_break_to_the_next_record(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=2, action="edit_and_rehash")
    assert copy.verification.bad_record == 3
    assert "prev_hash" in copy.verification.problem


def test_rewriting_the_chain_is_caught_only_by_the_kept_head(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=2, action="rewrite_chain")
    assert copy.verification.ok and not copy.detected
    assert not copy.verification_with_head.ok
    assert copy.original_head == original.head_hash
    assert "were removed from the end, or the ledger was replaced" in copy.verification_with_head.problem


def test_deleting_a_middle_record_is_caught_deleting_the_last_is_not(original, tmp_path):
    middle = tamper_copy(original, tmp_path / "middle", record=3, action="delete")
    assert middle.verification.bad_record == 3  # the record that moved up carries index 3
    last = tamper_copy(original, tmp_path / "last", record=5, action="delete")
    assert last.change.endswith("deleted (the last record)")
    assert last.verification.ok and last.verification.n_records == 4
    assert not last.verification_with_head.ok


def test_swapping_is_caught_and_the_last_record_cannot_be_swapped(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=1, action="swap")
    assert copy.verification.bad_record == 1
    with pytest.raises(ValueError, match="from 1 to 4"):
        tamper_copy(original, tmp_path / "bad", record=5, action="swap")


@pytest.mark.parametrize("record", [0, 6, 2.5, True, "2"])
def test_record_numbers_are_checked(original, tmp_path, record):
    with pytest.raises(ValueError, match="from 1 to 5"):
        tamper_copy(original, tmp_path / "copy", record=record)


def test_unknown_action_and_empty_ledger(original, tmp_path):
    with pytest.raises(ValueError, match="'burn' is not one of"):
        tamper_copy(original, tmp_path / "copy", record=1, action="burn")
    empty = tmp_path / "empty" / "ledger.jsonl"
    empty.parent.mkdir()
    empty.write_text("")
    with pytest.raises(ValueError, match="no records"):
        tamper_copy(empty, tmp_path / "copy", record=1)


def test_a_random_record_is_never_the_last_and_is_reproducible(original, tmp_path):
    picks = {tamper_copy(original, tmp_path / f"r{seed}", random_state=seed).record
             for seed in range(20)}
    assert picks <= {1, 2, 3, 4} and len(picks) > 1
    assert (tamper_copy(original, tmp_path / "a", random_state=3).record
            == tamper_copy(original, tmp_path / "b", random_state=3).record)


def test_summary_and_display(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=5, action="delete")
    summary = copy.summary()
    assert summary["verifies"].tolist() == [True, False]
    assert "NOT caught" in copy._repr_html_()
    assert "with the kept head" in str(copy)


def test_tamper_table(original, tmp_path):
    table = tamper_table(original, tmp_path / "cases", record=2)
    assert len(table) == len(TAMPER_ACTIONS) + 2
    assert table["caught with the kept head hash"].all()
    caught = dict(zip(table["what the forger did"], table["caught by the file alone"], strict=True))
    assert caught["record 5 (fairness/group_report) deleted (the last record)"] is False


def test_the_report_of_a_tampered_copy_raises_the_alarm_first(original, tmp_path):
    copy = tamper_copy(original, tmp_path / "copy", record=2)
    report = build_report(copy.path)
    ok, banner = report.banner
    assert not ok and "record 2" in banner
    page = report.html()
    assert 0 <= page.find("DOES NOT VERIFY") < page.find("<h2")
    assert verify(original.path).ok
