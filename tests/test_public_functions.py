"""Every public function refuses an invalid value of each checked parameter, naming it.

Modelled on scikit-learn's ``sklearn/tests/test_public_functions.py``: instead of
a test per function, one test walks every public function of every subpackage
(the names in each ``__all__``), and for each parameter govkit promises to
check (random_state, epsilon, delta, k, top_k, columns, data, ...) calls the
function with valid values for everything it requires and one invalid value
for that parameter. The call must raise ``TypeError`` or ``ValueError`` (or a
subclass) whose message names the parameter or the invalid column — not a
library's traceback, and not silently succeed.

Valid arguments come from ``VALID`` by parameter name (small synthetic credit
data, a fitted model, a fresh ledger). A function that requires an argument
``VALID`` cannot build (a result object from an earlier step, an answer to an
exercise) is not called here; ``test_coverage`` keeps the count of covered
functions from shrinking unnoticed.
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest

SUBPACKAGES = ("datasets", "models", "ledger", "workspace", "anonymization", "privacy", "fairness",
               "explain", "report", "pipeline")

# parameter name -> (invalid value, what the message must contain besides the name)
INVALID = {
    "random_state": "zero",
    "epsilon": -1.0,
    "delta": 1.5,
    "top_k": 0,
    "n_boot": -1,  # 0 is valid: no intervals
    "confidence": 1.5,
    "quasi_identifiers": ["no_such_column"],
    "protected": "no_such_column",
    "data": "not a dataset",
    "train": "not a dataset",
    "test": "not a dataset",
    "model": object(),
    "threshold": 1.5,
    "max_suppression": 2.0,
    "num_samples": 0,
    "max_rows": 0,
    "min_group_size": 0,
}
# what a message may name instead of the parameter (the invalid column itself)
MENTIONS = {"quasi_identifiers": ("no_such_column",), "protected": ("no_such_column",)}
# anonymity's k is checked where it is anonymity's k
INVALID_K = 1


@cache
def _credit():
    from govkit.datasets import Dataset, make_credit

    frame = make_credit(400, random_state=0)
    return Dataset(frame, target="repaid", positive_label="yes", protected=("sex",),
                   quasi_identifiers=("age", "sex", "postcode"),
                   identifiers=("applicant_name", "email"), categorical=("postcode",),
                   name="credit-400")


@cache
def _split():
    data = _credit()
    frame = data.frame
    return data.replace(frame=frame.iloc[:280].reset_index(drop=True)), data.replace(
        frame=frame.iloc[280:].reset_index(drop=True))


@cache
def _model():
    from govkit.models import fit_model

    return fit_model("logistic_regression", _split()[0])


# valid values that depend on the function, not only on the parameter's name
OVERRIDES = {
    ("privacy", "kind"): "dp_sgd_logistic",
    ("fairness", "method"): "none",
}


@cache
def _explanation():
    from govkit.explain import explain_shap

    train, test = _split()
    return explain_shap(_model(), test, background=train, cache=False)


def _csv(tmp_path):
    path = tmp_path / "credit.csv"
    _credit().frame.to_csv(path, index=False)
    return path


def _valid(name: str, tmp_path, package: str = ""):
    import dp_accounting

    from govkit.ledger import Ledger
    from govkit.privacy import PrivacyBudget

    if (package, name) in OVERRIDES:
        return OVERRIDES[(package, name)]

    train, test = _split()
    values = {
        "data": _credit,
        "train": lambda: train,
        "test": lambda: test,
        "model": _model,
        "ledger": lambda: Ledger(tmp_path / "ledger.jsonl"),
        "epsilon": lambda: 1.0,
        "delta": lambda: 1e-6,
        "k": lambda: 5,
        "top_k": lambda: 3,
        "quasi_identifiers": lambda: ["age", "sex"],
        "protected": lambda: "sex",
        "sensitive_features": lambda: test.frame["sex"],
        "y_true": lambda: test.y.to_numpy(),
        "y_pred": lambda: (_model().predict_proba(test.X)[:, 1] >= 0.5).astype(int),
        "y_score": lambda: _model().predict_proba(test.X)[:, 1],
        "kind": lambda: "logistic_regression",
        "column": lambda: "income",
        "columns": lambda: ["age", "income"],
        "frame": lambda: train.frame,
        "random_state": lambda: 0,
        "func": lambda: "caller",
        "by": lambda: "sex",
        "path": lambda: _csv(tmp_path),
        "target": lambda: "repaid",
        "positive_label": lambda: "yes",
        "member_scores": lambda: np.linspace(0.2, 1.0, 60),
        "nonmember_scores": lambda: np.linspace(0.0, 0.8, 60),
        "target_epsilon": lambda: 1.0,
        "sampling_probability": lambda: 0.01,
        "steps": lambda: 100,
        "event": lambda: dp_accounting.GaussianDpEvent(1.0),
        "budget": lambda: PrivacyBudget(epsilon=10.0, delta=1e-5),
        "n_features": lambda: 5,
        "fpr": lambda: np.array([0.01, 0.1]),
        "sensitivity": lambda: 1.0,
        "reference": lambda: test,
        "models": lambda: {"logistic regression": _model()},
        "a": lambda: pd.Series({"age": 0.3, "sex": 0.2, "income": 0.1}),
        "b": lambda: pd.Series({"age": 0.1, "sex": 0.3, "income": 0.2}),
        "explanation": _explanation,
        "feature": lambda: "age",
        "out_dir": lambda: tmp_path / "out",
    }
    return values[name]() if name in values else _MISSING


_MISSING = object()


def _public_callables():
    found = []
    for package in SUBPACKAGES:
        module = importlib.import_module(f"govkit.{package}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found.append((package, name, obj))
    return found


def _checked_parameters(package, function):
    parameters = inspect.signature(function).parameters
    checked = [p for p in parameters if p in INVALID]
    if "k" in parameters and package == "anonymization":
        checked.append("k")
    return checked


def _cases():
    cases = []
    for package, name, function in _public_callables():
        for parameter in _checked_parameters(package, function):
            cases.append(pytest.param(package, name, parameter, id=f"{package}.{name}-{parameter}"))
    return cases


def _call_arguments(function, bad: str, tmp_path, package: str = ""):
    """Valid values for every required parameter (and `bad`'s neighbours), or None if unknown."""
    arguments, keywords = [], {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.name == bad:
            value = INVALID_K if bad == "k" else INVALID[bad]
        elif parameter.default is inspect.Parameter.empty:
            value = _valid(parameter.name, tmp_path, package)
            if value is _MISSING:
                return None
        else:
            continue
        if parameter.kind is parameter.POSITIONAL_ONLY:
            arguments.append(value)
        else:
            keywords[parameter.name] = value
    return arguments, keywords


@pytest.mark.parametrize(("package", "name", "parameter"), _cases())
def test_invalid_value_is_refused_naming_the_parameter(package, name, parameter, tmp_path,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = getattr(importlib.import_module(f"govkit.{package}"), name)
    call = _call_arguments(function, parameter, tmp_path, package)
    if call is None:
        pytest.skip("requires an argument this test cannot build (see test_coverage)")
    arguments, keywords = call
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # this test is about the refusal, not about warnings
        with pytest.raises((TypeError, ValueError)) as refused:
            function(*arguments, **keywords)
    message = str(refused.value)
    names = (parameter, *MENTIONS.get(parameter, ()))
    assert any(n in message for n in names), (
        f"{package}.{name}({parameter}=invalid) raised {type(refused.value).__name__} without "
        f"naming {parameter!r}: {message[:300]}"
    )
    assert "Traceback" not in message


def test_coverage(tmp_path):
    """How many public functions with a checked parameter this test can call, at least."""
    covered, total = set(), set()
    for package, name, function in _public_callables():
        checked = _checked_parameters(package, function)
        if checked:
            total.add(f"{package}.{name}")
            if _call_arguments(function, checked[0], tmp_path, package) is not None:
                covered.add(f"{package}.{name}")
    assert len(total) > 50
    assert len(covered) >= 0.6 * len(total), sorted(total - covered)
