"""A GB18030 (GBK) CSV with Chinese column names and values, end to end through `govkit run`.

A few hundred rows and the quickest settings (logistic regression, DP-SGD):
each run takes a few seconds. pytest's filterwarnings=error makes any warning
(a missing glyph in a figure, a guessed encoding) fail the run.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from govkit.cli import main
from govkit.exceptions import CSVFormatWarning
from govkit.ledger import verify

from .conftest import chinese_loans, quick_settings, write_case

COLUMNS = ["性别", "年龄", "收入", "地区"]


def _records(out):
    return [json.loads(line) for line in (out / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_gbk_csv_with_chinese_names_runs_to_a_report(tmp_path, capsys):
    settings = quick_settings()
    settings["data"]["encoding"] = "gb18030"  # stated, so nothing is guessed
    config = write_case(tmp_path / "data", settings=settings)
    out = tmp_path / "results"
    assert main(["run", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    assert "Report:" in capsys.readouterr().out
    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert column in markdown and column in html, column
    assert "贷款示例" in html  # the run's name, in the title
    assert "Features the raw data model used (4" in markdown
    assert "Noto Sans SC" in html.split("font-family:")[1].split(";")[0]
    assert len(list((out / "report_files").glob("*.png"))) >= 2
    assert verify(out / "ledger.jsonl").ok
    load = next(r for r in _records(out) if r["operation"] == "load")
    assert load["parameters"]["roles"]["target"] == "是否还款"


def test_categories_only_in_the_test_file_and_missing_numbers_never_fail_late(tmp_path):
    frame = chinese_loans(260, random_state=1)
    test = chinese_loans(80, random_state=2)
    test.loc[:4, "地区"] = "成都"  # a region the training file never has
    test["收入"] = test["收入"].astype(float)
    test.loc[5:7, "收入"] = np.nan  # missing numbers in rows that are explained
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "test.csv").write_bytes(test.to_csv(index=False).encode("gb18030"))
    settings = quick_settings()
    settings["data"].update(encoding="gb18030", test_path="test.csv")
    settings["explain"]["rows"] = 80  # every test row, so the special ones are explained
    config = write_case(folder, frame, settings)
    out = tmp_path / "results"
    assert main(["run", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    records = _records(out)
    lime = next(r for r in records if r["operation"] == "lime")
    assert lime["metrics"]["rows_imputed"] == 3
    assert lime["metrics"]["rows_with_unseen_categories"] == 5
    check = next(r for r in records if r["operation"] == "check_data")
    assert check["metrics"]["ok"] and any("地区" in note for note in check["metrics"]["notes"])
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "explained as the model sees it after imputation" in markdown


def test_a_detected_encoding_is_said_and_ends_up_in_the_report(tmp_path):
    config = write_case(tmp_path / "data")  # no data.encoding: detected
    out = tmp_path / "results"
    with pytest.warns(CSVFormatWarning, match="gb18030"):
        assert main(["run", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    warnings = next(r for r in _records(out) if r["operation"] == "warnings")
    assert any(w["category"] == "CSVFormatWarning" for w in warnings["parameters"]["warnings"])
    assert "年龄" in (out / "report.md").read_text(encoding="utf-8")


def test_an_excluded_column_is_no_model_input_and_the_report_names_it(tmp_path):
    settings = quick_settings()
    settings["data"].update(encoding="gb18030", exclude=["地区"])
    config = write_case(tmp_path / "data", settings=settings)
    out = tmp_path / "results"
    assert main(["run", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    (record,) = [r for r in _records(out) if r["operation"] == "model_features"]
    assert record["parameters"]["features"] == ["性别", "年龄", "收入"]
    assert record["parameters"]["excluded"] == ["地区"] and record["parameters"]["not_used"] == []
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "Excluded from the model by the config (data.exclude): 地区." in markdown
