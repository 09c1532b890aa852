"""Check a Dataset before any work: what a run would refuse, said up front.

:func:`check_data` takes :meth:`Dataset.profile` (each column's role, kind,
missing and distinct values, whether it looks like a direct identifier, and
what a run would refuse), adds the groups of each protected attribute in the
training (and test) data and collects every problem and note, so that an
analyst hears about a missing protected value or a group of three people
before the first slow step, not after it.

Nothing here prints a value of the data except the values of protected
attributes (group labels such as ``female``), which a fairness report shows
anyway.
"""

from __future__ import annotations

import dataclasses
import html

import pandas as pd

from govkit._validation import check_interval
from govkit.exceptions import DataCheckError

from ._dataset import Dataset
from ._profile import needs_binning
from ._validation import check_dataset

__all__ = ["DataCheck", "check_data"]

_MISSING_LABEL = "(missing)"
_DIFFERENT_TARGET = (
    "check_data: test has target {test!r} but train has {train!r}; load both files with the "
    "same roles (target=...)."
)

@dataclasses.dataclass(frozen=True, eq=False)
class DataCheck:
    """What :func:`check_data` found: the column profile, the groups, problems and notes.

    Attributes
    ----------
    columns : pandas.DataFrame
        The training data's :meth:`Dataset.profile`.
    groups : pandas.DataFrame
        One row per protected attribute and value: ``attribute``, ``value``,
        ``train_rows``, ``train_positive_rate`` and, with test data,
        ``test_rows`` and ``test_positive_rate``. Missing values form their
        own group, ``(missing)``.
    problems : tuple of str
        Each would stop a run; every message names the column (and group) and
        the fix.
    notes : tuple of str
        What was decided or is notable but not refused (how the file was
        read, constant columns, categories seen only in the test data).
    name : str
        The training data's name.
    rows : int
        Training rows.
    """

    columns: pd.DataFrame
    groups: pd.DataFrame
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    name: str = "data"
    rows: int = 0

    @property
    def ok(self) -> bool:
        """True when there is no problem (notes do not count)."""
        return not self.problems

    def raise_for_problems(self) -> DataCheck:
        """Raise :class:`~govkit.exceptions.DataCheckError` listing every problem; else return self."""
        if self.problems:
            listed = "\n".join(f"  - {p}" for p in self.problems)
            raise DataCheckError(
                f"check_data: {self.name} has {len(self.problems)} problem(s) that would stop a "
                f"run:\n{listed}"
            )
        return self

    def _headline(self) -> str:
        verdict = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        return f"Data check of {self.name} ({self.rows} rows): {verdict}"

    def __str__(self) -> str:
        lines = [self._headline(), ""]
        if self.problems:
            lines += ["Problems (each would stop a run):", *(f"  - {p}" for p in self.problems), ""]
        if self.notes:
            lines += ["Notes:", *(f"  - {n}" for n in self.notes), ""]
        shown = self.columns[["role", "kind", "dtype", "missing", "distinct",
                              "likely_identifier"]].assign(
            problem=self.columns["problem"].map(lambda p: "yes (above)" if p else ""))
        with pd.option_context("display.max_colwidth", 60, "display.width", 200,
                               "display.max_rows", 500, "display.max_columns", 20):
            lines += ["Columns:", shown.to_string(), ""]
            if len(self.groups):
                lines += ["Groups:", self.groups.to_string(index=False,
                                                           float_format=lambda v: f"{v:.3f}")]
        return "\n".join(lines).rstrip() + "\n"

    def _repr_html_(self) -> str:
        parts = [f"<h4>{html.escape(self._headline())}</h4>"]
        for title, items in (("Problems (each would stop a run)", self.problems),
                             ("Notes", self.notes)):
            if items:
                listed = "".join(f"<li>{html.escape(i)}</li>" for i in items)
                parts.append(f"<p><b>{title}</b></p><ul>{listed}</ul>")
        parts.append("<p><b>Columns</b></p>" + self.columns.to_html(escape=True))
        if len(self.groups):
            parts.append("<p><b>Groups</b></p>" + self.groups.to_html(
                index=False, escape=True, float_format=lambda v: f"{v:.3f}"))
        return "<div class='govkit-data-check'>" + "".join(parts) + "</div>"


def _group_table(data: Dataset, prefix: str) -> pd.DataFrame:
    rows = []
    y = data.y
    for attribute in data.protected:
        values = data.frame[attribute]
        if needs_binning(values):  # one "group" per value: reported as needing binning instead
            continue
        labels = values.astype(object).where(values.notna(), _MISSING_LABEL)
        for value, index in labels.groupby(labels, sort=True, dropna=False).groups.items():
            rows.append({"attribute": attribute, "value": value,
                         f"{prefix}_rows": len(index),
                         f"{prefix}_positive_rate": float(y.loc[index].mean())})
    return pd.DataFrame(rows, columns=["attribute", "value", f"{prefix}_rows",
                                       f"{prefix}_positive_rate"])


def _read_note(data: Dataset, which: str) -> list[str]:
    options = data.read_options
    if not options:
        return []
    detected = set(options.get("detected", ()))
    said = ", ".join(
        f"{key}={options.get(key)!r}" + (" (detected)" if key in detected else "")
        for key in ("encoding", "sep", "decimal", "thousands") if key in options
    )
    notes = [f"{which} ({data.name}) was read with {said}."]
    notes += [f"{which}: {n}" for n in options.get("notes", ())]
    return notes


def _unseen_categories(train: Dataset, test: Dataset, skip: set[str]) -> list[str]:
    notes = []
    for column in train.categorical:
        if column not in test.frame.columns or column in skip:
            continue
        seen = set(train.frame[column].dropna().astype(str))
        values = test.frame[column].dropna().astype(str)
        unseen = values[~values.isin(seen)]
        if len(unseen):
            notes.append(
                f"column {column!r}: {unseen.nunique()} category(ies) in {len(unseen)} test "
                "row(s) never occur in train; a model treats them as unknown categories (not an "
                "error)."
            )
    return notes


def _column_problems(table: pd.DataFrame, which: str) -> list[str]:
    return [f"column {column!r} ({which}): {problem}"
            for column, problem in table["problem"].items() if problem]


def check_data(train: Dataset, *, test: Dataset | None = None,
               min_group_size: int = 30) -> DataCheck:
    """Check data before any work: what a run would refuse, and what was decided.

    Problems (each stops a run): missing values in the target or a protected
    column, a numeric protected column with many values (bin it first), a
    protected group with fewer than ``min_group_size`` rows (in train or
    test), a column that looks like a direct identifier but has no declared
    role, a column whose values are all missing, a training column the test
    data lacks. Notes: how each file was read (encoding, separator, decimal
    mark, thousands separator, and which were detected), constant feature
    columns, categories seen only in the test data (a model treats them as
    unknown categories; not an error).

    Parameters
    ----------
    train : Dataset
    test : Dataset, optional
        The held-out data, with the same roles.
    min_group_size : int
        Smallest number of rows a protected group needs for its fairness
        metrics to mean something.

    Returns
    -------
    DataCheck
        ``ok`` is True when there is no problem; ``raise_for_problems()``
        raises a ``DataCheckError`` (a ``ValueError``) listing them. ``str()``
        gives a plain-text report, and notebooks display it as HTML.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import Dataset, check_data
    >>> frame = pd.DataFrame({"age": [30, 41, 52, 25] * 10, "sex": ["F", "M", "M", "M"] * 10,
    ...                       "hired": ["yes", "no", "yes", "no"] * 10})
    >>> report = check_data(Dataset(frame, target="hired", positive_label="yes", protected="sex"))
    >>> report.ok
    False
    >>> print(report.problems[0])
    group sex='F' has 10 row(s) in train, fewer than min_group_size=30: its metrics would be mostly noise. Merge it with a related value in a new column, collect more data, or lower min_group_size.
    """
    check_dataset(train, func="check_data", param="train")
    if test is not None:
        check_dataset(test, func="check_data", param="test")
    min_group_size = check_interval(min_group_size, param="min_group_size", func="check_data",
                                    low=1, integer=True, example=30)
    if test is not None and test.target != train.target:
        raise ValueError(_DIFFERENT_TARGET.format(test=test.target, train=train.target))

    columns = train.profile()
    problems = _column_problems(columns, "train")
    notes = _read_note(train, "train")
    notes += [f"column {c!r}: {n}" for c, n in columns["note"].items() if n]
    groups = _group_table(train, "train")
    if test is not None:
        test_columns = test.profile()
        flagged_in_train = set(columns.index[columns["likely_identifier"]])
        # an undeclared identifier is reported once, for train, unless only test has it
        problems += _column_problems(test_columns.drop(index=[
            c for c in test_columns.index if c in flagged_in_train]), "test")
        notes += _read_note(test, "test")
        lacking = [c for c in train.frame.columns if c not in test.frame.columns]
        if lacking:
            problems.append(
                f"test lacks the training column(s) {lacking}; a model trained on train needs "
                "them: load a test file with the same columns"
            )
        extra = [c for c in test.frame.columns if c not in train.frame.columns]
        if extra:
            notes.append(f"test has column(s) {extra} that train lacks; they are not used.")
        notes += _unseen_categories(train, test, skip=flagged_in_train)
        groups = groups.merge(_group_table(test, "test"), on=["attribute", "value"], how="outer")
        for prefix in ("train", "test"):
            groups[f"{prefix}_rows"] = groups[f"{prefix}_rows"].fillna(0).astype("int64")
        position = {a: i for i, a in enumerate(train.protected)}
        groups = (groups.assign(_order=groups["attribute"].map(position),
                                _label=groups["value"].astype(str))
                  .sort_values(["_order", "_label"], kind="stable")
                  .drop(columns=["_order", "_label"]).reset_index(drop=True))
    for row in groups.itertuples(index=False):
        if row.value == _MISSING_LABEL:  # reported as missing values of the column
            continue
        for prefix in ("train", "test") if test is not None else ("train",):
            count = getattr(row, f"{prefix}_rows")
            if count < min_group_size:
                problems.append(
                    f"group {row.attribute}={row.value!r} has {count} row(s) in {prefix}, fewer "
                    f"than min_group_size={min_group_size}: its metrics would be mostly noise. "
                    "Merge it with a related value in a new column, collect more data, or "
                    "lower min_group_size."
                )
    return DataCheck(columns=columns, groups=groups, problems=tuple(problems),
                     notes=tuple(notes), name=train.name, rows=len(train))
