"""The explain panels: pure render functions, filters, errors, and the panels themselves."""

from __future__ import annotations

import contextlib
import io

import matplotlib.pyplot as plt
import pytest

from govkit.explain import TabularLime, explain_shap
from govkit.ledger import fingerprint
from govkit.widgets import Panel, global_panel, person_panel
from govkit.widgets._explain import group_options, prediction_options, render_global, render_person


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40)
    plt.close(figure)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def setup(people, people_models):
    model = people_models["gradient_boosting"]
    return explain_shap(model, people, cache=False, name="gradient boosting"), TabularLime(model, people)


def _state(shap_values, lime, data):
    return (fingerprint(shap_values.values), fingerprint(shap_values.features),
            fingerprint(data.frame), lime.background_fingerprint)


def test_render_person_is_a_pure_function_of_its_inputs(setup, people):
    shap_values, lime = setup
    before = _state(shap_values, lime, people)
    arguments = dict(row=5, group=("sex", "Female"), prediction=prediction_options(people)[1],
                     num_samples=500, random_state=3)
    text_one, figure_one = render_person(shap_values, lime, people, **arguments)
    render_person(shap_values, lime, people, row=9, num_samples=500, random_state=8)  # between
    text_two, figure_two = render_person(shap_values, lime, people, **arguments)
    assert text_one == text_two
    assert _png(figure_one) == _png(figure_two)
    assert _state(shap_values, lime, people) == before


def test_the_person_shown_matches_the_filters(setup, people):
    shap_values, lime = setup
    options = prediction_options(people)
    text, _ = render_person(shap_values, lime, people, row=0, group=("sex", "Male"),
                            prediction=options[1], num_samples=300)
    shown = int(text.split("**Row ")[1].split("**")[0].replace(",", ""))
    assert people.frame["sex"].iloc[shown] == "Male"
    assert shap_values.model_output.iloc[shown] >= 0  # predicted positive: log-odds >= 0
    assert "predicts **>50K**" in text
    wrong, _ = render_person(shap_values, lime, people, row=0, prediction=options[3], num_samples=300)
    assert ("predicts **>50K**" in wrong) != ("recorded outcome is **>50K**" in wrong)


def test_the_first_match_at_or_after_the_row_wraps_around(setup, people):
    shap_values, lime = setup
    last = len(people) - 1
    female = (people.frame["sex"] == "Female").to_numpy()
    text, _ = render_person(shap_values, lime, people, row=last, group=("sex", "Female"),
                            num_samples=300)
    expected = last if female[last] else int(female.argmax())
    assert f"**Row {expected:,}**" in text


def test_agreement_and_fidelity_are_reported(setup, people):
    shap_values, lime = setup
    text, figure = render_person(shap_values, lime, people, row=2, num_samples=500, top_k=3)
    assert "of their top 3" in text and "rank correlation" in text and "R² =" in text
    assert len(figure.axes) == 2
    text, _ = render_person(shap_values, lime, people, row=2, num_samples=300, top_k=50)
    assert f"of their top {len(people.feature_names)}**" in text  # capped at the feature count


def test_render_person_old_keywords_warn(setup, people):
    shap_values, lime = setup
    new, _ = render_person(shap_values, lime, people, row=2, num_samples=300, random_state=4,
                           top_k=2)
    with pytest.warns(FutureWarning) as caught:
        old, _ = render_person(shap_values, lime, people, row=2, num_samples=300, seed=4, k=2)
    assert old == new
    messages = [str(w.message) for w in caught]
    assert any("render_person: the keyword seed= is now random_state=" in m for m in messages)
    assert any("render_person: the keyword k= is now top_k=" in m for m in messages)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"row": 400}, "row=400 is out of range: pick a row from 0 to 399"),
        ({"row": -1}, "row=-1 is out of range"),
        ({"row": 0, "group": ("sex", "Other")}, "No row matches these filters"),
        ({"row": 0, "group": ("zip", "1")}, "not a column = value pair"),
        ({"row": 0, "prediction": "maybe"}, "prediction='maybe' is not one of"),
    ],
)
def test_bad_person_input(setup, people, arguments, message):
    shap_values, lime = setup
    with pytest.raises(ValueError, match=message):
        render_person(shap_values, lime, people, num_samples=100, **arguments)


def test_the_explanation_must_cover_every_row(people, people_models, setup):
    _, lime = setup
    partial = explain_shap(people_models["gradient_boosting"], people, rows=range(10), cache=False)
    with pytest.raises(ValueError, match="covers 10 rows but the data has 400"):
        render_person(partial, lime, people, row=0)
    with pytest.raises(ValueError, match="covers 10 rows"):
        person_panel(partial, lime, people)


def test_group_options_list_every_protected_value(people):
    labels = [label for label, _ in group_options(people)]
    assert labels == ["anyone", "sex = Female", "sex = Male"]


def test_person_panel_updates_when_a_control_moves(setup, people):
    shap_values, lime = setup
    with contextlib.redirect_stdout(io.StringIO()):
        panel = person_panel(shap_values, lime, people)
        assert isinstance(panel, Panel) and "govkit-panel-explain-person" in panel._dom_classes
        assert "govkit-primary" in panel.controls["row"]._dom_classes
        assert panel.values["num_samples"] == 5000  # LIME's default
        panel.set(row=3, num_samples=500)
        panel.set(group=("sex", "Female"))
    assert len(panel.durations) == 3
    assert "rejected" not in panel.status.value


def test_render_global_for_each_plot(people, people_models):
    explanations = {
        "boosting": explain_shap(people_models["gradient_boosting"], people, cache=False),
        "logistic": explain_shap(people_models["logistic_regression"], people, cache=False),
    }
    before = fingerprint(explanations["boosting"].values)
    for plot in ("importance", "beeswarm", "dependence"):
        note, figure = render_global(explanations, model="logistic", plot=plot, feature="job")
        assert "**logistic**: LinearExplainer on 400 rows" in note
        plt.close(figure)
    one = _png(render_global(explanations, model="boosting", plot="beeswarm", feature="age")[1])
    two = _png(render_global(explanations, model="boosting", plot="beeswarm", feature="age")[1])
    assert one == two
    assert fingerprint(explanations["boosting"].values) == before
    with pytest.raises(ValueError, match="model='forest' is not one of the explained models"):
        render_global(explanations, model="forest", plot="importance", feature="age")
    with pytest.raises(ValueError, match="plot='pie' is not one of"):
        render_global(explanations, model="boosting", plot="pie", feature="age")
    with contextlib.redirect_stdout(io.StringIO()):
        panel = global_panel(explanations)
        panel.set(model="logistic", plot="dependence", feature="sex")
    assert "govkit-panel-explain-global" in panel._dom_classes
    with pytest.raises(TypeError, match="dict of model name -> ShapExplanation"):
        global_panel({"x": "not an explanation"})
