"""Public domain knowledge about the columns: numeric ranges and category lists.

Differential privacy protects the *data*; anything computed from the data
before the noise (a min/max used to clamp or scale, the list of categories
seen, a standard deviation used to standardise) escapes the guarantee. DP
models and statistics therefore need bounds and category domains from
somewhere else: a codebook, a survey's documentation, the law, common sense.
A :class:`PublicDomain` holds them and says where they came from.

For UCI Adult, :meth:`PublicDomain.adult` reads the categories from the
public codebook ``data/adult.names`` and uses documented public ranges for the
numbers (ages 17 to 90, hours 1 to 99, ...). For an analyst's own CSV, build
one with :meth:`PublicDomain.from_config` (a dict, e.g. read from YAML), or
let :meth:`PublicDomain.from_data` derive one from the data, which raises a
:class:`~govkit.exceptions.PrivacyLeakWarning`, because that leaks.

No library offers this piece on its own (diffprivlib asks for ``bounds=`` per
call, interpret for ``privacy_bounds=``), hence this small module; it feeds
both of those styles.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govkit.datasets import ADULT_COLUMNS, Dataset, adult_data_dir
from govkit.exceptions import PrivacyLeakWarning

from ._validation import check_bounds

__all__ = ["PublicDomain"]

_BAD_CONFIG = (
    "PublicDomain.from_config: config must be a dict with the keys 'numeric' "
    "(column -> [lower, upper]) and/or 'categorical' (column -> list of categories), "
    "optionally 'log_scale' (list of numeric columns) and 'source' (text); got {value!r}. "
    "Example: {{'numeric': {{'age': [18, 99]}}, 'categorical': {{'sex': ['F', 'M']}}, "
    "'source': 'survey codebook 2024'}}."
)
_UNKNOWN_KEYS = (
    "PublicDomain.from_config: unknown key(s) {keys}; the allowed keys are 'numeric', "
    "'categorical', 'log_scale' and 'source'."
)
_BAD_CATEGORIES = (
    "categorical[{column!r}]={value!r} must be a non-empty list of category labels (strings), "
    "taken from a codebook or form, e.g. ['Female', 'Male']."
)
_BOTH_KINDS = (
    "PublicDomain: column {column!r} is listed as both numeric and categorical; keep it in one."
)
_LOG_NOT_NUMERIC = (
    "log_scale: column {column!r} has no numeric bounds; log scaling applies to numeric columns "
    "only. Add it to 'numeric' or remove it from 'log_scale'."
)
_LOG_NEGATIVE = (
    "log_scale: column {column!r} has lower bound {lower}; log scaling (log1p) needs "
    "lower >= 0. Remove it from 'log_scale' or use non-negative bounds."
)
_MISSING_COLUMNS = (
    "{func}: the public domain does not cover feature column(s) {columns} of the data. "
    "DP needs every input's range or categories from outside the data: add them to the "
    "domain's config (e.g. {{'numeric': {{{example!r}: [lower, upper]}}}}), or drop the "
    "column(s) from the data first."
)
_NOT_NUMERIC = (
    "{func}: column {column!r} has public numeric bounds but holds non-numeric values "
    "(dtype {dtype}); move it to 'categorical' in the domain or convert the column."
)
_DERIVED_WARNING = (
    "PublicDomain.from_data: the bounds of {numeric} and the categories of {categorical} were "
    "read from the private data itself. A minimum, a maximum or the list of values seen "
    "can reveal individual records (the oldest person's age, a rare country) and lies "
    "outside the privacy guarantee. Fix: supply them from domain knowledge with "
    "PublicDomain.from_config({{'numeric': {{...}}, 'categorical': {{...}}}})."
)

#: Public numeric ranges of UCI Adult, and why each is public knowledge.
ADULT_NUMERIC_BOUNDS: dict[str, tuple[float, float]] = {
    "age": (17.0, 90.0),
    "fnlwgt": (0.0, 2_000_000.0),
    "education-num": (1.0, 16.0),
    "capital-gain": (0.0, 99_999.0),
    "capital-loss": (0.0, 10_000.0),
    "hours-per-week": (1.0, 99.0),
}
ADULT_BOUNDS_SOURCE = (
    "categories: the UCI codebook data/adult.names; ranges: the extraction rules and CPS "
    "public-use top codes (age 17-90: the extract keeps age > 16 and the CPS top-codes age at "
    "90; hours 1-99: hours > 0 and the CPS top code 99; education-num 1-16: the 16 education "
    "levels of the codebook; capital-gain 0-99,999: the CPS top code; capital-loss 0-10,000 "
    "and fnlwgt 0-2,000,000: generous public caps, values above are clipped)"
)
ADULT_LOG_SCALE = ("fnlwgt", "capital-gain", "capital-loss")


def _read_codebook() -> dict[str, tuple[str, ...]]:
    """Category lists of the categorical Adult columns, parsed from ``adult.names``."""
    text = (adult_data_dir() / "adult.names").read_text(encoding="utf-8", errors="replace")
    categories: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        name = name.strip()
        if not sep or name not in ADULT_COLUMNS or "continuous" in rest:
            continue
        values = tuple(v.strip() for v in rest.strip().rstrip(".").split(",") if v.strip())
        if values:
            categories[name] = values
    return categories


def _plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


@dataclass(frozen=True)
class PublicDomain:
    """Public ranges and categories of a dataset's columns, and where they come from.

    Parameters
    ----------
    numeric : dict
        Column -> ``(lower, upper)``: values are clamped into this range.
    categorical : dict
        Column -> tuple of category labels. Values outside the list (and
        missing values) get their own ``other`` / ``missing`` indicator, so the
        output never depends on which rare values happen to be in the data.
    log_scale : tuple of str
        Numeric columns scaled by ``log1p`` before being mapped to [0, 1]
        (long-tailed money amounts); a public transformation.
    source : str
        Where the bounds come from (recorded in the ledger).
    derived_from_data : bool
        True when some bounds were read from the private data
        (:meth:`from_data`); the ledger records it.

    Examples
    --------
    >>> from govkit.privacy import PublicDomain
    >>> domain = PublicDomain.adult()
    >>> domain.numeric["age"], domain.categorical["sex"]
    ((17.0, 90.0), ('Female', 'Male'))
    >>> PublicDomain.from_config({"numeric": {"hours": [0, 80]}}).numeric
    {'hours': (0.0, 80.0)}
    """

    numeric: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    categorical: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    log_scale: tuple[str, ...] = ()
    source: str = "supplied by the caller"
    derived_from_data: bool = False

    def __post_init__(self) -> None:
        numeric = {
            str(c): check_bounds(b, name=f"numeric[{c!r}]") for c, b in dict(self.numeric).items()
        }
        categorical = {}
        for column, values in dict(self.categorical).items():
            if isinstance(values, str) or not isinstance(values, Iterable):
                raise TypeError(_BAD_CATEGORIES.format(column=column, value=values))
            values = tuple(dict.fromkeys(str(v) for v in values))
            if not values:
                raise ValueError(_BAD_CATEGORIES.format(column=column, value=values))
            categorical[str(column)] = values
        for column in numeric:
            if column in categorical:
                raise ValueError(_BOTH_KINDS.format(column=column))
        log_scale = (self.log_scale,) if isinstance(self.log_scale, str) else self.log_scale
        log_scale = tuple(dict.fromkeys(str(c) for c in log_scale))
        for column in log_scale:
            if column not in numeric:
                raise ValueError(_LOG_NOT_NUMERIC.format(column=column))
            if numeric[column][0] < 0:
                raise ValueError(_LOG_NEGATIVE.format(column=column, lower=numeric[column][0]))
        object.__setattr__(self, "numeric", numeric)
        object.__setattr__(self, "categorical", categorical)
        object.__setattr__(self, "log_scale", log_scale)

    # -- constructors -------------------------------------------------------------
    @classmethod
    def adult(cls) -> PublicDomain:
        """The public domain of UCI Adult: codebook categories and documented ranges.

        Examples
        --------
        >>> from govkit.privacy import PublicDomain
        >>> len(PublicDomain.adult().categorical["native-country"])
        41
        """
        codebook = _read_codebook()
        categorical = {c: v for c, v in codebook.items() if c != "income"}
        return cls(
            numeric=dict(ADULT_NUMERIC_BOUNDS),
            categorical=categorical,
            log_scale=ADULT_LOG_SCALE,
            source=ADULT_BOUNDS_SOURCE,
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PublicDomain:
        """Build a domain from a plain dict (e.g. loaded from a YAML or JSON file).

        Parameters
        ----------
        config : dict
            ``{"numeric": {column: [lower, upper]}, "categorical": {column:
            [labels]}, "log_scale": [columns], "source": "where from"}``;
            every key is optional.

        Examples
        --------
        >>> from govkit.privacy import PublicDomain
        >>> domain = PublicDomain.from_config({
        ...     "numeric": {"salary": [0, 250000]}, "log_scale": ["salary"],
        ...     "categorical": {"grade": ["A", "B", "C"]}, "source": "HR handbook"})
        >>> domain.to_config()["categorical"]
        {'grade': ['A', 'B', 'C']}
        """
        if not isinstance(config, Mapping):
            raise TypeError(_BAD_CONFIG.format(value=config))
        unknown = set(config) - {"numeric", "categorical", "log_scale", "source"}
        if unknown:
            raise ValueError(_UNKNOWN_KEYS.format(keys=sorted(unknown)))
        numeric = config.get("numeric") or {}
        categorical = config.get("categorical") or {}
        if not isinstance(numeric, Mapping) or not isinstance(categorical, Mapping):
            raise TypeError(_BAD_CONFIG.format(value=config))
        return cls(
            numeric=numeric,
            categorical=categorical,
            log_scale=tuple(config.get("log_scale") or ()),
            source=str(config.get("source") or "supplied by the caller"),
        )

    @classmethod
    def from_data(cls, data: Dataset) -> PublicDomain:
        """Derive bounds and categories from the data itself, with a PrivacyLeakWarning.

        A last resort for a first look at an analyst's own CSV: the result is
        *not* public knowledge, so the DP guarantee of anything built on it
        does not cover these bounds. The warning says so and how to fix it;
        :meth:`to_config` gives a dict to review, correct and pass back to
        :meth:`from_config`.

        Examples
        --------
        >>> import warnings
        >>> import pandas as pd
        >>> from govkit.datasets import Dataset
        >>> from govkit.exceptions import PrivacyLeakWarning
        >>> from govkit.privacy import PublicDomain
        >>> frame = pd.DataFrame({"age": [25, 60], "sex": ["F", "M"], "y": [0, 1]})
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     domain = PublicDomain.from_data(Dataset(frame, target="y", positive_label=1))
        >>> domain.numeric["age"], caught[0].category is PrivacyLeakWarning
        ((25.0, 60.0), True)
        """
        if not isinstance(data, Dataset):
            raise TypeError(
                f"PublicDomain.from_data: data must be a govkit Dataset, got "
                f"{type(data).__name__}; wrap the frame with govkit.datasets.Dataset(...)."
            )
        frame = data.frame
        numeric = {}
        for column in data.numeric:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            lower, upper = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
            if lower >= upper:
                upper = lower + 1.0
            numeric[column] = (lower, upper)
        categorical = {
            column: tuple(sorted(str(v) for v in frame[column].dropna().unique())) or ("missing",)
            for column in data.categorical
        }
        warnings.warn(
            _DERIVED_WARNING.format(numeric=list(numeric), categorical=list(categorical)),
            PrivacyLeakWarning,
            stacklevel=2,
        )
        return cls(
            numeric=numeric,
            categorical=categorical,
            source=f"derived from the private data {data.name!r} (not public: leaks)",
            derived_from_data=True,
        )

    @classmethod
    def resolve(
        cls, data: Dataset, domain: PublicDomain | Mapping[str, Any] | None, *, stacklevel: int = 2
    ) -> PublicDomain:
        """The domain to use for ``data``: the one given, Adult's for Adult, else from the data.

        ``None`` means "the public default": :meth:`adult` when ``data`` has
        Adult's columns, otherwise :meth:`from_data` (with its warning). A
        dict is passed to :meth:`from_config`. ``stacklevel`` is the warning's,
        counted from the caller of ``resolve`` (2: that caller's caller).

        Examples
        --------
        >>> from govkit.datasets import load_adult
        >>> from govkit.privacy import PublicDomain
        >>> PublicDomain.resolve(load_adult("test"), None).derived_from_data
        False
        """
        if isinstance(domain, PublicDomain):
            resolved = domain
        elif isinstance(domain, Mapping):
            resolved = cls.from_config(domain)
        elif domain is None:
            adult_features = set(ADULT_COLUMNS) - {"income"}
            if set(data.feature_names) <= adult_features and data.target == "income":
                resolved = cls.adult()
            else:
                with warnings.catch_warnings():
                    # re-raised below so that it points at the caller's caller
                    warnings.simplefilter("ignore", PrivacyLeakWarning)
                    resolved = cls.from_data(data)
                warnings.warn(
                    _DERIVED_WARNING.format(
                        numeric=list(resolved.numeric), categorical=list(resolved.categorical)
                    ),
                    PrivacyLeakWarning,
                    stacklevel=stacklevel + 1,
                )
        else:
            raise TypeError(
                f"domain must be a PublicDomain, a config dict or None, got "
                f"{type(domain).__name__}; see PublicDomain.from_config."
            )
        return resolved

    # -- use ---------------------------------------------------------------------
    def covers(self, data: Dataset, *, func: str = "PublicDomain.covers") -> None:
        """Raise ValueError unless every feature column of ``data`` has a public range or list."""
        missing = [
            c for c in data.feature_names if c not in self.numeric and c not in self.categorical
        ]
        if missing:
            raise ValueError(_MISSING_COLUMNS.format(func=func, columns=missing, example=missing[0]))
        for column in data.feature_names:
            if column in self.numeric and not pd.api.types.is_numeric_dtype(data.frame[column]):
                raise ValueError(
                    _NOT_NUMERIC.format(func=func, column=column, dtype=data.frame[column].dtype)
                )

    def restrict(self, columns: Iterable[str]) -> PublicDomain:
        """The same domain limited to ``columns`` (those it knows)."""
        columns = list(columns)
        return PublicDomain(
            numeric={c: self.numeric[c] for c in columns if c in self.numeric},
            categorical={c: self.categorical[c] for c in columns if c in self.categorical},
            log_scale=tuple(c for c in self.log_scale if c in columns),
            source=self.source,
            derived_from_data=self.derived_from_data,
        )

    def to_config(self) -> dict[str, Any]:
        """A plain dict (JSON/YAML-ready) that :meth:`from_config` turns back into this domain."""
        return {
            "numeric": {
                c: [_plain_number(lo), _plain_number(hi)] for c, (lo, hi) in self.numeric.items()
            },
            "categorical": {c: list(v) for c, v in self.categorical.items()},
            "log_scale": list(self.log_scale),
            "source": self.source,
        }

    def summary(self) -> dict[str, Any]:
        """What the ledger records about the domain: columns, bounds, sizes, provenance."""
        return {
            "numeric_bounds": {
                c: [_plain_number(lo), _plain_number(hi)] for c, (lo, hi) in self.numeric.items()
            },
            "category_counts": {c: len(v) for c, v in self.categorical.items()},
            "log_scale": list(self.log_scale),
            "source": self.source,
            "derived_from_data": self.derived_from_data,
        }

    def midpoint(self, column: str) -> float:
        """The middle of a numeric column's public range (used to fill missing values)."""
        lower, upper = self.numeric[column]
        if column in self.log_scale:
            return float(math.expm1((math.log1p(lower) + math.log1p(upper)) / 2))
        return (lower + upper) / 2
