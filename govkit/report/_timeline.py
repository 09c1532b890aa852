"""What a reviewer looks at before reading the report: the timeline of steps and the budget spent.

Both are read from the ledger's records alone, like the report. A ledger can
be given as a :class:`~govkit.ledger.Ledger`, the path of its file, or a list
of records already read. Lines that are not well-formed records (a damaged or
tampered file) are skipped here (``read_records(path, strict=False)``); :func:`govkit.ledger.verify` is what says whether the
records can be trusted.

Privacy budgets are told apart by name *and* by their running totals: running
notebook 02 twice creates two budgets both named ``adult-train``, each
starting from zero, and adding them together would misstate both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govkit._fonts import use_cjk_fallback
from govkit.ledger import STAGES, Ledger, read_records

__all__ = [
    "STAGE_COLOURS",
    "budget_over_time",
    "plot_budget_over_time",
    "plot_timeline",
    "stage_summary",
    "timeline_frame",
]

#: Stage -> colour used in every accountability figure.
STAGE_COLOURS = dict(zip(STAGES, plt.get_cmap("tab10").colors, strict=False))

_NOT_RECORDS = (
    "{where}: ledger must be a govkit Ledger, the path of a ledger file or a list of record "
    "dicts, got {kind}; pass e.g. govkit.ledger.workbook_ledger()."
)
_NO_FILE = "{where}: there is no ledger file at {path}; run a notebook or the pipeline first."
_BAD_X = "plot_timeline: x={x!r} must be 'time' (when each step ran) or 'record' (ledger order)."
_NO_CHARGES = (
    "The ledger holds no differentially private release or training yet (no privacy record "
    "with budget_spent_epsilon): run notebook 02 or the pipeline first."
)


def _records(ledger: Any, where: str) -> list[dict[str, Any]]:
    """The records of ``ledger`` (Ledger, path or list), oldest first; unparsable lines skipped."""
    if isinstance(ledger, Ledger):
        ledger = ledger.path
    if isinstance(ledger, (str, os.PathLike)):
        path = Path(ledger)
        if not path.is_file():
            raise FileNotFoundError(_NO_FILE.format(where=where, path=path))
        return read_records(path, strict=False)[0]
    if isinstance(ledger, Sequence) and not isinstance(ledger, (str, bytes)) and all(
        isinstance(record, Mapping) for record in ledger
    ):
        return [dict(record) for record in ledger]
    raise TypeError(_NOT_RECORDS.format(where=where, kind=type(ledger).__name__))


def timeline_frame(ledger: Ledger | str | os.PathLike | Sequence[Mapping]) -> pd.DataFrame:
    """One row per ledger record: its number, time, stage, operation, actor and hashes.

    Parameters
    ----------
    ledger : Ledger, path-like or list of dict
        The ledger to read.

    Returns
    -------
    DataFrame
        Columns ``record`` (1-based, as :func:`~govkit.ledger.verify` counts),
        ``timestamp`` (UTC), ``stage``, ``operation``, ``actor``,
        ``prev_hash`` and ``hash``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import timeline_frame
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = ledger.append("datasets", "load")
    >>> _ = ledger.append("anonymization", "anonymize", metrics={"k": 10})
    >>> frame = timeline_frame(ledger)
    >>> frame[["record", "stage", "operation"]].to_dict("records")[1]
    {'record': 2, 'stage': 'anonymization', 'operation': 'anonymize'}
    >>> frame["prev_hash"].iloc[1] == frame["hash"].iloc[0]   # the chain
    True
    """
    records = _records(ledger, "timeline_frame")
    columns = ["record", "timestamp", "stage", "operation", "actor", "prev_hash", "hash"]
    rows = [{
        "record": position + 1,
        "timestamp": record.get("timestamp"),
        "stage": record.get("stage"),
        "operation": record.get("operation"),
        "actor": record.get("actor"),
        "prev_hash": record.get("prev_hash"),
        "hash": record.get("hash"),
    } for position, record in enumerate(records)]
    frame = pd.DataFrame(rows, columns=columns)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601",
                                        errors="coerce")
    return frame


def stage_summary(ledger: Ledger | str | os.PathLike | Sequence[Mapping]) -> pd.DataFrame:
    """Per stage: how many records, when first and last, and which operations (with counts).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import stage_summary
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> for operation in ("load", "load", "split"):
    ...     _ = ledger.append("datasets", operation)
    >>> summary = stage_summary(ledger)
    >>> int(summary.loc["datasets", "records"]), summary.loc["datasets", "operations"]
    (3, 'load ×2, split')
    """
    frame = timeline_frame(ledger)
    rows = []
    order = [s for s in STAGES if s in set(frame["stage"])]
    order += sorted(set(frame["stage"].dropna()) - set(order))
    for stage in order:
        part = frame[frame["stage"] == stage]
        counts = part["operation"].value_counts(sort=False)
        rows.append({
            "stage": stage,
            "records": len(part),
            "first": part["timestamp"].min(),
            "last": part["timestamp"].max(),
            "operations": ", ".join(f"{op} ×{n}" if n > 1 else str(op) for op, n in counts.items()),
        })
    return pd.DataFrame(rows, columns=["stage", "records", "first", "last", "operations"]).set_index("stage")


def plot_timeline(
    ledger: Ledger | str | os.PathLike | Sequence[Mapping],
    *,
    x: str = "time",
    highlight: int | None = None,
    broken_from: int | None = None,
    title: str | None = None,
) -> plt.Figure:
    """Every governance step as a dot on its stage's row, over time or in ledger order.

    Parameters
    ----------
    ledger : Ledger, path-like or list of dict
    x : {"time", "record"}
        Place the steps at the time they ran, or at their position in the ledger.
    highlight : int, optional
        A record number (1-based) to circle in red, e.g. the one that was changed.
    broken_from : int, optional
        The first record that fails verification: it and every later record are
        drawn hollow (they can no longer be trusted).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import plot_timeline
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> for stage in ("datasets", "anonymization", "privacy"):
    ...     _ = ledger.append(stage, "step")
    >>> figure = plot_timeline(ledger, x="record", highlight=2)
    >>> [t.get_text() for t in figure.axes[0].get_yticklabels()]
    ['datasets', 'anonymization', 'privacy']
    """
    if x not in ("time", "record"):
        raise ValueError(_BAD_X.format(x=x))
    frame = timeline_frame(ledger)
    stages = [s for s in STAGES if s in set(frame["stage"])]
    stages += sorted(set(frame["stage"].dropna()) - set(stages))
    row = {stage: i for i, stage in enumerate(stages)}
    width = 9.5
    use_cjk_fallback()  # the title may name the run in the analyst's language
    fig, ax = plt.subplots(figsize=(width, 0.45 * max(len(stages), 2) + 1.6))
    if frame.empty:
        ax.text(0.5, 0.5, "the ledger is empty", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    positions = frame["timestamp"] if x == "time" else frame["record"]
    if x == "time" and positions.isna().all():
        positions = frame["record"]
        x = "record"
    xs = positions.dt.tz_convert(None) if x == "time" else positions
    ys = frame["stage"].map(row)
    trusted = np.ones(len(frame), dtype=bool) if broken_from is None else (
        frame["record"].to_numpy() < broken_from)
    for stage in stages:
        mask = (frame["stage"] == stage).to_numpy()
        colour = STAGE_COLOURS.get(stage, "#555555")
        ax.scatter(xs[mask & trusted], ys[mask & trusted], s=36, color=colour, zorder=3,
                   label=stage)
        if (mask & ~trusted).any():
            ax.scatter(xs[mask & ~trusted], ys[mask & ~trusted], s=36, facecolors="none",
                       edgecolors=colour, zorder=3)
    if x == "record":
        ax.plot(xs, ys, color="#bbbbbb", linewidth=0.8, zorder=1)  # the chain, in order
    if highlight is not None and 1 <= highlight <= len(frame):
        i = highlight - 1
        ax.scatter([xs.iloc[i]], [ys.iloc[i]], s=220, facecolors="none", edgecolors="#cf222e",
                   linewidths=2.2, zorder=4, label=f"record {highlight}")
    if broken_from is not None:
        ax.axvline(xs.iloc[min(broken_from, len(frame)) - 1], color="#cf222e", linestyle="--",
                   linewidth=1)
        ax.text(0.99, 1.02, f"hollow: from record {broken_from} on, not trustworthy",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#cf222e")
    ax.set_yticks(range(len(stages)), stages)
    ax.set_ylim(-0.6, len(stages) - 0.4)
    ax.invert_yaxis()
    if x == "time":
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("time (UTC)")
    else:
        ax.set_xlabel("record number (ledger order)")
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title or f"{len(frame)} governance steps in the ledger", fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def _charges(records: Iterable[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    return [(position + 1, r) for position, r in enumerate(records)
            if r.get("stage") == "privacy"
            and isinstance(r.get("metrics"), Mapping)
            and r["metrics"].get("budget_spent_epsilon") is not None]


def budget_over_time(ledger: Ledger | str | os.PathLike | Sequence[Mapping]) -> pd.DataFrame:
    """Every charge to a privacy budget, in order, with the budget's running totals.

    A budget is a name plus a run: a charge whose plain running sum of ε does
    not exceed the previous one's starts a new budget of the same name (a
    notebook run again creates a fresh budget).

    Parameters
    ----------
    ledger : Ledger, path-like or list of dict

    Returns
    -------
    DataFrame
        One row per charge: ``record`` (1-based), ``timestamp``, ``budget``
        (name, with "run n" when the name recurs), ``charge`` (1, 2, ... within
        the budget), ``operation``, ``what``, ``epsilon`` and ``delta`` of the
        charge, ``spent`` (the budget's ε composed by the accountant after the
        charge), ``naive_sum`` (the plain sum of the charges' ε so far),
        ``budget_epsilon``, ``budget_delta`` and ``accountant``.

    Examples
    --------
    >>> from govkit.report import budget_over_time
    >>> def charge(eps, spent, naive):
    ...     return {"stage": "privacy", "operation": "dp_count", "timestamp": None,
    ...             "parameters": {"budget_name": "b", "budget_epsilon": 3.0, "epsilon": eps},
    ...             "metrics": {"budget_spent_epsilon": spent, "budget_naive_sum_epsilon": naive}}
    >>> frame = budget_over_time([charge(1, 1, 1), charge(1, 1.8, 2), charge(1, 1, 1)])
    >>> frame[["budget", "charge", "spent", "naive_sum"]].values.tolist()
    [['b (run 1)', 1, 1.0, 1.0], ['b (run 1)', 2, 1.8, 2.0], ['b (run 2)', 1, 1.0, 1.0]]
    """
    charges = _charges(_records(ledger, "budget_over_time"))
    runs: dict[str, list[float]] = {}  # name -> naive sum of its current run
    numbers: dict[str, int] = {}
    rows = []
    for number, record in charges:
        p, m = record.get("parameters") or {}, record["metrics"]
        name = str(p.get("budget_name") or "budget")
        naive = m.get("budget_naive_sum_epsilon")
        epsilon = m.get("epsilon_spent", p.get("epsilon"))
        previous = runs.get(name)
        fresh = previous is None or (naive is not None and previous[0] is not None
                                     and naive <= previous[0] + 1e-12)
        if fresh:
            numbers[name] = numbers.get(name, 0) + 1
            runs[name] = [naive, 0]
        runs[name][0] = naive
        runs[name][1] += 1
        what = (p.get("kind") or record.get("operation")) if record.get(
            "operation") == "train_private_model" else (
            f"{p.get('query', record.get('operation'))}({p.get('column') or 'rows'})")
        rows.append({
            "record": number,
            "timestamp": record.get("timestamp"),
            "budget": name,
            "run": numbers[name],
            "charge": runs[name][1],
            "operation": record.get("operation"),
            "what": what,
            "epsilon": epsilon,
            "delta": m.get("delta_spent", p.get("delta")),
            "spent": m.get("budget_spent_epsilon"),
            "naive_sum": naive,
            "budget_epsilon": p.get("budget_epsilon"),
            "budget_delta": p.get("budget_delta"),
            "accountant": p.get("accountant"),
        })
    columns = ["record", "timestamp", "budget", "charge", "operation", "what", "epsilon", "delta",
               "spent", "naive_sum", "budget_epsilon", "budget_delta", "accountant"]
    frame = pd.DataFrame(rows, columns=[*columns, "run"])
    if not frame.empty:
        recurring = frame.groupby("budget")["run"].transform("max") > 1
        frame.loc[recurring, "budget"] = (frame.loc[recurring, "budget"] + " (run "
                                          + frame.loc[recurring, "run"].astype(str) + ")")
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601",
                                        errors="coerce")
    for column in ("epsilon", "spent", "naive_sum", "budget_epsilon"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame[columns]


def plot_budget_over_time(
    ledger: Ledger | str | os.PathLike | Sequence[Mapping] | pd.DataFrame,
    *,
    max_budgets: int = 4,
) -> plt.Figure:
    """The ε each budget had spent after every charge, by the accountant and by a plain sum.

    One panel per budget (the ``max_budgets`` with the most charges, latest
    first among equals), charges in the order they were made, each labelled
    with what it released and when.

    Parameters
    ----------
    ledger : Ledger, path-like, list of dict, or the DataFrame of :func:`budget_over_time`
    max_budgets : int

    Returns
    -------
    matplotlib.figure.Figure
        With a single line of text instead when the ledger holds no charge.

    Examples
    --------
    >>> from govkit.report import plot_budget_over_time
    >>> def charge(eps, spent, naive):
    ...     return {"stage": "privacy", "operation": "dp_count", "timestamp": None,
    ...             "parameters": {"budget_name": "b", "budget_epsilon": 3.0, "epsilon": eps},
    ...             "metrics": {"budget_spent_epsilon": spent, "budget_naive_sum_epsilon": naive}}
    >>> figure = plot_budget_over_time([charge(1, 1, 1), charge(1, 1.8, 2)])
    >>> figure.axes[0].get_title(loc="left")
    "budget 'b': 2 charges, ε 1.8 spent of 3 (a plain sum says 2)"
    """
    frame = ledger if isinstance(ledger, pd.DataFrame) else budget_over_time(ledger)
    if frame.empty:
        fig, ax = plt.subplots(figsize=(9.5, 1.4))
        ax.text(0.5, 0.5, _NO_CHARGES, ha="center", va="center", wrap=True, fontsize=9,
                transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    sizes = frame.groupby("budget", sort=False).agg(n=("charge", "size"), last=("record", "max"))
    chosen = sizes.sort_values(["n", "last"], ascending=False).index[:max_budgets]
    use_cjk_fallback()  # budget names come from the config (a run named in Chinese)
    fig, axes = plt.subplots(len(chosen), 1, figsize=(9.5, 2.9 * len(chosen)), squeeze=False)
    for ax, name in zip(axes[:, 0], chosen, strict=True):
        part = frame[frame["budget"] == name]
        steps = np.arange(1, len(part) + 1)
        edges = np.r_[0, steps, len(part) + 0.6]  # each level holds from its charge on

        def levels(values):
            return np.r_[0, values, values.iloc[-1]]

        ax.step(edges, levels(part["spent"]), where="post", color="#1f77b4", linewidth=2.2,
                label="spent, composed by the accountant")
        if part["naive_sum"].notna().all():
            ax.step(edges, levels(part["naive_sum"]), where="post", color="#555555",
                    linestyle=(0, (4, 3)), linewidth=1.2, zorder=3,
                    label="plain sum of the charges' ε")
        total = part["budget_epsilon"].iloc[-1]
        if pd.notna(total):
            ax.axhline(total, color="#cf222e", linewidth=1, label=f"budget ε = {total:g}")
        labels = []
        for _, charge in part.iterrows():
            when = charge["timestamp"].strftime("%H:%M:%S") if pd.notna(charge["timestamp"]) else ""
            labels.append(f"{charge['what']}\nε={charge['epsilon']:.3g}\n{when}")
        ax.set_xticks(steps, labels, fontsize=7)
        ax.set_xlim(0, len(part) + 0.6)
        ax.set_ylabel("ε")
        naive = part["naive_sum"].iloc[-1]
        ax.set_title(f"budget {name!r}: {len(part)} charge{'s' * (len(part) != 1)}, ε "
                     f"{part['spent'].iloc[-1]:.3g} spent of {total:g}"
                     + (f" (a plain sum says {naive:.3g})" if pd.notna(naive) else ""),
                     fontsize=10, loc="left")
        ax.legend(frameon=False, fontsize=8, loc="upper left")
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
