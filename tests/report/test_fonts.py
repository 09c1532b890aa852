"""Chinese column names render in the report's figures (bundled Noto Sans SC as a fallback font)."""

from __future__ import annotations

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from govkit._fonts import CJK_FONT_FAMILY, cjk_font_path, use_cjk_fallback
from govkit.ledger import Ledger
from govkit.report import build_report

CHINESE = {"性别": 0.8, "年龄": 0.5, "收入": 0.3}


@pytest.fixture(autouse=True)
def _default_fonts():
    """Each test starts from matplotlib's default font list, as a fresh process does."""
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):
        yield
    plt.close("all")


def test_the_fallback_font_is_found_after_the_default_one():
    assert cjk_font_path() is not None and cjk_font_path().stat().st_size > 1_000_000
    assert use_cjk_fallback() == CJK_FONT_FAMILY
    assert use_cjk_fallback() == CJK_FONT_FAMILY  # idempotent
    assert matplotlib.rcParams["font.family"] == ["sans-serif", CJK_FONT_FAMILY]
    properties = font_manager.FontProperties(family=matplotlib.rcParams["font.family"])
    paths = font_manager.fontManager._find_fonts_by_props(properties)
    # Latin text keeps the default font; CJK glyphs come from Noto Sans SC
    assert "DejaVuSans" in str(paths[0]) and str(cjk_font_path()) in map(str, paths)


def test_without_the_fallback_matplotlib_warns_of_missing_glyphs():
    """What the report's figures did before (an error under the suite's filterwarnings)."""
    fig, ax = plt.subplots()
    ax.barh(list(CHINESE), list(CHINESE.values()))
    with pytest.warns(UserWarning, match="missing from font"):
        fig.canvas.draw()


def test_a_report_with_chinese_feature_names_draws_them_without_a_warning(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("explain", "shap", parameters={"model": "原始数据", "explainer": "TreeExplainer"},
                  metrics={"mean_abs_shap": CHINESE, "top_features": list(CHINESE)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = build_report(ledger)
        report.write(tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "性别" in html and "'Noto Sans SC'" in html.split("font-family:")[1].split(";")[0]
    assert any((tmp_path / "out" / "report_files").glob("*.png"))
