"""``anonymize``: one call from a Dataset to a k-anonymous (l-diverse, t-close) release.

It drops or pseudonymizes the direct identifiers, generalizes the
quasi-identifiers with Mondrian or the full-domain search, withholds (and
counts) the rows that cannot be released, shuffles the released rows (row
order and index labels would otherwise link them back to the source), measures
the result with :func:`assess`, and writes one ledger record.

The steps of :func:`execute`, each a function below: the privacy model
(:func:`._request.requirements_for`), the generalization (a
:class:`~._release.Release` from Mondrian or the full-domain search), the
published columns, the shuffle, the assembled frame, and the measurement.
The result keeps the data holder's side of the release: which source row each
released row came from, and a ``generalize`` method that maps *new raw*
records onto the release's classes (used to score a model trained on the
release against raw test data, and by the linkage attack).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import as_generator, renamed_keywords
from govkit.datasets import check_identifiers

from ._assess import Assessment, find_recodings, measure
from ._encoding import coded_information_loss, encoding_for
from ._global_release import GlobalRelease
from ._hierarchies import Hierarchy
from ._identifiers import pseudonymize_frame
from ._mondrian import mondrian
from ._mondrian_release import MondrianRelease
from ._release import Release
from ._request import Request, requirements_for, validate_request
from ._requirements import Requirements
from ._result import AnonymizationResult
from ._search import Lattice

__all__ = ["anonymize", "execute", "recorded_random_state"]


@renamed_keywords(sensitive="sensitive_column")
def anonymize(
    data,
    *,
    quasi_identifiers: Sequence[str] | None = None,
    k: int,
    l: float | None = None,  # noqa: E741 - the privacy model's name
    t: float | None = None,
    sensitive_column: str | None = None,
    method: str = "mondrian",
    max_suppression: float = 0.01,
    diversity: str = "distinct",
    hierarchies: Mapping[str, Hierarchy] | None = None,
    numeric_release: str = "range",
    identifiers: str = "drop",
    drop_recodings: bool = True,
    random_state: Any = 0,
    ledger=None,
):
    """Release ``data`` so that every record hides in a class of at least ``k`` (l-diverse, t-close).

    Parameters
    ----------
    data : Dataset or DataFrame
        The data to release; never modified.
    quasi_identifiers : list of str, optional
        Columns an attacker could know. Default: the Dataset's quasi-identifiers.
    k : int
        Smallest allowed class size (2 <= k <= rows).
    l : float, optional
        Require ``l`` distinct (or, with ``diversity="entropy"``, entropy-``l``)
        sensitive values in every class.
    t : float, optional
        Require every class's sensitive distribution within Earth Mover's
        Distance ``t`` (0 < t <= 1) of the whole data's.
    sensitive_column : str, optional
        The sensitive column whose diversity (l) and closeness (t) are
        required. Default for a Dataset: its target. (Formerly ``sensitive=``,
        which still works in this release with a FutureWarning.)
    method : {"mondrian", "global"}
        Mondrian multidimensional partitioning, or the exact full-domain
        search over ``hierarchies`` (ARX's model).
    max_suppression : float
        Largest share of rows that may be withheld (default 1%). Mondrian
        uses it to cut outliers off, the full-domain search to drop classes
        that still break the model. Suppressed rows are counted in the
        result and the ledger.
    diversity : {"distinct", "entropy"}
        Which l-diversity ``l`` refers to.
    hierarchies : dict, optional
        Column -> :class:`Hierarchy`; defaults from :func:`default_hierarchies`
        (Adult's shipped ones where they apply). Mondrian uses categorical
        hierarchies' leaf order to keep related values together.
    numeric_release : {"range", "midpoint", "mean"}
        How numeric quasi-identifiers are released: ``"[lo, hi]"`` text, the
        range midpoint, or (Mondrian) the class mean.
    identifiers : {"drop", "pseudonymize"}
        What happens to the direct identifiers of a Dataset.
    drop_recodings : bool
        Drop columns that recode a quasi-identifier one to one (Adult's
        ``education-num`` recodes ``education``; see :func:`find_recodings`):
        released raw, they would undo its generalization. They add nothing the
        generalized quasi-identifier does not already say.
    random_state : None, int, numpy Generator or RandomState
        Seed of the shuffle of released rows.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/anonymize`` record is appended.

    Returns
    -------
    released : Dataset or DataFrame
        The release (same kind and roles as ``data``), suppressed rows
        removed, rows shuffled, index reset.
    result : AnonymizationResult

    Examples
    --------
    >>> from govkit.anonymization import anonymize
    >>> from govkit.datasets import load_adult
    >>> released, result = anonymize(load_adult(), k=10)
    >>> result.achieved_k >= 10, len(released) + result.suppressed == 32561
    (True, True)
    """
    request = validate_request(
        data, quasi_identifiers=quasi_identifiers, k=k, l=l, t=t,
        sensitive_column=sensitive_column, method=method, max_suppression=max_suppression,
        diversity=diversity, hierarchies=hierarchies, numeric_release=numeric_release,
        identifiers=identifiers, drop_recodings=drop_recodings, random_state=random_state,
        func="anonymize",
    )
    check_identifiers(data)  # an undeclared e-mail or name column must not reach a release
    released_frame, result = execute(request)
    dataset = request.dataset
    if dataset is not None:
        kept_ids = tuple(request.id_columns) if identifiers == "pseudonymize" else ()
        released: Any = dataset.replace(
            frame=released_frame,
            identifiers=kept_ids,
            name=f"{dataset.name}-anonymized",
        )
    else:
        released = released_frame
    if ledger is not None:
        _record(ledger, request, result, data=data if dataset is not None else request.frame,
                released=released)
    return released, result


def _record(ledger, request: Request, result: AnonymizationResult, *, data, released) -> None:
    """Append the ``anonymization/anonymize`` ledger record."""
    ledger.append(
        "anonymization",
        "anonymize",
        parameters={
            "method": result.method,
            "quasi_identifiers": list(result.quasi_identifiers),
            "k": result.k,
            "l": result.l,
            "diversity": result.diversity,
            "t": result.t,
            "sensitive_column": result.sensitive_column,
            "max_suppression": result.max_suppression,
            "numeric_release": result.numeric_release,
            "hierarchies": {c: repr(request.hierarchies[c]) for c in result.quasi_identifiers},
            "identifiers": result.identifiers,
            "recoded_columns": result.recodings,
            "recoded_columns_dropped": bool(request.drop_recodings and result.recodings),
            "random_state": recorded_random_state(request.random_state),
        },
        inputs={"data": data},
        outputs={"released": released},
        metrics=result.to_metrics(),
    )


def recorded_random_state(random_state: Any) -> int | str | None:
    """``random_state`` as the ledger can store it: a seed as is, a generator by its kind."""
    if random_state is None or isinstance(random_state, int):
        return random_state
    return f"<{type(random_state).__name__}>"


# -- the steps of a release ------------------------------------------------------------------


def execute(
    request: Request,
    *,
    lattice: Lattice | None = None,
    recodings: dict[str, str] | None = None,
    encodings: MutableMapping | None = None,
    columns: Sequence[str] | None = None,
    label_cache: MutableMapping | None = None,
) -> tuple[pd.DataFrame, AnonymizationResult]:
    """Run a validated request: generalize, suppress, build and measure the release.

    ``lattice`` (a prepared, caching :class:`Lattice` of the same frame,
    quasi-identifiers and hierarchies), ``recodings`` and ``encodings`` (a
    dict the caller keeps, filled with the encodings per quasi-identifier
    set) let the live panel reuse work across calls; ``columns`` limits the
    released frame to the columns the caller shows; ``label_cache`` (a dict
    the caller keeps for this frame) keeps the full-domain release's
    generalized columns per (column, level).
    """
    start = time.perf_counter()
    frame = request.frame
    encodings = {} if encodings is None else encodings  # Mondrian's encoding serves the loss too
    requirements = requirements_for(request)
    if request.method == "mondrian":
        model, suppressed, search = _mondrian_release(request, requirements, encodings)
    else:
        model, suppressed, search = _global_release(request, requirements, lattice, label_cache)
    if recodings is None:
        recodings = _recodings(request)
    published, key_source = _published_columns(request, recodings)
    kept = np.flatnonzero(~suppressed)
    order = kept[as_generator(request.random_state).permutation(len(kept))]
    released_frame = _assemble(published, model, order, request.quasi_identifiers, columns)
    assessment = _measure(request, model, order, int(suppressed.sum()), encodings)
    result = AnonymizationResult(
        method=request.method,
        quasi_identifiers=request.quasi_identifiers,
        sensitive_column=request.sensitive_column,
        k=request.k,
        l=request.l,
        diversity=request.diversity,
        t=request.t,
        max_suppression=request.max_suppression,
        numeric_release=request.numeric_release,
        assessment=assessment,
        rows=len(frame),
        suppressed=int(suppressed.sum()),
        **search,
        classes=assessment.classes,
        identifiers=_identifier_outcome(request, key_source),
        recodings=dict(recodings),
        source_index=frame.index[order],
        suppressed_index=frame.index[suppressed],
        seconds=time.perf_counter() - start,
        release_model=model,
    )
    return released_frame, result


def _mondrian_release(request: Request, requirements: Requirements, encodings: MutableMapping
                      ) -> tuple[Release, np.ndarray, dict[str, Any]]:
    """Mondrian's release, its suppressed rows, and (no) search figures."""
    encoding, codes = encoding_for(request.frame, request.quasi_identifiers, request.hierarchies,
                                   encodings)
    tree = mondrian(codes, encoding.positions, requirements,
                    categorical=~np.asarray(encoding.numeric, dtype=bool))
    model = MondrianRelease(encoding, tree, codes, request.numeric_release,
                            index=request.frame.index)
    return model, tree.suppressed[tree.row_leaf], {"levels": None, "level_names": None,
                                                   "lattice": None}


def _global_release(request: Request, requirements: Requirements, lattice: Lattice | None,
                    label_cache: MutableMapping | None
                    ) -> tuple[Release, np.ndarray, dict[str, Any]]:
    """The full-domain search's release, its suppressed rows, and the levels it chose."""
    if lattice is None:
        lattice = Lattice(request.frame, request.hierarchies, requirements)
    found = lattice.search(requirements)
    model = GlobalRelease(request.frame, request.hierarchies, found.levels, found.suppressed,
                          request.numeric_release, cache=label_cache)
    search = {
        "levels": found.levels,
        "level_names": {c: request.hierarchies[c].level_names[level]
                        for c, level in found.levels.items()},
        "lattice": {"nodes_evaluated": found.nodes_evaluated, "lattice_size": found.lattice_size},
    }
    return model, found.suppressed, search


def _recodings(request: Request) -> dict[str, str]:
    """Columns that recode a quasi-identifier one to one (never the sensitive column or target)."""
    dataset = request.dataset
    never_dropped = {request.sensitive_column, dataset.target if dataset is not None else None}
    found = find_recodings(request.frame.drop(columns=request.id_columns),
                           quasi_identifiers=request.quasi_identifiers)
    return {column: qi for column, qi in found.items() if column not in never_dropped}


def _published_columns(request: Request, recodings: Mapping[str, str]
                       ) -> tuple[pd.DataFrame, str | None]:
    """The input with its identifiers dropped or pseudonymized (and where the key came from),
    and its recodings dropped when asked."""
    frame, id_columns = request.frame, request.id_columns
    key_source = None
    if id_columns and request.identifiers == "pseudonymize":
        out, key_source = pseudonymize_frame(frame, id_columns)
    elif id_columns:
        out = frame.drop(columns=id_columns)
    else:
        out = frame
    if request.drop_recodings and recodings:
        out = out.drop(columns=list(recodings))
    return out, key_source


def _assemble(published: pd.DataFrame, model: Release, order: np.ndarray,
              qis: tuple[str, ...], columns: Sequence[str] | None) -> pd.DataFrame:
    """The released rows in ``order``, column by column (object columns stay object: no text
    inference); ``columns`` limits it to the columns a caller shows."""
    release_qis = model.release()
    assembled = {}
    for column in published.columns:
        if columns is not None and column not in columns:
            continue
        if column in qis:
            values = release_qis[column].to_numpy()[order]
            dtype = float if column in model.numeric_columns else object
            assembled[column] = pd.Series(values.astype(dtype), dtype=dtype)
        else:
            assembled[column] = published[column].iloc[order].reset_index(drop=True)
    return pd.DataFrame(assembled)


def _measure(request: Request, model: Release, order: np.ndarray, suppressed: int,
             encodings: MutableMapping) -> Assessment:
    """:func:`assess` of the release, on integer codes of the released values.

    The codes are a one-to-one relabelling, so every measure is the same as
    on the labels, without hashing text. Mondrian's leaves are its classes
    (distinct leaves release distinct values). The information loss is
    measured on the codes of the original values.
    """
    frame, qis, sensitive = request.frame, request.quasi_identifiers, request.sensitive_column
    label_codes = model.label_codes()[order]
    coded = pd.DataFrame(label_codes, columns=list(qis), index=frame.index[order])
    reference = None
    if sensitive is not None:
        coded[sensitive] = frame[sensitive].to_numpy()[order]
        reference = frame[sensitive].value_counts(normalize=True)
    classes = None
    if isinstance(model, MondrianRelease):
        leaf_ids, leaf_classes = np.unique(model.tree.row_leaf[order], return_inverse=True)
        classes = (leaf_classes.astype(np.int64), len(leaf_ids))
    assessment = measure(coded, qis, sensitive, k=request.k, t_reference=reference,
                         classes=classes)
    encoding, codes = encoding_for(frame, qis, request.hierarchies, encodings)
    return dataclasses.replace(
        assessment,
        information_loss=coded_information_loss(encoding, codes[order], label_codes, suppressed),
        suppressed=suppressed,
        discernibility=assessment.discernibility + suppressed * len(frame),
    )


def _identifier_outcome(request: Request, key_source: str | None) -> dict[str, Any]:
    """What happened to the direct identifiers, for the result and the ledger."""
    if request.identifiers == "pseudonymize" and request.id_columns:
        return {"pseudonymized": request.id_columns, "key_source": key_source}
    return {"dropped": request.id_columns}
