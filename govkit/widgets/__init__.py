"""ipywidgets panels for every stage: thin shells over pure, tested functions."""

from ._panel import Panel, render_items
from ._tour import group_panel, render_groups

__all__ = ["Panel", "group_panel", "render_groups", "render_items"]
