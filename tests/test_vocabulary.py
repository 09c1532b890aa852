"""One vocabulary across the public API (CONTRIBUTING.md, "One vocabulary").

``sensitive_features`` are row-aligned group values (as in fairlearn);
``protected`` names protected columns; ``random_state`` is the only seed;
``k`` is anonymity's k, top-k features are ``top_k``; the l-diversity /
t-closeness column is ``sensitive_column``. Old names survive one release as
aliases that warn (``govkit._validation.renamed_keywords``), never in a
signature.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

SUBPACKAGES = ("datasets", "models", "ledger", "workspace", "anonymization", "privacy", "fairness",
               "explain", "report", "pipeline", "widgets", "check")
BANNED = {
    "seed": "random_state",
    "attribute": "protected",
    "sensitive": "sensitive_column (l-diversity) or protected (fairness)",
    "protected_attribute": "protected",
}

# the anonymization panel's pure functions, whose k is anonymity's k
ANONYMITY_K = {"widgets.class_size_bars", "widgets.render_anonymization"}


def _signatures():
    for package in SUBPACKAGES:
        module = importlib.import_module(f"govkit.{package}")
        for name in module.__all__:
            obj = getattr(module, name)
            targets = [(name, obj)]
            if inspect.isclass(obj):
                targets = [(f"{name}.{attr}", member) for attr, member in vars(obj).items()
                           if inspect.isfunction(member) and (not attr.startswith("_") or attr == "__init__")]
            for label, target in targets:
                if callable(target):
                    try:
                        signature = inspect.signature(target)
                    except (TypeError, ValueError):
                        continue
                    yield package, label, signature


SIGNATURES = list(_signatures())


def test_the_scan_sees_the_api():
    assert len(SIGNATURES) > 200


@pytest.mark.parametrize(("package", "name", "signature"), SIGNATURES,
                         ids=[f"{p}.{n}" for p, n, _ in SIGNATURES])
def test_public_signatures_use_the_one_vocabulary(package, name, signature):
    for parameter in signature.parameters.values():
        assert parameter.name not in BANNED, (
            f"govkit.{package}.{name}: parameter {parameter.name!r}; write "
            f"{BANNED[parameter.name]} (keep the old name only through renamed_keywords)"
        )
        if parameter.name == "k":
            assert package in ("anonymization", "pipeline") or f"{package}.{name}" in ANONYMITY_K, (
                f"govkit.{package}.{name}: k is anonymity's k; top-k features are top_k")
        # the exercise checkers (govkit.check) are written for the workbook's Adult exercises
        if parameter.name in ("protected", "sensitive_features") and package != "check":
            assert not isinstance(parameter.default, str), (
                f"govkit.{package}.{name}: {parameter.name} defaults to the column "
                f"{parameter.default!r}; govkit has no dataset-specific defaults (use None: "
                "the Dataset's own protected columns)")
