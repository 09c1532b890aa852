"""Report sections drawn from ledger records: what the load record says about reading the data."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.datasets import from_csv
from govkit.exceptions import CSVFormatWarning
from govkit.report import build_report
from govkit.report._sections import data_section, fairness_section


def _section(report, anchor):
    return next(s for s in report.sections if s.anchor == anchor)


def test_the_data_section_shows_exclude_not_identifiers_and_how_the_file_was_read(ledger, tmp_path):
    path = tmp_path / "loans.csv"
    rows = "".join(f"C{i:03d};{30 + i % 20};{'F' if i % 2 else 'M'};{i % 7},5;{'yes' if i % 3 else 'no'}\n"
                   for i in range(40))
    path.write_bytes(("customer_code;年龄;sex;income;approved\n" + rows).encode("gb18030"))
    with pytest.warns(CSVFormatWarning, match="gb18030"):
        from_csv(path, target="approved", positive_label="yes", protected="sex",
                 exclude=["年龄"], not_identifiers=["customer_code"], sep=";", ledger=ledger)
    section = _section(build_report(ledger), "data")
    roles = next(b.text for b in section.blocks if b.text.startswith("Column roles"))
    assert "excluded from the model ['年龄']" in roles
    assert "(not_identifiers) ['customer_code']" in roles
    read = next(b.table for b in section.blocks
                if b.kind == "table" and "encoding" in b.table.columns)
    assert read.to_dict("records") == [{
        "data": "loans", "encoding": "'gb18030' (detected)", "separator": "';'",
        "decimal mark": "',' (detected)", "thousands separator": "none (detected)",
        "notes": "numbers use a decimal comma (seen in ['income'])",
    }]


def test_a_load_without_read_options_has_no_reading_table():
    record = {"stage": "datasets", "operation": "load", "outputs": {"data": "ab" * 32},
              "parameters": {"name": "adult", "roles": {"target": "income"}}, "metrics": {}}
    section = data_section([record])
    assert [b for b in section.blocks if b.kind == "table" and "encoding" in b.table.columns] == []
    roles = next(b.text for b in section.blocks if b.text.startswith("Column roles"))
    assert "excluded from the model none" in roles


def _record(operation, parameters, metrics):
    return {"stage": "fairness", "operation": operation, "parameters": parameters,
            "metrics": metrics, "outputs": {}, "inputs": {}}


def test_group_tables_of_a_report_and_of_a_model_comparison_share_one_shape():
    cell = {"value": 0.5, "lower": 0.4, "upper": 0.6}
    moved = {**cell, "delta": 0.1, "delta_lower": 0.05, "delta_upper": 0.15}
    groups = {"F": {"count": 10, "tpr": cell, "selection_rate": cell},
              "M": {"count": 12, "tpr": cell, "selection_rate": cell}}
    records = [
        _record("group_report", {"name": "raw", "sensitive_features": ["sex"]},
                {"rows": 22, "groups": groups}),
        _record("compare_models", {"reference": "raw"},
                {"models": {"raw": {"groups": {"F": {"tpr": cell}}},
                            "fair": {"groups": {"F": {"tpr": moved}}}}}),
    ]
    tables = [b.table for b in fairness_section(records).blocks if b.kind == "table"]
    report_table, comparison = tables
    assert report_table.columns.tolist() == ["group", "count", "selection rate", "TPR"]
    assert report_table.iloc[0].tolist() == ["F", 10, "0.500 [0.400, 0.600]", "0.500 [0.400, 0.600]"]
    assert comparison.to_dict("records")[1] == {
        "model": "fair", "group": "F", "TPR": "0.500 [0.400, 0.600]",
        "Δ TPR": "0.100 [0.050, 0.150]"}
    assert pd.isna(comparison.to_dict("records")[0]["Δ TPR"])
