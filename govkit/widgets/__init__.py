"""ipywidgets panels for every stage: thin shells over pure, tested functions.

The panels are public (the notebooks call them), and :class:`Panel`, what they
return. Each panel's pure render function lives beside it in the stage's
private module (``govkit.widgets._explain.render_person``, ...), where its
tests import it from.
"""

from ._accountability import render_tamper, tamper_panel
from ._anonymization import anonymization_panel, class_size_bars, render_anonymization
from ._explain import global_panel, person_panel
from ._fairness import (
    ThresholdData,
    mitigation_panel,
    parse_group_thresholds,
    render_mitigation,
    render_threshold,
    threshold_panel,
)
from ._panel import Panel
from ._privacy import mechanism_panel, privacy_utility_panel
from ._tour import group_panel, render_groups

__all__ = [
    "Panel",
    "ThresholdData",
    "anonymization_panel",
    "class_size_bars",
    "global_panel",
    "group_panel",
    "mechanism_panel",
    "mitigation_panel",
    "parse_group_thresholds",
    "person_panel",
    "privacy_utility_panel",
    "render_anonymization",
    "render_groups",
    "render_mitigation",
    "render_tamper",
    "render_threshold",
    "tamper_panel",
    "threshold_panel",
]
