"""The report framed in a notebook (report_preview), and the report of a damaged ledger."""

from __future__ import annotations

import pytest

from govkit.ledger import Ledger
from govkit.report import build_report, report_preview


@pytest.mark.parametrize("ok", [True, False])
def test_report_preview_frames_the_whole_page(ledger, ok):
    ledger.append("datasets", "load", metrics={"rows": 3})
    ledger.append("datasets", "load", metrics={"rows": 4})
    if not ok:
        lines = ledger.path.read_text().splitlines()
        lines[0] = lines[0].replace('"rows":3', '"rows":30')
        ledger.path.write_text("\n".join(lines) + "\n")
    report = build_report(ledger)
    preview = report_preview(report, height=300).data
    assert preview.startswith("<div class='govkit-report-preview'><iframe")
    assert "height:300px" in preview
    assert "<style>" not in preview  # escaped inside srcdoc: it cannot restyle the notebook
    assert ("DOES NOT VERIFY" in preview) is (not ok)


def test_a_report_displayed_in_a_notebook_keeps_its_style_sheet_to_itself(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load")
    shown = build_report(ledger)._repr_html_()
    assert shown.startswith("<div class='govkit-report-preview'><iframe")
    assert "<style" not in shown  # the page's CSS is escaped inside srcdoc, never live in the notebook


def test_lines_that_are_not_records_are_left_out_and_listed_in_the_verification_section(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load", metrics={"rows": 3})
    ledger.append("privacy", "dp_count", parameters={"query": "count"})
    lines = ledger.path.read_text(encoding="utf-8").splitlines()
    damaged = lines[1].replace('"actor"', '"who"')  # a field renamed: not a ledger record
    ledger.path.write_text("\n".join([lines[0], damaged, "not json"]) + "\n", encoding="utf-8")
    report = build_report(ledger)
    assert not report.verification.ok
    section = next(s for s in report.sections if s.anchor == "verification")
    alerts = [b.text for b in section.blocks if b.kind == "alert"]
    assert alerts == ["2 line(s) of the ledger are not well-formed records and are left out of "
                      "this report: nothing above is drawn from them."]
    left_out = next(b.table for b in section.blocks
                    if b.kind == "table" and list(b.table.columns) == ["record", "problem"])
    assert left_out["record"].tolist() == [2, 3]
    assert "does not have the ledger's fields" in left_out["problem"].iloc[0]
    assert "not valid JSON" in left_out["problem"].iloc[1]
    timeline = section.blocks[-1].table
    assert timeline["#"].tolist() == [1]  # only the well-formed record is drawn on
    assert "left out of this report" in report.html()


def test_an_intact_ledger_lists_no_left_out_lines(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load")
    section = next(s for s in build_report(ledger).sections if s.anchor == "verification")
    assert not [b for b in section.blocks if b.kind == "alert"]
