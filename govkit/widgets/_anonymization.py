"""Panel of notebook 01: anonymize live and watch privacy, risk, loss, linkage and utility move.

The render function is a pure function of the control values (and of the
explorer, built once from the data): the explorer memoizes every setting, so
moving a control back answers instantly. The class-size chart is drawn as
HTML bars rather than a matplotlib image: it renders in about a millisecond,
which keeps a slider move well inside the panel's latency budget.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd

from govkit.anonymization import ANONYMIZATION_METHODS, AnonymizationExplorer, Assessment, Snapshot
from govkit.datasets import Dataset, check_dataset

from ._panel import Panel

__all__ = ["anonymization_panel", "class_size_bars", "render_anonymization"]

#: Class-size bins of the chart: (label, smallest size, largest size).
SIZE_BINS = (
    ("1 (unique)", 1, 1),
    ("2-4", 2, 4),
    ("5-9", 5, 9),
    ("10-19", 10, 19),
    ("20-49", 20, 49),
    ("50-99", 50, 99),
    ("100-999", 100, 999),
    ("1000+", 1000, np.inf),
)
#: How the method toggle names each of :data:`govkit.anonymization.ANONYMIZATION_METHODS`.
METHOD_LABELS = {"mondrian": "Mondrian", "global": "full-domain (hierarchies)"}
_RAW_COLOUR = "#b0b0b0"
_RELEASE_COLOUR = "#2f6db5"


def _shares_by_bin(assessment: Assessment) -> list[float]:
    sizes = assessment.class_sizes
    rows = sizes.index.to_numpy() * sizes.to_numpy()
    total = rows.sum()
    out = []
    for _, low, high in SIZE_BINS:
        inside = (sizes.index.to_numpy() >= low) & (sizes.index.to_numpy() <= high)
        out.append(float(rows[inside].sum() / total) if total else 0.0)
    return out


def class_size_bars(raw: Assessment, release: Assessment, *, k: int) -> str:
    """HTML bar chart: share of records in classes of each size, raw data vs the release.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import assess
    >>> from govkit.widgets import class_size_bars
    >>> frame = pd.DataFrame({"age": [30, 30, 41, 52]})
    >>> chart = class_size_bars(assess(frame, quasi_identifiers=["age"]),
    ...                         assess(frame.assign(age="*"), quasi_identifiers=["age"]), k=2)
    >>> chart.startswith("<div")
    True
    """
    raw_shares = _shares_by_bin(raw)
    release_shares = _shares_by_bin(release)
    rows = []
    for (label, _low, high), a, b in zip(SIZE_BINS, raw_shares, release_shares, strict=True):
        below = " color:#a00" if high < k else ""
        rows.append(
            "<tr>"
            f"<td style='text-align:right;padding-right:6px;white-space:nowrap;{below}'>"
            f"{html.escape(label)}</td>"
            "<td style='width:170px'>"
            f"<div style='background:{_RAW_COLOUR};height:8px;width:{a * 100:.1f}%'></div>"
            f"<div style='background:{_RELEASE_COLOUR};height:8px;width:{b * 100:.1f}%;"
            "margin-top:1px'></div></td>"
            f"<td style='padding-left:6px;white-space:nowrap'>{a:.1%} &rarr; <b>{b:.1%}</b></td>"
            "</tr>"
        )
    return (
        "<div style='display:inline-block;vertical-align:top;margin-right:18px'>"
        "<div style='font-weight:bold;margin-bottom:4px'>Records by the size of their class</div>"
        f"<div style='font-size:85%;color:#555'><span style='color:{_RAW_COLOUR}'>&#9632;</span> "
        f"raw data &nbsp; <span style='color:{_RELEASE_COLOUR}'>&#9632;</span> this release"
        f"<br>sizes in red are below k={k}</div>"
        f"<table style='font-size:85%;border-collapse:collapse'>{''.join(rows)}</table></div>"
    )


def _pct(value: float | None, digits: int = 1) -> str:
    """A share as percent; a small non-zero share reads '<0.1%' rather than '0.0%'."""
    if value is None:
        return "n/a"
    smallest = 10.0 ** -digits
    if 0 < 100 * value < smallest:
        return f"<{smallest:g}%"
    return f"{100 * value:.{digits}f}%"


def _summary_table(snap: Snapshot) -> str:
    result, raw, release = snap.result, snap.raw, snap.result.assessment
    sensitive = result.sensitive_column
    rows = [
        ("k: smallest class", f"{raw.k:,}", f"{release.k:,}"),
        ("records alone in their class", _pct(raw.unique_share), _pct(release.unique_share)),
        ("prosecutor: highest risk", _pct(raw.prosecutor.highest, 0),
         _pct(release.prosecutor.highest, 0)),
        ("prosecutor: average risk", _pct(raw.prosecutor.average), _pct(release.prosecutor.average)),
        (f"records at risk (risk > {release.prosecutor.threshold:g})",
         _pct(raw.prosecutor.records_at_risk), _pct(release.prosecutor.records_at_risk)),
        ("marketer: expected re-identifications", _pct(raw.marketer), _pct(release.marketer)),
    ]
    if sensitive is not None:
        rows += [
            (f"l: fewest distinct {sensitive} values", f"{raw.l_distinct}", f"{release.l_distinct}"),
            (f"records in classes with one {sensitive} value", _pct(raw.homogeneous_share),
             _pct(release.homogeneous_share)),
            (f"t: largest {sensitive} distance", f"{raw.t:.3f}", f"{release.t:.3f}"),
        ]
    rows += [
        ("suppressed records", "0", f"{result.suppressed:,} ({_pct(result.suppressed_share, 2)})"),
        ("information loss", "0.0%", _pct(release.information_loss)),
    ]
    if snap.linkage is not None and snap.raw_linkage is not None:
        rows.append((
            f"linkage attack ({', '.join(snap.linkage.on)}): re-identified",
            f"{_pct(snap.raw_linkage.reidentified_share)} of {snap.raw_linkage.register_size:,}",
            f"{_pct(snap.linkage.reidentified_share)}",
        ))
    if snap.utility is not None and snap.raw_utility is not None:
        rows.append(("live model on raw test data: AUC",
                     f"{snap.raw_utility['auc']:.3f}", f"{snap.utility['auc']:.3f}"))
        rows.append(("live model: accuracy", _pct(snap.raw_utility["accuracy"]),
                     _pct(snap.utility["accuracy"])))
    body = "".join(
        f"<tr><td style='padding:1px 8px 1px 0'>{html.escape(name)}</td>"
        f"<td style='text-align:right;padding:1px 8px;color:#666'>{html.escape(a)}</td>"
        f"<td style='text-align:right;padding:1px 8px'><b>{html.escape(b)}</b></td></tr>"
        for name, a, b in rows
    )
    if result.level_names is not None:
        detail = "levels: " + ", ".join(f"{c} &rarr; {html.escape(n)}"
                                        for c, n in result.level_names.items())
    else:
        detail = f"{result.classes:,} Mondrian partitions"
    return (
        "<div style='display:inline-block;vertical-align:top'>"
        "<table style='font-size:85%;border-collapse:collapse'>"
        "<tr><th></th><th style='text-align:right;padding:1px 8px;color:#666'>raw data</th>"
        "<th style='text-align:right;padding:1px 8px'>this release</th></tr>"
        f"{body}</table><div style='font-size:80%;color:#555;max-width:520px'>{detail}</div></div>"
    )


def render_anonymization(
    explorer: AnonymizationExplorer,
    quasi_identifiers: Sequence[str],
    method: str,
    k: int,
    l: int = 1,  # noqa: E741 - the privacy model's name
    t: float = 1.0,
    max_suppression: float = 0.01,
):
    """What the anonymization panel shows for one setting.

    Parameters
    ----------
    explorer : AnonymizationExplorer
    quasi_identifiers : sequence of str
    method : {"mondrian", "global"}
    k : int
    l : int
        Distinct l-diversity of the target; 1 turns it off.
    t : float
        t-closeness of the target; 1 turns it off.
    max_suppression : float

    Returns
    -------
    tuple
        HTML (the class-size chart and the raw-vs-release table side by
        side), and a DataFrame sample of released rows.

    Examples
    --------
    >>> from govkit.anonymization import AnonymizationExplorer
    >>> from govkit.datasets import load_adult
    >>> from govkit.widgets import render_anonymization
    >>> explorer = AnonymizationExplorer(load_adult("test"))
    >>> chart, sample = render_anonymization(explorer, ("age", "sex", "race"), "mondrian", 10)
    >>> "this release" in chart, len(sample) > 0
    (True, True)
    """
    snap = explorer.snapshot(
        quasi_identifiers=tuple(quasi_identifiers), method=method, k=int(k),
        l=None if l <= 1 else int(l), t=None if t >= 1 else float(t),
        max_suppression=float(max_suppression),
    )
    chart = class_size_bars(snap.raw, snap.result.assessment, k=int(k))
    header = (
        "<div style='font-size:85%;color:#333;margin:2px 0 6px 0'>A sample of the released rows "
        "is below. The release drops the direct identifiers"
        + (f" and {', '.join(map(html.escape, snap.result.recodings))}, a one-to-one recoding of "
           f"{', '.join(map(html.escape, set(snap.result.recodings.values())))}"
           if snap.result.recodings else "")
        + ".</div>"
    )
    return (f"<div>{chart}{_summary_table(snap)}</div>{header}", snap.sample)


def anonymization_panel(
    data: Dataset,
    *,
    test: Dataset | None = None,
    register: pd.DataFrame | None = None,
    explorer: AnonymizationExplorer | None = None,
) -> Panel:
    """Choose quasi-identifiers, method, k, l, t and the suppression limit; see everything move.

    Parameters
    ----------
    data : Dataset
        The data to release (the linkage attack needs synthetic identifiers).
    test : Dataset, optional
        Raw test records with the same feature columns, for the live utility figure.
    register : DataFrame, optional
        A public register (:func:`govkit.anonymization.public_register`).
    explorer : AnonymizationExplorer, optional
        Reuse an explorer (and its caches) instead of building one.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.widgets import anonymization_panel
    >>> panel = anonymization_panel(load_adult("test"))
    >>> panel.set(k=20)
    >>> panel.values["k"], len(panel.durations)
    (20, 2)
    """
    data = check_dataset(data, func="anonymization_panel")
    explorer = explorer or AnonymizationExplorer(data, test=test, register=register)
    n_values = int(data.frame[data.target].nunique())
    controls = {
        "quasi_identifiers": widgets.SelectMultiple(
            options=list(data.quasi_identifiers), value=tuple(data.quasi_identifiers), rows=5,
            description="quasi-identifiers",
        ),
        "method": widgets.ToggleButtons(
            options=[(METHOD_LABELS.get(method, method), method) for method in ANONYMIZATION_METHODS],
            value="mondrian", description="method", style={"button_width": "auto"},
        ),
        "k": widgets.IntSlider(value=10, min=2, max=100, description="k: smallest class size"),
        "l": widgets.IntSlider(
            value=1, min=1, max=max(n_values, 1),
            description=f"l: distinct {data.target} values per class (1 = off)",
        ),
        "t": widgets.FloatSlider(
            value=1.0, min=0.05, max=1.0, step=0.05, readout_format=".2f",
            description=f"t: largest {data.target} distance (1 = off)",
        ),
        "max_suppression": widgets.FloatSlider(
            value=0.01, min=0.0, max=0.10, step=0.005, readout_format=".1%",
            description="rows that may be suppressed",
        ),
    }
    for name in ("k", "l", "t", "max_suppression"):
        controls[name].layout = widgets.Layout(width="420px")
    return Panel(
        name="anonymization-explorer",
        title="Anonymize live: privacy, re-identification risk, information loss and utility",
        description=(
            "Move k and watch the share of records in small classes disappear. Compare the "
            "methods, require l or t for the income column, and deselect a quasi-identifier to "
            "see the linkage attack come back."
        ),
        controls=controls,
        render=lambda quasi_identifiers, method, k, l, t, max_suppression: render_anonymization(  # noqa: E741
            explorer, quasi_identifiers, method, k, l, t, max_suppression
        ),
        primary="k",
    )
