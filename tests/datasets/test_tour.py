"""The dataset tour's tables, checked against plain pandas on a hand-made frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset, group_summary, missing_summary, plot_group_summary, roles_table


@pytest.fixture
def small():
    frame = pd.DataFrame(
        {
            "sex": ["F", "F", "M", "M", "M", None],
            "race": ["a", "b", "a", "a", "b", "a"],
            "job": ["x", None, "y", "y", None, "x"],
            "y": [1, 0, 1, 1, 0, 0],
        }
    )
    return Dataset(frame, target="y", positive_label=1, protected=["sex", "race"])


def test_group_summary_by_hand(small):
    table = group_summary(small, "sex")
    assert table.loc["M", "count"] == 3 and table.loc["M", "positives"] == 2
    assert table.loc["F", "base_rate"] == 0.5
    assert table.loc["(missing)", "count"] == 1  # missing values form their own group
    assert table["count"].sum() == 6
    assert np.isclose(table["share"].sum(), 1.0)


def test_intersections(small):
    table = group_summary(small, ["sex", "race"])
    assert table.loc["M × a", "count"] == 2 and table.loc["M × a", "base_rate"] == 1.0
    assert table.index.name == "sex × race"


def test_missing_summary_by_hand(small):
    table = missing_summary(small)
    assert table.index.tolist() == ["job", "sex"]
    assert table.loc["job", "missing"] == 2
    assert table.loc["job", "base_rate_when_missing"] == 0.0
    assert table.loc["job", "base_rate_when_present"] == 0.75


def test_roles_table(small):
    table = roles_table(small)
    assert table.loc["y", "roles"] == "target (positive: 1)"
    assert table.loc["sex", "roles"] == "protected, feature"
    assert table.loc["job", "missing"] == 2


def test_errors_name_the_problem(small):
    with pytest.raises(ValueError, match=r"by='gender' names column\(s\) not in the data: \['gender'\]"):
        group_summary(small, "gender")
    with pytest.raises(TypeError, match="data must be a govkit Dataset, got DataFrame"):
        group_summary(small.frame, "sex")
    with pytest.raises(ValueError, match="must be the table group_summary"):
        plot_group_summary(small.frame)


@pytest.mark.integration
def test_adult_groups_match_pandas(adult_train):
    table = group_summary(adult_train, ["sex", "race"])
    expected = adult_train.frame.groupby(["sex", "race"]).size()
    for (sex, race), count in expected.items():
        assert table.loc[f"{sex} × {race}", "count"] == count
    assert table["count"].min() == 109  # Female × Other


def test_chinese_group_labels_are_drawn_without_a_missing_glyph_warning():
    import warnings

    import matplotlib
    import pandas as pd

    frame = pd.DataFrame({"性别": ["男", "女"] * 10, "是否还款": ["是", "否", "否", "是"] * 5})
    data = Dataset(frame, target="是否还款", positive_label="是", protected="性别")
    with matplotlib.rc_context({"font.family": ["sans-serif"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = plot_group_summary(group_summary(data, "性别"))
        figure.canvas.draw()
    assert sorted(t.get_text() for t in figure.axes[0].get_yticklabels()) == ["女", "男"]


def test_plot_group_summary_refuses_what_is_not_a_table():
    with pytest.raises(ValueError, match=r"got list; pass group_summary\(data, by=\.\.\.\)"):
        plot_group_summary([1, 2])
