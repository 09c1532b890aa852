"""ipywidgets panels for every stage: thin shells over pure, tested functions."""

from ._anonymization import anonymization_panel, class_size_bars, render_anonymization
from ._explain import global_panel, person_panel, render_global, render_person
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
    "anonymization_panel",
    "class_size_bars",
    "global_panel",
    "group_panel",
    "mechanism_panel",
    "person_panel",
    "privacy_utility_panel",
    "release_budget_preview",
    "render_anonymization",
    "render_global",
    "render_groups",
    "render_items",
    "render_person",
    "render_privacy_utility",
    "render_release",
]
