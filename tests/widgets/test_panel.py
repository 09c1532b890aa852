"""The Panel plumbing and the dataset tour's panel, without a browser."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from IPython.display import HTML, Image, Markdown

from govkit.widgets import Panel, group_panel, render_groups
from govkit.widgets._panel import render_items


def _panel(render, **controls):
    controls = controls or {"x": widgets.IntSlider(value=1, min=0, max=5)}
    return Panel(name="test-panel", title="Test", controls=controls, render=render)


def test_renders_on_creation_and_once_per_set():
    calls = []
    panel = _panel(lambda x: calls.append(x) or f"x={x}")
    assert calls == [1]
    panel.set(x=3)
    assert calls == [1, 3] and len(panel.durations) == 2
    panel.controls["x"].value = 4  # a user moving the slider
    assert calls == [1, 3, 4]


def test_dom_contract():
    panel = _panel(lambda x, y: "", x=widgets.IntSlider(), y=widgets.Dropdown(options=["a", "b"]))
    assert {"govkit-panel", "govkit-panel-test-panel"} <= set(panel._dom_classes)
    assert "govkit-primary" in panel.controls["x"]._dom_classes
    assert "govkit-primary" not in panel.controls["y"]._dom_classes
    assert all("govkit-control" in c._dom_classes for c in panel.controls.values())
    assert "govkit-output" in panel.output._dom_classes
    assert panel.controls["x"].continuous_update is False


def test_bad_input_is_shown_not_raised():
    def render(x):
        if x > 2:
            raise ValueError("x must be at most 2")
        return "fine"

    panel = _panel(render)
    panel.set(x=4)
    assert "rejected the input" in panel.status.value


def test_bugs_are_not_hidden():
    panel = _panel(lambda x: "" if x == 1 else {}["missing"])
    with pytest.raises(KeyError):
        panel.set(x=2)


def test_progress_callback():
    seen = []

    def render(x, progress):
        progress(0.5, "halfway")
        seen.append(x)
        return ""

    panel = _panel(render)
    panel.set(x=2)
    assert seen == [1, 2] and panel.progress.layout.visibility == "hidden"


def test_construction_errors():
    with pytest.raises(ValueError, match="must be a lowercase slug"):
        Panel(name="Bad Name", title="", controls={"x": widgets.IntSlider()}, render=lambda x: x)
    with pytest.raises(ValueError, match="controls must be a non-empty dict"):
        Panel(name="ok", title="", controls={}, render=lambda: None)
    with pytest.raises(ValueError, match="primary='z' is not one of the controls"):
        Panel(name="ok", title="", controls={"x": widgets.IntSlider()}, render=lambda x: x, primary="z")
    panel = _panel(lambda x: "")
    with pytest.raises(ValueError, match=r"\['nope'\] are not controls"):
        panel.set(nope=1)


def test_render_items():
    fig = plt.figure()
    items = render_items((fig, "**md**", "<b>html</b>", None, pd.DataFrame({"a": [1]})))
    assert [type(i) for i in items] == [Image, Markdown, HTML, pd.DataFrame]
    assert not plt.fignum_exists(fig.number)  # figures are closed once drawn


@pytest.mark.integration
def test_group_panel_render_is_pure(adult_train):
    before = adult_train.frame.copy(deep=True)
    table_a, fig_a = render_groups(adult_train, ("sex", "race"), "base rate")
    table_b, fig_b = render_groups(adult_train, ("sex", "race"), "base rate")
    pd.testing.assert_frame_equal(table_a.data, table_b.data)
    pd.testing.assert_frame_equal(adult_train.frame, before)
    assert table_a.data["base_rate"].is_monotonic_decreasing
    plt.close(fig_a)
    plt.close(fig_b)
    panel = group_panel(adult_train)
    panel.set(by=("race",))
    assert panel.values == {"by": ("race",), "order": "size"}
    with pytest.raises(ValueError, match="order='height'"):
        render_groups(adult_train, ("sex",), "height")
