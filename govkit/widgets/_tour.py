"""Panels of notebook 00: the dataset tour."""

from __future__ import annotations

import ipywidgets as widgets

from govkit._validation import check_choice
from govkit.datasets import Dataset, group_summary, plot_group_summary

from ._panel import Panel

__all__ = ["group_panel", "render_groups"]

#: How render_groups can sort the groups.
ORDERS = ("size", "base rate")


def _group_options(data: Dataset) -> list[tuple[str, tuple[str, ...]]]:
    options = [(column, (column,)) for column in data.protected]
    if len(data.protected) >= 2:
        options.append((" × ".join(data.protected[:2]), tuple(data.protected[:2])))
    options += [(column, (column,)) for column in data.categorical if column not in data.protected]
    return options


def render_groups(data: Dataset, by: tuple[str, ...], order: str = "size"):
    """Table and bar charts of group sizes and base rates (the group panel's output).

    Parameters
    ----------
    data : Dataset
    by : tuple of str
        Column(s) to group by; two columns give intersections.
    order : {"size", "base rate"}
        Sort the groups by size or by base rate.

    Returns
    -------
    tuple
        A formatted table (pandas Styler) and a matplotlib Figure.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.widgets import render_groups
    >>> table, figure = render_groups(load_adult(), ("sex",))
    >>> table.data.index.tolist()
    ['Male', 'Female']
    """
    check_choice(order, ORDERS, param="order", func="render_groups")
    summary = group_summary(data, list(by))
    if order == "base rate":
        summary = summary.sort_values("base_rate", ascending=False, kind="stable")
    table = summary.style.format(
        {"count": "{:,}", "share": "{:.1%}", "positives": "{:,}", "base_rate": "{:.1%}"}
    )
    label = f"{data.target} {data.positive_label}"
    figure = plot_group_summary(summary, title=f"{' × '.join(by)}: group size and share with {label}")
    return table, figure


def group_panel(data: Dataset) -> Panel:
    """Pick a protected attribute (or any categorical column) and see group sizes and base rates.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.widgets import group_panel
    >>> panel = group_panel(load_adult())
    >>> panel.set(by=("race",))
    >>> panel.values["by"]
    ('race',)
    """
    by = widgets.Dropdown(options=_group_options(data), description="group by")
    order = widgets.ToggleButtons(options=list(ORDERS), description="sort by")
    return Panel(
        name="dataset-groups",
        title="Who is in the data, and how often do they have the positive outcome?",
        description=(
            "Small groups make every later number (error rates, privacy noise, explanations) "
            "less certain; different base rates are where fairness questions start."
        ),
        controls={"by": by, "order": order},
        render=lambda by, order: render_groups(data, by, order),
    )
