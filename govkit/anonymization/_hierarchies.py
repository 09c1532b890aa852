"""Generalization hierarchies, Adult's defaults, and their validation against data.

A *generalization* replaces a value by a less precise one that still tells the
truth: age 37 becomes ``[35, 40)``, ``Masters`` becomes ``Graduate degree``,
ZIP ``02139`` becomes ``021**``. A *hierarchy* stacks generalizations into
levels, from the original value (level 0) to ``*`` (the value withheld). The
full-domain search (``method="global"``) picks one level per quasi-identifier;
Mondrian uses a categorical hierarchy's leaf order to keep related values
together when it splits.

ARX and sdcMicro describe hierarchies as tables (Java/R objects); no Python
library ships composable, validated ones that work as scikit-learn
transformers (:mod:`._generalizers`), hence this module.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from govkit.datasets import as_frame

from ._checks import check_quasi_identifiers

__all__ = [
    "ADULT_HIERARCHIES",
    "FlatHierarchy",
    "Hierarchy",
    "IntervalHierarchy",
    "MappingHierarchy",
    "MaskingHierarchy",
    "check_hierarchies",
    "check_level",
    "check_number",
    "default_hierarchies",
    "format_number",
    "hierarchies_for",
    "interval_labels",
]

SUPPRESSED = "*"

BAD_WIDTH = (
    "{where}: width={value!r} must be a positive number (the size of each interval), e.g. "
    "width=10."
)
BAD_WIDTHS = (
    "{where}: widths={value!r} must be increasing positive numbers, each a whole multiple of the "
    "previous one (e.g. (5, 10, 20)), so that every interval sits inside one of the next level."
)
BAD_CODING = (
    "{where}: bottom={bottom!r} and top={top!r} must satisfy bottom < top and lie on the "
    "interval grid (origin + a multiple of every width), so that '<bottom' and '>=top' buckets "
    "nest; e.g. origin=0, widths=(5, 10), top=80."
)
NOT_NUMERIC = (
    "{where}: column {column!r} has dtype {dtype}; interval generalization needs numbers. Use a "
    "MappingHierarchy (or MappingGeneralizer) for categories."
)
UNCOVERED = (
    "{where}: the hierarchy of column {column!r} does not cover the value {value!r} ({count} "
    "row(s)){extra}. Add it to the mapping, e.g. {{{value!r}: '<group>'}}, or fix the data."
)
BAD_MAPPING = (
    "{where}: mapping must be a dict from a value to its group, got {kind}; pass e.g. "
    "{{'Masters': 'Graduate', 'Doctorate': 'Graduate'}}."
)
BAD_LEVEL_MAPPING = (
    "MappingHierarchy: mapping {level} does not map {missing!r}, a group that mapping "
    "{previous} produces (its groups: {produced}); each mapping must map every group of the "
    "one before it. Add {missing!r} to mapping {level}."
)
BAD_LEVEL = (
    "{where}: level={level!r} is not a level of the hierarchy of column {column!r}; levels run "
    "from 0 (original) to {top} ({names})."
)
BAD_MASK_LENGTH = "MaskingHierarchy: length={value!r} must be a whole number >= 1, e.g. 5 for ZIP codes."
MASK_UNCOVERED = (
    "{where}: column {column!r} holds {value!r}, which is not a {length}-character code; masking "
    "generalizes fixed-length codes such as ZIP codes. Store them as text with leading zeros."
)
BAD_HIERARCHIES = (
    "{where}: hierarchies must be a dict from column name to a Hierarchy, got {kind}; pass e.g. "
    "{{'age': IntervalHierarchy(widths=(5, 10))}}."
)
NOT_A_HIERARCHY = (
    "{where}: the hierarchy for column {column!r} is a {kind}, not a govkit Hierarchy; build one "
    "with IntervalHierarchy, MappingHierarchy, MaskingHierarchy or FlatHierarchy."
)
MISSING_HIERARCHY = (
    "{where}: no hierarchy for column {column!r}; add one to hierarchies=, e.g. "
    "default_hierarchies(frame, [{column!r}])."
)


def format_number(x: float) -> str:
    """A number as short text: 25 not 25.0, 2.5 as 2.5."""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def check_number(value: Any, name: str, where: str, *, positive: bool = False) -> float:
    """A finite number (``positive``: > 0) as float; the messages name ``where`` and ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(BAD_WIDTH.format(where=where, value=value) if name == "width" else
                        f"{where}: {name}={value!r} must be a finite number.")
    if positive and value <= 0:
        raise ValueError(BAD_WIDTH.format(where=where, value=value))
    return float(value)


def check_level(hierarchy: Hierarchy, level: Any, column: str, where: str) -> int:
    """``level`` as an int if it is a level of ``hierarchy``; otherwise name the levels there are."""
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not (
        0 <= level < hierarchy.n_levels
    ):
        raise ValueError(
            BAD_LEVEL.format(
                where=where, level=level, column=column, top=hierarchy.n_levels - 1,
                names=", ".join(hierarchy.level_names),
            )
        )
    return int(level)


# -- hierarchies ----------------------------------------------------------------------


class Hierarchy:
    """Base class of generalization hierarchies: level 0 is the original value, the last is ``*``.

    Subclasses implement :meth:`_generalize` (for levels between the first
    and the last) and may override :meth:`check` and :meth:`order`.

    Attributes
    ----------
    kind : {"numeric", "categorical"}
    level_names : tuple of str
        A short description of every level, level 0 first.
    """

    kind = "categorical"

    @property
    def level_names(self) -> tuple[str, ...]:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    @property
    def n_levels(self) -> int:
        """Number of levels, including the original (0) and the fully suppressed one."""
        return len(self.level_names)

    def check(self, values: pd.Series, column: str, where: str = "hierarchy") -> None:
        """Raise ``ValueError`` if a non-missing value of ``values`` is not covered."""

    def order(self, values: pd.Series) -> list[Any]:
        """The distinct non-missing values of ``values`` in hierarchy order (related values adjacent)."""
        present = pd.unique(values.dropna())
        try:
            return sorted(present)
        except TypeError:
            return sorted(present, key=str)

    def generalize(self, values: pd.Series, level: int, *, column: str | None = None) -> pd.Series:
        """Return ``values`` generalized to ``level`` (missing values stay missing below ``*``).

        Parameters
        ----------
        values : pandas.Series
        level : int
            0 (unchanged) to ``n_levels - 1`` (every value becomes ``"*"``).
        column : str, optional
            Name used in error messages (defaults to ``values.name``).
        """
        column = column if column is not None else str(values.name)
        check_level(self, level, column, "Hierarchy.generalize")
        if level == 0:
            return values.copy()
        if level == self.n_levels - 1:
            return pd.Series(SUPPRESSED, index=values.index, name=values.name, dtype=object)
        self.check(values, column)
        out = self._generalize(values, int(level))
        return pd.Series(out, index=values.index, name=values.name, dtype=object)

    def _generalize(self, values: pd.Series, level: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def spec(self) -> dict[str, Any]:
        """Everything that defines the hierarchy, as JSON-friendly data."""
        return {"type": type(self).__name__, "kind": self.kind}

    @property
    def fingerprint(self) -> str:
        """sha256 of :meth:`spec`: equal for hierarchies that generalize identically."""
        text = json.dumps(self.spec(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(levels={list(self.level_names)})"


class FlatHierarchy(Hierarchy):
    """Two levels: the original value, or ``*`` (withheld). The fallback for any column.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import FlatHierarchy
    >>> FlatHierarchy().generalize(pd.Series(["a", "b"]), 1).tolist()
    ['*', '*']
    """

    def __init__(self, *, kind: str = "categorical") -> None:
        if kind not in ("numeric", "categorical"):
            raise ValueError(f"FlatHierarchy: kind={kind!r} must be 'numeric' or 'categorical'.")
        self.kind = kind

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("original", SUPPRESSED)


class IntervalHierarchy(Hierarchy):
    """Numeric intervals of growing width, with optional top and bottom coding.

    Parameters
    ----------
    widths : sequence of float
        Interval width of levels 1, 2, ...; increasing, each a multiple of the
        previous so the intervals nest (``(5, 10, 20)`` for age).
    origin : float
        Where the grid starts: intervals are ``[origin + i*width, origin + (i+1)*width)``.
    bottom, top : float, optional
        Bottom and top coding: values below ``bottom`` become ``"<bottom"``
        and values at or above ``top`` become ``">=top"`` at every interval
        level. Both must lie on the grid of every width.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import IntervalHierarchy
    >>> h = IntervalHierarchy(widths=(5, 10), top=80)
    >>> h.level_names
    ('original', 'width 5', 'width 10', '*')
    >>> h.generalize(pd.Series([37, 84]), 1).tolist()
    ['[35, 40)', '>=80']
    """

    kind = "numeric"

    def __init__(
        self,
        *,
        widths: Sequence[float] = (5, 10, 20),
        origin: float = 0.0,
        bottom: float | None = None,
        top: float | None = None,
    ) -> None:
        where = "IntervalHierarchy"
        try:
            widths = tuple(check_number(w, "width", where, positive=True) for w in widths)
        except TypeError:
            raise TypeError(BAD_WIDTHS.format(where=where, value=widths)) from None
        if not widths or any(
            b <= a or not math.isclose(b / a, round(b / a)) for a, b in zip(widths, widths[1:], strict=False)
        ):
            raise ValueError(BAD_WIDTHS.format(where=where, value=widths))
        origin = check_number(origin, "origin", where)
        for bound in (bottom, top):
            if bound is not None:
                check_number(bound, "bottom/top", where)
        on_grid = all(
            b is None or math.isclose((b - origin) / w, round((b - origin) / w))
            for b in (bottom, top) for w in widths
        )
        if not on_grid or (bottom is not None and top is not None and bottom >= top):
            raise ValueError(BAD_CODING.format(where=where, bottom=bottom, top=top))
        self.widths = widths
        self.origin = origin
        self.bottom = None if bottom is None else float(bottom)
        self.top = None if top is None else float(top)

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("original", *(f"width {format_number(w)}" for w in self.widths), SUPPRESSED)

    def check(self, values: pd.Series, column: str, where: str = "IntervalHierarchy") -> None:
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ValueError(NOT_NUMERIC.format(where=where, column=column, dtype=values.dtype))

    def _generalize(self, values: pd.Series, level: int) -> np.ndarray:
        return interval_labels(
            values.to_numpy(dtype=float), self.widths[level - 1], self.origin, self.bottom, self.top
        )

    def spec(self) -> dict[str, Any]:
        return {"type": "IntervalHierarchy", "widths": list(self.widths), "origin": self.origin,
                "bottom": self.bottom, "top": self.top}

    def bounds(self, values: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound (upper exclusive) of each value's interval at ``level`` (1..)."""
        width = self.widths[level - 1]
        lower = self.origin + np.floor((values - self.origin) / width) * width
        upper = lower + width
        if self.bottom is not None:
            below = values < self.bottom
            lower = np.where(below, -np.inf, lower)
            upper = np.where(below, self.bottom, upper)
        if self.top is not None:
            above = values >= self.top
            lower = np.where(above, self.top, lower)
            upper = np.where(above, np.inf, upper)
        return lower, upper

    def __repr__(self) -> str:
        parts = [f"widths={tuple(format_number(w) for w in self.widths)}".replace("'", "")]
        if self.origin:
            parts.append(f"origin={format_number(self.origin)}")
        if self.bottom is not None:
            parts.append(f"bottom={format_number(self.bottom)}")
        if self.top is not None:
            parts.append(f"top={format_number(self.top)}")
        return f"IntervalHierarchy({', '.join(parts)})"


def interval_labels(
    values: np.ndarray, width: float, origin: float, bottom: float | None, top: float | None
) -> np.ndarray:
    """Labels ``'[lo, hi)'`` (or ``'<bottom'``, ``'>=top'``) for numbers; NaN stays NaN."""
    out = np.full(values.shape, np.nan, dtype=object)
    present = ~np.isnan(values)
    lower = origin + np.floor((values[present] - origin) / width) * width
    uniques, inverse = np.unique(lower, return_inverse=True)
    labels = np.array([f"[{format_number(u)}, {format_number(u + width)})" for u in uniques], dtype=object)
    chosen = labels[inverse] if uniques.size else np.array([], dtype=object)
    if bottom is not None:
        chosen = np.where(values[present] < bottom, f"<{format_number(bottom)}", chosen)
    if top is not None:
        chosen = np.where(values[present] >= top, f">={format_number(top)}", chosen)
    out[present] = chosen
    return out


class MappingHierarchy(Hierarchy):
    """Categories grouped level by level with user-supplied mappings (a mapping tree).

    Parameters
    ----------
    *mappings : dict
        ``mappings[0]`` maps every original value to its level-1 group,
        ``mappings[1]`` maps every level-1 group to a level-2 group, and so
        on. The top level ``*`` is added automatically. The key order of
        ``mappings[0]`` is the leaf order Mondrian uses to split the column.
    names : sequence of str, optional
        A name per mapping (e.g. ``"level"``, ``"region"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import MappingHierarchy
    >>> h = MappingHierarchy({"Masters": "Graduate", "Doctorate": "Graduate", "HS-grad": "School"},
    ...                      {"Graduate": "Degree", "School": "No degree"})
    >>> h.generalize(pd.Series(["Masters", "HS-grad"]), 2).tolist()
    ['Degree', 'No degree']
    """

    def __init__(self, *mappings: Mapping[Any, Any], names: Sequence[str] | None = None) -> None:
        if not mappings:
            raise ValueError(
                "MappingHierarchy: pass at least one mapping, e.g. "
                "MappingHierarchy({'Masters': 'Graduate', 'Doctorate': 'Graduate'})."
            )
        for mapping in mappings:
            if not isinstance(mapping, Mapping):
                raise TypeError(BAD_MAPPING.format(where="MappingHierarchy", kind=type(mapping).__name__))
        for level in range(1, len(mappings)):
            produced = list(dict.fromkeys(mappings[level - 1].values()))
            missing = [g for g in produced if g not in mappings[level]]
            if missing:
                raise ValueError(
                    BAD_LEVEL_MAPPING.format(
                        level=level + 1, previous=level, missing=missing[0], produced=produced
                    )
                )
        if names is not None and len(names) != len(mappings):
            raise ValueError(
                f"MappingHierarchy: names has {len(names)} entries but there are "
                f"{len(mappings)} mappings; give one name per mapping."
            )
        self.mappings = tuple(dict(m) for m in mappings)
        self.names = tuple(names) if names is not None else tuple(
            f"group {i + 1}" for i in range(len(mappings))
        )
        # the composed mapping from an original value to each level
        composed = [dict(self.mappings[0])]
        for mapping in self.mappings[1:]:
            composed.append({value: mapping[group] for value, group in composed[-1].items()})
        self._composed = composed

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("original", *self.names, SUPPRESSED)

    @property
    def leaves(self) -> tuple[Any, ...]:
        """The original values the hierarchy covers, in leaf order."""
        return tuple(self.mappings[0])

    def check(self, values: pd.Series, column: str, where: str = "MappingHierarchy") -> None:
        present = values.dropna()
        known = present.isin(list(self.mappings[0]))
        if not known.all():
            unknown = present[~known]
            value = unknown.iloc[0]
            extra = ""
            others = pd.unique(unknown)
            if len(others) > 1:
                extra = f" and {len(others) - 1} other value(s)"
            raise ValueError(
                UNCOVERED.format(
                    where=where, column=column, value=value,
                    count=int((present == value).sum()), extra=extra,
                )
            )

    def order(self, values: pd.Series) -> list[Any]:
        present = set(pd.unique(values.dropna()))
        return [leaf for leaf in self.mappings[0] if leaf in present]

    def _generalize(self, values: pd.Series, level: int) -> np.ndarray:
        mapped = values.map(self._composed[level - 1])
        return mapped.to_numpy(dtype=object)

    def spec(self) -> dict[str, Any]:
        return {"type": "MappingHierarchy", "names": list(self.names),
                "mappings": [[[str(k), str(v)] for k, v in m.items()] for m in self.mappings]}

    def members(self, level: int) -> dict[Any, tuple[Any, ...]]:
        """Group at ``level`` -> the original values it stands for (level >= 1)."""
        groups: dict[Any, list[Any]] = {}
        for value, group in self._composed[level - 1].items():
            groups.setdefault(group, []).append(value)
        return {group: tuple(values) for group, values in groups.items()}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{len(set(m.values()))} {name}" for m, name in zip(self._composed, self.names, strict=True))
        return f"MappingHierarchy({len(self.mappings[0])} values -> {sizes} -> *)"


class MaskingHierarchy(Hierarchy):
    """Fixed-length codes (ZIP codes) generalized by masking trailing characters.

    Level ``i`` replaces the last ``i`` characters by ``*``: ``02139`` ->
    ``0213*`` -> ``021**`` -> ... -> ``*``.

    Parameters
    ----------
    length : int
        The code length (5 for US ZIP codes).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import MaskingHierarchy
    >>> MaskingHierarchy(length=5).generalize(pd.Series(["02139"]), 2).tolist()
    ['021**']
    """

    def __init__(self, *, length: int = 5) -> None:
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
            raise ValueError(BAD_MASK_LENGTH.format(value=length))
        self.length = int(length)

    @property
    def level_names(self) -> tuple[str, ...]:
        return (
            "original",
            *(f"last {i} masked" for i in range(1, self.length)),
            SUPPRESSED,
        )

    def check(self, values: pd.Series, column: str, where: str = "MaskingHierarchy") -> None:
        present = values.dropna()
        text = present.astype(str)
        bad = text.str.len() != self.length
        if bad.any():
            raise ValueError(
                MASK_UNCOVERED.format(where=where, column=column, value=present[bad].iloc[0],
                                      length=self.length)
            )

    def _generalize(self, values: pd.Series, level: int) -> np.ndarray:
        text = values.astype(object)
        present = text.notna()
        out = np.full(len(values), np.nan, dtype=object)
        kept = text[present].astype(str).str.slice(0, self.length - level) + "*" * level
        out[present.to_numpy()] = kept.to_numpy(dtype=object)
        return out

    def spec(self) -> dict[str, Any]:
        return {"type": "MaskingHierarchy", "length": self.length}

    def __repr__(self) -> str:
        return f"MaskingHierarchy(length={self.length})"


# -- the Adult defaults -----------------------------------------------------------------

_EDUCATION_LEVEL = {
    "Preschool": "Primary school",
    "1st-4th": "Primary school",
    "5th-6th": "Primary school",
    "7th-8th": "Primary school",
    "9th": "Some high school",
    "10th": "Some high school",
    "11th": "Some high school",
    "12th": "Some high school",
    "HS-grad": "High-school graduate",
    "Some-college": "Some college",
    "Assoc-voc": "Some college",
    "Assoc-acdm": "Some college",
    "Bachelors": "Bachelors",
    "Masters": "Graduate degree",
    "Prof-school": "Graduate degree",
    "Doctorate": "Graduate degree",
}
_EDUCATION_BAND = {
    "Primary school": "No high-school diploma",
    "Some high school": "No high-school diploma",
    "High-school graduate": "High school or some college",
    "Some college": "High school or some college",
    "Bachelors": "University degree",
    "Graduate degree": "University degree",
}
_MARITAL_GROUP = {
    "Never-married": "Never married",
    "Married-civ-spouse": "Married",
    "Married-AF-spouse": "Married",
    "Married-spouse-absent": "Married",
    "Separated": "Previously married",
    "Divorced": "Previously married",
    "Widowed": "Previously married",
}
_MARITAL_EVER = {
    "Never married": "Never married",
    "Married": "Ever married",
    "Previously married": "Ever married",
}
_REGIONS = {
    "United States": ["United-States", "Outlying-US(Guam-USVI-etc)"],
    "Canada": ["Canada"],
    "Latin America and Caribbean": [
        "Mexico", "Puerto-Rico", "Cuba", "Dominican-Republic", "Jamaica", "Haiti",
        "Trinadad&Tobago", "El-Salvador", "Guatemala", "Honduras", "Nicaragua", "Columbia",
        "Ecuador", "Peru",
    ],
    "Europe": [
        "England", "Scotland", "Ireland", "France", "Germany", "Holand-Netherlands", "Italy",
        "Portugal", "Greece", "Poland", "Hungary", "Yugoslavia",
    ],
    "Asia": [
        "China", "Hong", "Taiwan", "Japan", "South", "Philippines", "Vietnam", "Laos",
        "Cambodia", "Thailand", "India", "Iran",
    ],
}
_COUNTRY_REGION = {country: region for region, countries in _REGIONS.items() for country in countries}
_REGION_US = {region: "United States" if region == "United States" else "Outside the US"
              for region in _REGIONS}
_OCCUPATION_GROUP = {
    "Exec-managerial": "White collar",
    "Prof-specialty": "White collar",
    "Tech-support": "White collar",
    "Sales": "White collar",
    "Adm-clerical": "White collar",
    "Craft-repair": "Blue collar",
    "Machine-op-inspct": "Blue collar",
    "Transport-moving": "Blue collar",
    "Handlers-cleaners": "Blue collar",
    "Farming-fishing": "Blue collar",
    "Other-service": "Service",
    "Priv-house-serv": "Service",
    "Protective-serv": "Service",
    "Armed-Forces": "Armed forces",
}
_WORKCLASS_GROUP = {
    "Private": "Private",
    "Self-emp-not-inc": "Self-employed",
    "Self-emp-inc": "Self-employed",
    "Federal-gov": "Government",
    "State-gov": "Government",
    "Local-gov": "Government",
    "Without-pay": "Not paid",
    "Never-worked": "Not paid",
}

#: Hierarchies for UCI Adult's quasi-identifiers (and the synthetic ZIP code).
ADULT_HIERARCHIES: dict[str, Hierarchy] = {
    "age": IntervalHierarchy(widths=(5, 10, 20), top=80),
    "sex": FlatHierarchy(),
    "race": FlatHierarchy(),
    "marital-status": MappingHierarchy(_MARITAL_GROUP, _MARITAL_EVER, names=("group", "ever married")),
    "education": MappingHierarchy(_EDUCATION_LEVEL, _EDUCATION_BAND, names=("level", "band")),
    "native-country": MappingHierarchy(_COUNTRY_REGION, _REGION_US, names=("region", "US or not")),
    "workclass": MappingHierarchy(_WORKCLASS_GROUP, names=("sector",)),
    "occupation": MappingHierarchy(_OCCUPATION_GROUP, names=("group",)),
    "zip_code": MaskingHierarchy(length=5),
}


def _nice_width(span: float) -> float:
    """A round interval width (1, 2 or 5 times a power of ten) giving about 20 intervals."""
    if span <= 0:
        return 1.0
    raw = span / 20
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def default_hierarchies(frame: pd.DataFrame, quasi_identifiers: Sequence[str]) -> dict[str, Hierarchy]:
    """Sensible hierarchies for the given quasi-identifiers of ``frame``.

    Uses :data:`ADULT_HIERARCHIES` for Adult's column names when they cover
    the column's values; otherwise numeric columns get nested intervals
    (a round width giving about 20 intervals, then 2x and 4x that width) and
    categorical columns the two-level :class:`FlatHierarchy` (original or
    ``*``). Supply your own mapping trees for categorical columns to give the
    full-domain search more choices than "keep or withhold".

    Examples
    --------
    >>> from govkit.anonymization import default_hierarchies
    >>> from govkit.datasets import load_adult
    >>> hierarchies = default_hierarchies(load_adult().frame, ["age", "education"])
    >>> hierarchies["education"].level_names
    ('original', 'level', 'band', '*')
    """
    frame, _ = as_frame(frame, func="default_hierarchies", param="frame")
    return hierarchies_for(frame, check_quasi_identifiers(frame, quasi_identifiers, "default_hierarchies"))


def hierarchies_for(frame: pd.DataFrame, quasi_identifiers: Sequence[str]) -> dict[str, Hierarchy]:
    """:func:`default_hierarchies` for columns known to be in ``frame`` (possibly none)."""
    out: dict[str, Hierarchy] = {}
    for column in quasi_identifiers:
        values = frame[column]
        known = ADULT_HIERARCHIES.get(column)
        if known is not None:
            try:
                known.check(values, column)
                out[column] = known
                continue
            except ValueError:
                pass
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            low, high = float(values.min()), float(values.max())
            width = _nice_width(high - low)
            origin = math.floor(low / width) * width
            out[column] = IntervalHierarchy(widths=(width, 2 * width, 4 * width), origin=origin)
        else:
            out[column] = FlatHierarchy()
    return out


def check_hierarchies(
    hierarchies: Any, frame: pd.DataFrame, columns: Sequence[str], where: str
) -> dict[str, Hierarchy]:
    """Validate user hierarchies for ``columns`` (filling gaps with defaults) against the data."""
    if hierarchies is None:
        hierarchies = {}
    if not isinstance(hierarchies, Mapping):
        raise TypeError(BAD_HIERARCHIES.format(where=where, kind=type(hierarchies).__name__))
    chosen = hierarchies_for(frame, [c for c in columns if c not in hierarchies])
    for column in columns:
        if column in hierarchies:
            hierarchy = hierarchies[column]
            if not isinstance(hierarchy, Hierarchy):
                raise TypeError(
                    NOT_A_HIERARCHY.format(where=where, column=column, kind=type(hierarchy).__name__)
                )
            hierarchy.check(frame[column], column, where)
            chosen[column] = hierarchy
    return {column: chosen[column] for column in columns}
