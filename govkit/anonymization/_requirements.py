"""The privacy model a release must meet, as one value shared by Mondrian and the full-domain search.

Mondrian (:mod:`._mondrian`), the generalization lattice and its search
(:mod:`._search`) check the same requirements on every class they consider:
at least ``k`` rows, optionally ``l`` distinct or entropy-``l`` sensitive
values and an Earth Mover's Distance of at most ``t`` from the whole data's
sensitive distribution, with at most ``max_suppressed`` rows withheld.
:class:`Requirements` carries those numbers and the sensitive column's codes
together, and :meth:`Requirements.class_fails` is the one place that decides
whether a class breaks them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Requirements"]

#: Slack on entropy and distance comparisons (floating-point sums of shares).
TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Requirements:
    """k, l and t of a release, the suppression limit, and the sensitive column as codes.

    Attributes
    ----------
    k : int
        Smallest allowed class size.
    l_distinct : int or None
        Fewest distinct sensitive values a class may hold.
    l_entropy : float or None
        Entropy l-diversity: every class's entropy must reach ``log(l_entropy)``.
    t : float or None
        Largest Earth Mover's Distance of a class's sensitive distribution from ``reference``.
    max_suppressed : int
        Rows that may be withheld.
    sensitive_codes : ndarray of int or None
        The sensitive value of every row as codes ``0..n_values-1`` (needed for l and t).
    n_values : int
        Number of sensitive codes.
    reference : ndarray or None
        The whole data's sensitive distribution (for t).
    ordered : bool
        Ordered (numeric) or equal (categorical) ground distance for t.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.anonymization._requirements import Requirements
    >>> Requirements(k=3).class_fails(np.array([2, 3, 5])).tolist()
    [True, False, False]
    """

    k: int
    l_distinct: int | None = None
    l_entropy: float | None = None
    t: float | None = None
    max_suppressed: int = 0
    sensitive_codes: np.ndarray | None = None
    n_values: int = 0
    reference: np.ndarray | None = None
    ordered: bool = False

    @property
    def diverse_or_close(self) -> bool:
        """Whether l or t is asked for (so classes need the sensitive statistics)."""
        return self.l_distinct is not None or self.l_entropy is not None or self.t is not None

    @property
    def uses_sensitive(self) -> bool:
        """Whether l or t is asked for and the sensitive codes are there to check it."""
        return self.sensitive_codes is not None and self.diverse_or_close

    @property
    def log_l(self) -> float | None:
        return None if self.l_entropy is None else math.log(self.l_entropy)

    def class_fails(
        self,
        sizes: np.ndarray,
        distinct: np.ndarray | None = None,
        entropy: np.ndarray | None = None,
        distance: np.ndarray | None = None,
        *,
        monotone_only: bool = False,
    ) -> np.ndarray:
        """Which classes break the requirements, from their sizes and sensitive statistics.

        ``distinct``, ``entropy`` (nats) and ``distance`` (Earth Mover's) are
        per class, as :func:`._assess.class_diversity` gives them; each is read
        only when its requirement is set. ``monotone_only`` checks only k and
        distinct l, the requirements that every finer generalization also
        breaks (the full-domain search prunes with them).
        """
        fails = sizes < self.k
        if self.l_distinct is not None:
            fails = fails | (distinct < self.l_distinct)
        if monotone_only:
            return fails
        if self.l_entropy is not None:
            fails = fails | (entropy < self.log_l - TOLERANCE)
        if self.t is not None:
            fails = fails | (distance > self.t + TOLERANCE)
        return fails
