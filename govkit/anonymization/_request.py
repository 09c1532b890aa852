"""A validated :func:`anonymize` call: every argument checked once, and the privacy model it asks for.

:func:`validate_request` checks the arguments (each message names the
parameter, the value and the fix) and returns a :class:`Request`;
:func:`requirements_for` turns it into the :class:`~._requirements.Requirements`
Mondrian and the full-domain search check. The live panel validates its
settings the same way, so the panel and :func:`anonymize` can never disagree
on what a valid setting is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import check_random_state
from govkit.datasets import Dataset, as_frame

from ._assess import sensitive_codes
from ._checks import (
    DIVERSITIES,
    DIVERSITY_WHY,
    check_choice_why,
    check_k,
    check_l,
    check_max_suppression,
    check_quasi_identifiers,
    check_sensitive,
    check_t,
)
from ._hierarchies import Hierarchy, check_hierarchies
from ._requirements import Requirements

__all__ = [
    "ANONYMIZATION_METHODS",
    "IDENTIFIER_ACTIONS",
    "NUMERIC_RELEASES",
    "Request",
    "requirements_for",
    "validate_request",
]

#: The anonymization methods: Mondrian partitioning, or the full-domain ("global") search.
ANONYMIZATION_METHODS = ("mondrian", "global")
#: How numeric quasi-identifiers are released: "[lo, hi]" text, the midpoint, or the class mean.
NUMERIC_RELEASES = ("range", "midpoint", "mean")
#: What happens to a Dataset's direct identifiers.
IDENTIFIER_ACTIONS = ("drop", "pseudonymize")

METHOD_WHY = (
    "'mondrian' cuts the data into boxes (LeFevre et al.), 'global' picks one hierarchy level "
    "per column (ARX's full-domain search)."
)
NUMERIC_RELEASE_WHY = (
    "'range' releases '[lo, hi]', 'midpoint' the middle of the range, 'mean' the class mean."
)
IDENTIFIERS_WHY = (
    "Direct identifiers are either removed ('drop') or replaced by keyed pseudonyms "
    "('pseudonymize'), never released."
)
MEAN_NEEDS_MONDRIAN = (
    "{func}: numeric_release='mean' needs method='mondrian' (a full-domain release "
    "generalizes whole columns, so it releases intervals or their midpoints); pass "
    "numeric_release='range' or 'midpoint'."
)
LT_NEED_SENSITIVE = (
    "{func}: l and t need a sensitive attribute, and data is a DataFrame; pass "
    "sensitive_column='<column>'."
)


@dataclass(frozen=True, eq=False)
class Request:
    """A validated anonymization request (see :func:`anonymize` for each field)."""

    frame: pd.DataFrame
    dataset: Dataset | None
    quasi_identifiers: tuple[str, ...]
    k: int
    l: float | None  # noqa: E741 - the privacy model's name
    t: float | None
    sensitive_column: str | None
    method: str
    max_suppression: float
    diversity: str
    hierarchies: dict[str, Hierarchy]
    numeric_release: str
    identifiers: str
    id_columns: list[str]
    drop_recodings: bool
    random_state: Any


def validate_request(
    data, *, quasi_identifiers, k, l, t, sensitive_column, method, max_suppression,  # noqa: E741
    diversity, hierarchies, numeric_release, identifiers, drop_recodings, random_state, func,
    hierarchies_checked: bool = False,
) -> Request:
    """Check every argument of :func:`anonymize` (messages name the parameter, value and fix).

    ``hierarchies_checked`` says the caller validated these exact hierarchies
    against this frame before (the live panel), so they are not checked again.
    """
    frame, dataset = as_frame(data, func=func)
    if quasi_identifiers is None and dataset is not None:
        quasi_identifiers = dataset.quasi_identifiers
    qis = check_quasi_identifiers(
        frame, quasi_identifiers if quasi_identifiers is not None else (), func,
        why="" if quasi_identifiers is not None else " (and data is not a Dataset with them)",
    )
    k = check_k(k, len(frame), func)
    check_choice_why(method, ANONYMIZATION_METHODS, param="method", func=func, why=METHOD_WHY)
    check_choice_why(numeric_release, NUMERIC_RELEASES, param="numeric_release", func=func,
                     why=NUMERIC_RELEASE_WHY)
    if numeric_release == "mean" and method != "mondrian":
        raise ValueError(MEAN_NEEDS_MONDRIAN.format(func=func))
    check_choice_why(identifiers, IDENTIFIER_ACTIONS, param="identifiers", func=func,
                     why=IDENTIFIERS_WHY)
    random_state = check_random_state(random_state, func=func)
    max_suppression = check_max_suppression(max_suppression, func)
    check_choice_why(diversity, DIVERSITIES, param="diversity", func=func, why=DIVERSITY_WHY)
    t = check_t(t, func)
    sensitive_column, l = _check_sensitive_model(frame, dataset, qis, sensitive_column, l, t,  # noqa: E741
                                                 diversity, func)
    id_columns = [c for c in dataset.identifiers if c not in qis] if dataset is not None else []
    if hierarchies_checked:
        chosen = {c: hierarchies[c] for c in qis}
    else:
        chosen = check_hierarchies(hierarchies, frame, qis, func)
    return Request(
        frame=frame, dataset=dataset, quasi_identifiers=qis, k=k, l=l, t=t,
        sensitive_column=sensitive_column, method=method, max_suppression=max_suppression,
        diversity=diversity, hierarchies=chosen, numeric_release=numeric_release,
        identifiers=identifiers, id_columns=id_columns, drop_recodings=bool(drop_recodings),
        random_state=random_state,
    )


def _check_sensitive_model(frame, dataset, qis, sensitive_column, l, t, diversity, func):  # noqa: E741
    """The sensitive column (a Dataset's target by default) and l, checked against it."""
    if sensitive_column is None and dataset is not None:
        sensitive_column = dataset.target
    if sensitive_column is None and (l is not None or t is not None):
        raise ValueError(LT_NEED_SENSITIVE.format(func=func))
    if sensitive_column is not None:
        sensitive_column = check_sensitive(frame, sensitive_column, qis, func,
                                           "l-diversity and t-closeness")
        l = check_l(l, diversity, frame[sensitive_column], sensitive_column, func)  # noqa: E741
    return sensitive_column, l


def requirements_for(request: Request, *, keep_sensitive: bool = False) -> Requirements:
    """The privacy model ``request`` asks for, with the suppression limit as a number of rows.

    The sensitive column's codes are included when l or t is asked for, or
    when ``keep_sensitive`` (a lattice the live panel reuses for later
    settings that may ask for them).
    """
    l, diversity = request.l, request.diversity  # noqa: E741
    diverse_or_close = l is not None or request.t is not None
    codes, n_values, reference, ordered = None, 0, None, False
    if request.sensitive_column is not None and (diverse_or_close or keep_sensitive):
        codes, n_values, ordered = sensitive_codes(request.frame[request.sensitive_column])
        reference = np.bincount(codes, minlength=n_values) / len(codes)
    return Requirements(
        k=request.k,
        l_distinct=int(l) if (l is not None and diversity == "distinct") else None,
        l_entropy=float(l) if (l is not None and diversity == "entropy") else None,
        t=request.t,
        max_suppressed=int(np.floor(request.max_suppression * len(request.frame) + 1e-9)),
        sensitive_codes=codes,
        n_values=n_values,
        reference=reference,
        ordered=ordered,
    )

