"""ipywidgets panels for every stage: thin shells over pure, tested functions."""

from ._accountability import render_tamper, tamper_panel
from ._anonymization import anonymization_panel, class_size_bars, render_anonymization
from ._explain import global_panel, person_panel, render_global, render_person
from ._fairness import (
    ThresholdData,
    mitigation_panel,
    parse_group_thresholds,
    render_mitigation,
    render_threshold,
    threshold_panel,
)
from ._panel import Panel, render_items
from ._privacy import (
    mechanism_panel,
    privacy_utility_panel,
    release_budget_preview,
    render_privacy_utility,
    render_release,
)
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
    "release_budget_preview",
    "render_anonymization",
    "render_global",
    "render_groups",
    "render_items",
    "render_mitigation",
    "render_person",
    "render_privacy_utility",
    "render_release",
    "render_tamper",
    "render_threshold",
    "tamper_panel",
    "threshold_panel",
]
