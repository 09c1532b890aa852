"""The tamper panel of notebook 05, without a browser."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from govkit.ledger import Ledger
from govkit.widgets import render_tamper, tamper_panel


@pytest.fixture
def original(tmp_path):
    ledger = Ledger(tmp_path / "original" / "ledger.jsonl")
    for stage, k in (("datasets", 1), ("anonymization", 10), ("privacy", 2), ("fairness", 3),
                     ("explain", 4)):
        ledger.append(stage, "step", metrics={"k": k})
    return ledger


@pytest.mark.parametrize(
    ("record", "action", "kept_head", "words"),
    [
        (2, "edit", False, ["fails at record 2", "Caught by the file alone"]),
        (2, "edit_and_rehash", False, ["fails at record 3", "own hash recomputed"]),
        (2, "rewrite_chain", False, ["NOT caught by the file alone.** Tick"]),
        (2, "rewrite_chain", True, ["head hash you kept elsewhere exposes it",
                                    "were removed from the end, or the ledger was replaced"]),
        (5, "delete", False, ["(the last record)", "verifies** (4 records)"]),
        (5, "delete", True, ["fails at record 4", "exposes it"]),
        (1, "swap", True, ["swapped with record 2", "fails at record 1"]),
    ],
)
def test_render_tamper(original, tmp_path, record, action, kept_head, words):
    text, figure = render_tamper(original, tmp_path / "work", record=record, action=action,
                                 kept_head=kept_head)
    for word in words:
        assert word in text, text
    assert ("with the head hash you kept" in text) is kept_head
    assert "The original ledger is untouched" in text and original.verify().ok
    assert isinstance(figure, plt.Figure)
    plt.close(figure)


def test_the_panel_contract_and_that_the_ledger_is_only_read(original):
    before = original.path.read_bytes()
    panel = tamper_panel(original)
    assert {"govkit-panel", "govkit-panel-ledger-tamper"} <= set(panel._dom_classes)
    assert "govkit-primary" in panel.controls["record"]._dom_classes
    assert panel.values == {"record": 2, "action": "edit", "kept_head": False}
    for record in range(1, 6):
        panel.set(record=record)
    panel.set(record=5, action="delete", kept_head=True)
    panel.set(record=5, action="swap")  # nothing to swap with: shown as a message, not raised
    assert "rejected the input" in panel.status.value
    panel.set(record=4, action="swap")
    assert "updated" in panel.status.value
    assert max(panel.durations) < 2.0
    assert original.path.read_bytes() == before


def test_the_panel_needs_two_records(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load")
    with pytest.raises(ValueError, match="at least 2"):
        tamper_panel(ledger)
