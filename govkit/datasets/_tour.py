"""The dataset tour: column roles, group sizes, base rates and missing values.

Pure functions returning DataFrames or matplotlib Figures; notebook 00 and its
widgets are thin shells around them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from govkit._fonts import use_cjk_fallback

from ._dataset import Dataset
from ._validation import check_dataset

__all__ = ["group_summary", "missing_summary", "plot_group_summary", "roles_table"]

_MISSING_LABEL = "(missing)"
_NOT_A_SUMMARY = (
    "plot_group_summary: summary must be the table group_summary() returns (columns 'count' "
    "and 'base_rate'), got {columns}; pass group_summary(data, by=...)."
)
_BAD_BY = (
    "group_summary: by={by!r} names column(s) not in the data: {missing}; pass one or more "
    "of {available}."
)


def roles_table(data: Dataset) -> pd.DataFrame:
    """One row per column: its roles, kind, dtype, distinct values and missing values.

    Examples
    --------
    >>> from govkit.datasets import load_adult, roles_table
    >>> roles_table(load_adult()).loc["sex", "roles"]
    'protected, quasi-identifier, feature'
    """
    check_dataset(data, func="roles_table")
    rows = []
    for column in data.frame.columns:
        roles = []
        if column == data.target:
            roles.append(f"target (positive: {data.positive_label})")
        if column in data.protected:
            roles.append("protected")
        if column in data.quasi_identifiers:
            roles.append("quasi-identifier")
        if column in data.identifiers:
            roles.append("direct identifier")
        if column in data.feature_names:
            roles.append("feature")
        values = data.frame[column]
        missing = int(values.isna().sum())
        rows.append(
            {
                "column": column,
                "roles": ", ".join(roles),
                "kind": "numeric" if column in data.numeric else "categorical",
                "dtype": str(values.dtype),
                "distinct": int(values.nunique(dropna=True)),
                "missing": missing,
                "missing_share": missing / len(values),
            }
        )
    return pd.DataFrame(rows).set_index("column")


def group_summary(data: Dataset, by: str | Sequence[str]) -> pd.DataFrame:
    """Size, share and base rate of each group (or intersection of groups).

    Parameters
    ----------
    data : Dataset
    by : str or list of str
        One column, or several for intersections (e.g. ``["sex", "race"]``).
        Missing values form their own group, labelled ``(missing)``.

    Returns
    -------
    pandas.DataFrame
        Indexed by group; columns ``count``, ``share`` (of all rows),
        ``positives`` and ``base_rate`` (share of the group with the positive
        label), largest group first.

    Examples
    --------
    >>> from govkit.datasets import group_summary, load_adult
    >>> summary = group_summary(load_adult(), "sex")
    >>> summary["count"].to_dict()
    {'Male': 21790, 'Female': 10771}
    """
    check_dataset(data, func="group_summary")
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in data.frame.columns]
    if missing or not columns:
        raise ValueError(
            _BAD_BY.format(by=by, missing=missing or "none given", available=list(data.frame.columns))
        )
    groups = data.frame[columns].astype(object).where(data.frame[columns].notna(), _MISSING_LABEL)
    groups = groups.astype(str)
    outcome = data.y
    table = (
        pd.DataFrame({**{c: groups[c] for c in columns}, "_y": outcome})
        .groupby(columns, sort=False)["_y"]
        .agg(count="size", positives="sum")
    )
    table["share"] = table["count"] / len(outcome)
    table["base_rate"] = table["positives"] / table["count"]
    table = table[["count", "share", "positives", "base_rate"]].sort_values(
        "count", ascending=False, kind="stable"
    )
    if len(columns) > 1:
        table.index = [" × ".join(map(str, key)) for key in table.index]
        table.index.name = " × ".join(columns)
    return table


def missing_summary(data: Dataset) -> pd.DataFrame:
    """Columns with missing values: how many, what share, and the base rate with and without.

    A base rate that differs between rows with and without a value warns that
    the missingness is informative (not missing completely at random).

    Examples
    --------
    >>> from govkit.datasets import load_adult, missing_summary
    >>> missing_summary(load_adult()).index.tolist()
    ['occupation', 'workclass', 'native-country']
    """
    check_dataset(data, func="missing_summary")
    outcome = data.y
    rows = []
    for column in data.frame.columns:
        is_missing = data.frame[column].isna()
        count = int(is_missing.sum())
        if count == 0:
            continue
        rows.append(
            {
                "column": column,
                "missing": count,
                "missing_share": count / len(is_missing),
                "base_rate_when_missing": float(outcome[is_missing].mean()),
                "base_rate_when_present": float(outcome[~is_missing].mean()),
            }
        )
    columns = ["missing", "missing_share", "base_rate_when_missing", "base_rate_when_present"]
    if not rows:
        return pd.DataFrame(columns=columns).rename_axis("column")
    return pd.DataFrame(rows).set_index("column")[columns].sort_values("missing", ascending=False)


def plot_group_summary(summary: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Bar charts of group size and base rate from :func:`group_summary`'s table.

    Examples
    --------
    >>> from govkit.datasets import group_summary, load_adult, plot_group_summary
    >>> fig = plot_group_summary(group_summary(load_adult(), "race"))
    >>> len(fig.axes)
    2
    """
    required = {"count", "base_rate"}
    if not isinstance(summary, pd.DataFrame) or not required.issubset(summary.columns):
        raise ValueError(_NOT_A_SUMMARY.format(
            columns=list(summary.columns) if isinstance(summary, pd.DataFrame)
            else type(summary).__name__))
    labels = [str(i) for i in summary.index]
    use_cjk_fallback()  # group labels are the data's own values (男, 女, 北京)
    overall = (summary["positives"].sum() / summary["count"].sum()) if "positives" in summary else None
    height = max(2.5, 0.35 * len(labels) + 1.2)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, height), sharey=True)
    left.barh(labels, summary["count"], color="#4C72B0")
    left.set_xlabel("rows")
    left.set_title("group size")
    left.invert_yaxis()
    right.barh(labels, summary["base_rate"], color="#DD8452")
    right.set_xlim(0, 1)
    right.set_xlabel("share with the positive outcome")
    right.set_title("base rate")
    if overall is not None:
        right.axvline(overall, color="black", linestyle="--", linewidth=1,
                      label=f"all rows: {overall:.1%}")
        right.legend(loc="lower right", fontsize=8, frameon=False)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title or f"Groups by {summary.index.name}")
    fig.tight_layout()
    return fig
