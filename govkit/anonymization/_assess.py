"""Measure a release: k, l, t, equivalence classes, re-identification risk, information loss.

The definitions follow ARX's risk analysis and the literature it cites:

- **equivalence class**: the rows that share every quasi-identifier value;
  **k** is the size of the smallest one (Samarati & Sweeney 1998).
- **distinct l-diversity**: the fewest distinct sensitive values in a class;
  **entropy l-diversity**: ``exp`` of the smallest class entropy (natural
  log), so a class with entropy ``log l`` reports ``l`` (Machanavajjhala et
  al. 2007).
- **t-closeness**: the largest Earth Mover's Distance between a class's
  sensitive distribution and the whole frame's (Li et al. 2007). Numeric
  sensitive values use the *ordered* distance ``sum_i |cumulative
  difference_i| / (m - 1)`` over the ``m`` sorted distinct values;
  categories use the *equal* distance (total variation, ``1/2 sum |p - q|``).
- **prosecutor** model (the attacker knows the person is in the release):
  a record's risk is ``1 / size of its class``; *highest* is ``1 / k``,
  *average* is ``classes / rows``, *records at risk* is the share of records
  whose risk exceeds the threshold.
- **journalist** model (the attacker does not know whether the person is in
  the release and links against a population register): the same with
  population class sizes ``F_j``; without a population it equals the
  prosecutor model.
- **marketer** model (the attacker links everyone and counts the hits):
  expected share re-identified, ``(1 / rows) * sum_j f_j / F_j``.
- **generalized information loss** (Iyengar 2002, ARX's "Loss"): the mean
  over every input row and quasi-identifier of how much of the column's
  range (numeric: ``(max - min) / column range``) or domain (categorical:
  ``(values covered - 1) / (column values - 1)``) the released value stands
  for; suppressed rows count 1 for every quasi-identifier. "Covered" is
  measured in the data: the original values of the rows that carry the
  released value.
- **discernibility** (Bayardo & Agrawal 2005): ``sum_j f_j**2 + suppressed
  * input rows``; **normalized average class size** (LeFevre et al. 2006):
  ``(released rows / classes) / k``.

pycanon computes some of these but pins exact numpy/pandas/scipy versions
(see DESIGN.md), and neither it nor anjana measures risk models or loss;
hence this vectorised module (one ``bincount`` per statistic, no loop over
classes).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import renamed_keywords
from govkit.datasets import as_frame

from ._checks import (
    RENAMED_ATTRIBUTE,
    check_interval_why,
    check_quasi_identifiers,
    check_sensitive,
)

__all__ = ["Assessment", "RiskSummary", "assess", "find_recodings", "measure"]

THRESHOLD_WHY = (
    "Records whose re-identification risk exceeds risk_threshold count as at risk (0.2 means "
    "classes of fewer than 5)."
)
K_WHY = "k is the smallest class size the release was meant to meet."
T_REFERENCE_ALONE = (
    "assess: t_reference was given without sensitive_column; t is measured on the sensitive "
    "column, so pass sensitive_column='<column>' too."
)
T_REFERENCE_TYPE = (
    "assess: t_reference must be a pandas Series (value -> share), got {kind}; e.g. "
    "data[sensitive_column].value_counts(normalize=True)."
)
T_REFERENCE_VALUES = (
    "assess: t_reference has no share for sensitive value(s) {values}; pass the distribution of "
    "the data the release came from."
)
ORIGINAL_INDEX = (
    "assess: original must hold every row of frame under the same index labels (rows of "
    "original missing from frame count as suppressed); {count} index label(s) of frame, e.g. "
    "{example!r}, are not in original. Pass the frame before generalization."
)
ORIGINAL_COLUMNS = (
    "assess: original lacks the quasi-identifier column(s) {columns}; pass the frame before "
    "generalization, with the same column names."
)
POPULATION_COLUMNS = (
    "assess: population lacks the quasi-identifier column(s) {columns}; pass the population "
    "register generalized the same way as frame (e.g. result.generalize(population))."
)
POPULATION_TOO_SMALL = (
    "assess: the population holds fewer records than the release in {count} class(es) (e.g. "
    "{example}); a population must contain every released person. Pass a population that "
    "includes the released records, generalized the same way."
)
NOT_A_FRAME = "assess: {name} must be a pandas DataFrame, got {kind}."


@dataclass(frozen=True)
class RiskSummary:
    """Re-identification risk under one attacker model.

    Attributes
    ----------
    highest : float
        The largest risk of any record (1 / the smallest class).
    average : float
        The mean risk over records (the expected share re-identified when
        the attacker targets a random record).
    records_at_risk : float
        Share of records whose risk exceeds ``threshold``.
    threshold : float
    """

    highest: float
    average: float
    records_at_risk: float
    threshold: float


@dataclass(frozen=True, eq=False)
class Assessment:
    """What :func:`assess` measured. ``to_metrics()`` gives the flat dict the ledger stores.

    Attributes
    ----------
    rows, classes : int
        Records in the frame and equivalence classes among them.
    k : int
        Size of the smallest class.
    l_distinct : int or None
        Fewest distinct sensitive values in a class (``None`` without ``sensitive_column``).
    l_entropy : float or None
        ``exp`` of the smallest class entropy.
    t : float or None
        Largest Earth Mover's Distance of a class from the whole frame.
    class_sizes : pandas.Series
        Number of classes of each size (index: class size).
    prosecutor, journalist : RiskSummary
    marketer : float
        Expected share of records re-identified when the attacker links everyone.
    information_loss : float or None
        Generalized information loss in [0, 1] (``None`` without ``original``).
    discernibility : float
    average_class_size : float
        Normalized average class size (1 is ideal).
    suppressed : int
        Rows of ``original`` absent from the frame (0 without ``original``).
    quasi_identifiers : tuple of str
    sensitive_column : str or None
        The column whose diversity and closeness were measured.
    unique_share : float
        Share of records that are alone in their class (sample uniques).
    homogeneous_share : float or None
        Share of records in a class whose members all share one sensitive
        value: the attacker learns it without re-identifying anyone (the
        homogeneity attack that l-diversity prevents).
    """

    rows: int
    classes: int
    k: int
    l_distinct: int | None
    l_entropy: float | None
    t: float | None
    class_sizes: pd.Series = field(repr=False)
    prosecutor: RiskSummary
    journalist: RiskSummary
    marketer: float
    information_loss: float | None
    discernibility: float
    average_class_size: float
    suppressed: int
    quasi_identifiers: tuple[str, ...]
    sensitive_column: str | None
    unique_share: float
    homogeneous_share: float | None = None

    @property
    def sensitive(self) -> str | None:
        """Deprecated name of :attr:`sensitive_column` (one more release, with a FutureWarning)."""
        warnings.warn(RENAMED_ATTRIBUTE.format(owner="Assessment"), FutureWarning, stacklevel=2)
        return self.sensitive_column

    def to_metrics(self) -> dict[str, Any]:
        """The measures as a flat dict of plain numbers (what the ledger records)."""
        metrics: dict[str, Any] = {
            "rows": self.rows,
            "classes": self.classes,
            "k": self.k,
            "l_distinct": self.l_distinct,
            "l_entropy": self.l_entropy,
            "t": self.t,
            "unique_share": self.unique_share,
            "homogeneous_share": self.homogeneous_share,
            "prosecutor_highest_risk": self.prosecutor.highest,
            "prosecutor_average_risk": self.prosecutor.average,
            "prosecutor_records_at_risk": self.prosecutor.records_at_risk,
            "journalist_highest_risk": self.journalist.highest,
            "journalist_average_risk": self.journalist.average,
            "journalist_records_at_risk": self.journalist.records_at_risk,
            "marketer_risk": self.marketer,
            "risk_threshold": self.prosecutor.threshold,
            "information_loss": self.information_loss,
            "discernibility": self.discernibility,
            "average_class_size": self.average_class_size,
            "suppressed_rows": self.suppressed,
        }
        return metrics

    def table(self) -> pd.DataFrame:
        """A two-column table (measure, value) in plain words, for notebooks and reports."""
        def pct(x: float | None) -> str:
            return "n/a" if x is None else f"{100 * x:.2f}%"

        rows = [
            ("records", f"{self.rows:,}"),
            ("equivalence classes", f"{self.classes:,}"),
            ("k (smallest class)", f"{self.k:,}"),
            ("records alone in their class", pct(self.unique_share)),
        ]
        if self.l_distinct is not None:
            rows += [
                (f"distinct l ({self.sensitive_column})", f"{self.l_distinct}"),
                (f"entropy l ({self.sensitive_column})", f"{self.l_entropy:.3f}"),
                (f"t, largest EMD ({self.sensitive_column})", f"{self.t:.3f}"),
                (f"records in classes with one {self.sensitive_column} value",
                 pct(self.homogeneous_share)),
            ]
        rows += [
            ("prosecutor: highest risk", pct(self.prosecutor.highest)),
            ("prosecutor: average risk", pct(self.prosecutor.average)),
            (f"prosecutor: records at risk > {self.prosecutor.threshold:g}",
             pct(self.prosecutor.records_at_risk)),
            ("journalist: highest risk", pct(self.journalist.highest)),
            ("marketer: expected share re-identified", pct(self.marketer)),
        ]
        if self.information_loss is not None:
            rows += [
                ("suppressed records", f"{self.suppressed:,}"),
                ("generalized information loss", pct(self.information_loss)),
            ]
        rows += [
            ("discernibility", f"{self.discernibility:,.0f}"),
            ("normalized average class size", f"{self.average_class_size:.2f}"),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"]).set_index("measure")

    def _repr_html_(self) -> str:
        return self.table().to_html(escape=True)

    def __str__(self) -> str:
        lines = [f"{name}: {value}" for name, value in self.table()["value"].items()]
        return "\n".join(lines)


def group_ids(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """Dense ids (0..n_groups-1) of the rows' value combinations; NaN counts as a value."""
    key = None
    span = 1
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        codes = codes.astype(np.int64)
        size = max(len(uniques), 1)
        if key is None:
            key, span = codes, size
            continue
        if span * size > 2**62:
            key, uniques_key = pd.factorize(key)
            span = max(len(uniques_key), 1)
        key = key * size + codes
        span *= size
    if key is None:
        raise ValueError("group_ids needs at least one column")
    ids, uniques = pd.factorize(key)
    return ids.astype(np.int64), len(uniques)


def sensitive_codes(values: pd.Series) -> tuple[np.ndarray, int, bool]:
    """Codes of the sensitive values (sorted for numbers), their count, and whether ordered."""
    ordered = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if ordered:
        uniques, codes = np.unique(values.to_numpy(dtype=float), return_inverse=True)
        return codes.astype(np.int64), len(uniques), True
    codes, uniques = pd.factorize(values, use_na_sentinel=False, sort=True)
    return codes.astype(np.int64), len(uniques), False


def class_diversity(
    hist: np.ndarray, reference: np.ndarray, ordered: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per class: distinct count, entropy (nats) and EMD from ``reference``, from a (C, S) histogram."""
    sizes = hist.sum(axis=1, keepdims=True)
    p = hist / np.maximum(sizes, 1)
    distinct = (hist > 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), 0.0)
    entropy = -(p * logs).sum(axis=1)
    emd = earth_movers_distance(p, reference, ordered)
    return distinct, entropy, emd


def earth_movers_distance(p: np.ndarray, q: np.ndarray, ordered: bool) -> np.ndarray:
    """EMD between each row of ``p`` and ``q`` (ordered or equal ground distance)."""
    m = p.shape[-1]
    if m <= 1:
        return np.zeros(p.shape[:-1])
    if ordered:
        cumulative = np.cumsum(p - q, axis=-1)[..., :-1]
        return np.abs(cumulative).sum(axis=-1) / (m - 1)
    return 0.5 * np.abs(p - q).sum(axis=-1)


def _risk(per_record: np.ndarray, threshold: float) -> RiskSummary:
    return RiskSummary(
        highest=float(per_record.max()),
        average=float(per_record.mean()),
        records_at_risk=float((per_record > threshold).mean()),
        threshold=float(threshold),
    )


def column_loss(released: pd.Series, original: pd.Series,
                whole: pd.Series | None = None) -> np.ndarray:
    """Generalized information loss of each released cell against the original column.

    ``released`` and ``original`` are aligned position by position; the loss
    of a released value is the share of the whole column's range (numbers) or
    domain (categories) covered by the original values that carry it.
    ``whole`` is the complete original column (suppressed rows included) that
    defines range and domain; it defaults to ``original``.
    """
    whole = original if whole is None else whole
    codes, _ = pd.factorize(np.asarray(released, dtype=object)
                            if not pd.api.types.is_numeric_dtype(released) else released,
                            use_na_sentinel=False)
    groups = pd.Series(codes)
    numeric = pd.api.types.is_numeric_dtype(whole) and not pd.api.types.is_bool_dtype(whole)
    if numeric:
        values = pd.Series(original.to_numpy(dtype=float))
        everything = whole.to_numpy(dtype=float)
        span = (float(np.nanmax(everything)) - float(np.nanmin(everything))
                if np.isfinite(everything).any() else 0.0)
        if span <= 0:
            return np.zeros(len(released))
        by = values.groupby(groups)
        width = (by.max() - by.min()).fillna(0.0).to_numpy()
        return width[codes] / span
    values = pd.Series(original.to_numpy(dtype=object))
    domain = pd.Series(whole.to_numpy(dtype=object)).nunique(dropna=False)
    if domain <= 1:
        return np.zeros(len(released))
    covered = values.groupby(groups).nunique(dropna=False).to_numpy()
    return (covered[codes] - 1) / (domain - 1)


@renamed_keywords(sensitive="sensitive_column")
def assess(
    frame,
    *,
    quasi_identifiers: Sequence[str] | None = None,
    sensitive_column: str | None = None,
    original: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    k: int | None = None,
    risk_threshold: float = 0.2,
    t_reference: pd.Series | None = None,
    ledger=None,
) -> Assessment:
    """Measure k, l, t, class sizes, re-identification risk and information loss of a frame.

    Parameters
    ----------
    frame : DataFrame or Dataset
        The release (or the raw data, to measure the risk before anonymizing).
    quasi_identifiers : list of str
        Columns an attacker could know. Defaults to a Dataset's quasi-identifiers.
    sensitive_column : str, optional
        Column whose diversity (l) and closeness (t) to measure (formerly
        ``sensitive=``, which still works in this release with a FutureWarning).
    original : DataFrame, optional
        The data before generalization, with the same index labels; enables
        information loss, and its rows missing from ``frame`` count as suppressed.
    population : DataFrame, optional
        A population register with the same quasi-identifier columns, in the
        same generalized form, containing the released people (journalist and
        marketer models). Without it the release is its own population.
    k : int, optional
        The k the release targets, for the normalized average class size
        (defaults to the achieved k).
    risk_threshold : float
        A record is *at risk* when its risk exceeds this (0.2: classes of fewer than 5).
    t_reference : Series, optional
        The sensitive distribution t is measured against (value -> share);
        default: the frame's own. :func:`anonymize` passes the input's, the
        distribution its t-closeness requirement refers to.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/assess`` record is appended.

    Returns
    -------
    Assessment

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import assess
    >>> frame = pd.DataFrame({"age": ["[30, 40)"] * 3 + ["[40, 50)"] * 2,
    ...                       "income": ["low", "high", "low", "low", "high"]})
    >>> result = assess(frame, quasi_identifiers=["age"], sensitive_column="income")
    >>> result.k, result.l_distinct, result.prosecutor.highest
    (2, 2, 0.5)
    """
    frame, dataset = as_frame(frame, func="assess", param="frame")
    if quasi_identifiers is None and dataset is not None:
        quasi_identifiers = dataset.quasi_identifiers
    qis = check_quasi_identifiers(
        frame, quasi_identifiers if quasi_identifiers is not None else (), "assess",
        why="" if quasi_identifiers is not None else " (and frame is not a Dataset with them)",
    )
    if sensitive_column is not None:
        sensitive_column = check_sensitive(frame, sensitive_column, qis, "assess",
                                           "measuring l and t")
    risk_threshold = check_interval_why(risk_threshold, param="risk_threshold", func="assess",
                                        low=0, high=1, low_open=True, example=0.2,
                                        why=THRESHOLD_WHY)
    if k is not None:
        k = check_interval_why(k, param="k", func="assess", low=1, integer=True, example=5,
                               why=K_WHY)
    if t_reference is not None and sensitive_column is None:
        raise ValueError(T_REFERENCE_ALONE)
    result = measure(frame, qis, sensitive_column, original=original, population=population,
                     k=k, risk_threshold=risk_threshold, t_reference=t_reference)
    if ledger is not None:
        ledger.append(
            "anonymization",
            "assess",
            parameters={
                "quasi_identifiers": list(qis),
                "sensitive_column": sensitive_column,
                "risk_threshold": float(risk_threshold),
                "population_given": population is not None,
            },
            inputs={"frame": frame},
            metrics=result.to_metrics(),
        )
    return result


def measure(
    frame: pd.DataFrame,
    qis: tuple[str, ...],
    sensitive_column: str | None,
    *,
    original: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    k: int | None = None,
    risk_threshold: float = 0.2,
    t_reference: pd.Series | None = None,
    classes: tuple[np.ndarray, int] | None = None,
) -> Assessment:
    """:func:`assess` on checked arguments; ``classes`` may give the rows' class ids and count.

    :func:`anonymize` passes Mondrian's leaves as ``classes`` (distinct leaves
    release distinct values, so they are the equivalence classes) instead of
    grouping the released values again.
    """
    if classes is not None:
        ids, n_classes = classes
    else:
        ids, n_classes = group_ids([frame[c].to_numpy(dtype=object) for c in qis])
    sizes = np.bincount(ids, minlength=n_classes)
    per_record = 1.0 / sizes[ids]
    prosecutor = _risk(per_record, risk_threshold)

    l_distinct = l_entropy = t = homogeneous = None
    if sensitive_column is not None:
        if t_reference is not None:
            codes, n_values, ordered, reference = _with_reference(frame[sensitive_column],
                                                                  t_reference)
        else:
            codes, n_values, ordered = sensitive_codes(frame[sensitive_column])
            reference = np.bincount(codes, minlength=n_values) / len(codes)
        hist = np.bincount(ids * n_values + codes, minlength=n_values * n_classes).reshape(
            n_classes, n_values
        )
        distinct, entropy, emd = class_diversity(hist, reference, ordered)
        l_distinct = int(distinct.min())
        homogeneous = float((distinct[ids] == 1).mean())
        l_entropy = float(math.exp(entropy.min()))
        t = float(emd.max())

    if population is not None:
        population_sizes = _population_sizes(frame, population, qis, ids, n_classes)
        journalist = _risk(1.0 / population_sizes[ids], risk_threshold)
        marketer = float((sizes / population_sizes).sum() / len(frame))
    else:
        journalist = prosecutor
        marketer = n_classes / len(frame)

    information_loss = None
    suppressed = 0
    input_rows = len(frame)
    if original is not None:
        information_loss, suppressed, input_rows = _information_loss(frame, original, qis)

    achieved_k = int(sizes.min())
    target_k = int(k) if k is not None else achieved_k
    counts = pd.Series(sizes).value_counts().sort_index()
    counts.index.name = "class size"
    counts.name = "classes"
    return Assessment(
        rows=len(frame),
        classes=int(n_classes),
        k=achieved_k,
        l_distinct=l_distinct,
        l_entropy=l_entropy,
        t=t,
        class_sizes=counts,
        prosecutor=prosecutor,
        journalist=journalist,
        marketer=marketer,
        information_loss=information_loss,
        discernibility=float((sizes.astype(float) ** 2).sum() + suppressed * input_rows),
        average_class_size=float(len(frame) / n_classes / target_k),
        suppressed=int(suppressed),
        quasi_identifiers=qis,
        sensitive_column=sensitive_column,
        unique_share=float((sizes[ids] == 1).mean()),
        homogeneous_share=homogeneous,
    )


def _with_reference(values: pd.Series, shares: pd.Series):
    """Sensitive codes over the values of ``values`` and ``shares`` together, and the reference.

    Values of the reference that no released row holds keep their share (a
    class then has 0 there), so the distance is measured on the full scale.
    """
    if not isinstance(shares, pd.Series):
        raise TypeError(T_REFERENCE_TYPE.format(kind=type(shares).__name__))
    missing = pd.Index(pd.unique(values)).difference(shares.index)
    if len(missing):
        raise ValueError(T_REFERENCE_VALUES.format(values=list(missing[:5])))
    ordered = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if ordered:
        order = np.unique(np.concatenate([values.to_numpy(dtype=float),
                                          shares.index.to_numpy(dtype=float)]))
        codes = np.searchsorted(order, values.to_numpy(dtype=float))
        reference = shares.groupby(shares.index.to_numpy(dtype=float)).sum().reindex(
            order, fill_value=0.0).to_numpy(dtype=float)
    else:
        order = sorted(set(shares.index), key=str)
        codes = pd.Index(order).get_indexer(values.to_numpy(dtype=object)).astype(np.int64)
        reference = shares.reindex(order, fill_value=0.0).to_numpy(dtype=float)
    return codes.astype(np.int64), len(order), ordered, reference / reference.sum()


def _population_sizes(
    frame: pd.DataFrame, population: Any, qis: tuple[str, ...], ids: np.ndarray, n_classes: int
) -> np.ndarray:
    if not isinstance(population, pd.DataFrame):
        raise TypeError(NOT_A_FRAME.format(name="population", kind=type(population).__name__))
    lacking = [c for c in qis if c not in population.columns]
    if lacking:
        raise ValueError(POPULATION_COLUMNS.format(columns=lacking))
    both = pd.concat(
        [frame.loc[:, list(qis)].astype(object), population.loc[:, list(qis)].astype(object)],
        ignore_index=True,
    )
    joint, _ = group_ids([both[c].to_numpy(dtype=object) for c in qis])
    sample_joint = joint[: len(frame)]
    population_joint = joint[len(frame):]
    counts = np.bincount(population_joint, minlength=joint.max() + 1)
    # every row of a sample class shares one joint id
    first_row = np.zeros(n_classes, dtype=np.int64)
    first_row[ids[::-1]] = np.arange(len(ids))[::-1]
    population_sizes = counts[sample_joint[first_row]].astype(float)
    sample_sizes = np.bincount(ids, minlength=n_classes)
    short = np.flatnonzero(population_sizes < sample_sizes)
    if short.size:
        example = {c: frame[c].iloc[first_row[short[0]]] for c in qis}
        raise ValueError(POPULATION_TOO_SMALL.format(count=short.size, example=example))
    return population_sizes


def _information_loss(
    frame: pd.DataFrame, original: Any, qis: tuple[str, ...]
) -> tuple[float, int, int]:
    if not isinstance(original, pd.DataFrame):
        raise TypeError(NOT_A_FRAME.format(name="original", kind=type(original).__name__))
    lacking = [c for c in qis if c not in original.columns]
    if lacking:
        raise ValueError(ORIGINAL_COLUMNS.format(columns=lacking))
    present = frame.index.isin(original.index)
    if not present.all():
        missing = frame.index[~present]
        raise ValueError(ORIGINAL_INDEX.format(count=len(missing), example=missing[0]))
    aligned = original.loc[frame.index, list(qis)]
    suppressed = len(original) - len(frame)
    total = 0.0
    for column in qis:
        total += float(column_loss(frame[column], aligned[column], original[column]).sum())
    total += suppressed * len(qis)
    return total / (len(original) * len(qis)), suppressed, len(original)


def find_recodings(frame, *, quasi_identifiers: Sequence[str] | None = None) -> dict[str, str]:
    """Columns that are one-to-one recodings of a quasi-identifier (and so reveal it exactly).

    A release that generalizes ``education`` but keeps ``education-num``
    (the same 16 categories written as numbers) has not generalized
    education at all. A column is reported when its values and a
    quasi-identifier's values map to each other one to one on every row
    (missing values included) and the quasi-identifier has at least two values.

    Parameters
    ----------
    frame : DataFrame or Dataset
    quasi_identifiers : list of str, optional
        Default: a Dataset's quasi-identifiers.

    Returns
    -------
    dict
        Recoding column -> the quasi-identifier it reveals.

    Examples
    --------
    >>> from govkit.anonymization import find_recodings
    >>> from govkit.datasets import load_adult
    >>> find_recodings(load_adult())
    {'education-num': 'education'}
    """
    frame, dataset = as_frame(frame, func="find_recodings", param="frame")
    if quasi_identifiers is None and dataset is not None:
        quasi_identifiers = dataset.quasi_identifiers
    qis = check_quasi_identifiers(frame, quasi_identifiers or (), "find_recodings")
    skip = set(qis)
    if dataset is not None:
        skip |= {dataset.target, *dataset.identifiers}
    counts = {c: frame[c].nunique(dropna=False) for c in frame.columns}
    codes: dict = {}

    def coded(column):
        if column not in codes:
            codes[column] = pd.factorize(frame[column], use_na_sentinel=False)[0]
        return codes[column]

    found: dict[str, str] = {}
    for column in frame.columns:
        if column in skip:
            continue
        for qi in qis:
            if counts[qi] < 2 or counts[qi] != counts[column]:
                continue
            _, pairs = group_ids([coded(column), coded(qi)])
            if pairs == counts[column]:  # as many (column, qi) pairs as values: one to one
                found[str(column)] = qi
                break
    return found
