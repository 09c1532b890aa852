"""Full-domain search: exact against brute force; pruning and caching change nothing."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkit.anonymization import (
    FlatHierarchy,
    IntervalHierarchy,
    MappingHierarchy,
    MaskingHierarchy,
)
from govkit.anonymization._assess import sensitive_codes
from govkit.anonymization._requirements import Requirements
from govkit.anonymization._search import Lattice, full_domain_search

HIERARCHIES = {
    "age": IntervalHierarchy(widths=(5, 10, 20)),
    "zip": MaskingHierarchy(length=3),
    "job": MappingHierarchy({"a": "A", "b": "A", "c": "C", "d": "C"}),
}


def brute_force(frame, hierarchies, k, l_distinct, t, max_suppressed):
    """Evaluate every node with plain pandas; return the least loss (and the nodes reaching it)."""
    names = list(hierarchies)
    n, m = len(frame), len(names)
    # per column and level: the generalized labels and each row's loss (coverage over all rows)
    labels, losses = {}, {}
    for name in names:
        h = hierarchies[name]
        for level in range(h.n_levels):
            generalized = h.generalize(frame[name], level).astype(object).fillna("<NA>")
            numeric = pd.api.types.is_numeric_dtype(frame[name])
            whole = frame[name]
            loss = np.zeros(n)
            for label in generalized.unique():
                rows = generalized == label
                covered = whole[rows]
                if numeric:
                    span = whole.max() - whole.min()
                    value = (covered.max() - covered.min()) / span if span else 0.0
                else:
                    domain = whole.nunique(dropna=False)
                    value = (covered.nunique(dropna=False) - 1) / (domain - 1) if domain > 1 else 0.0
                loss[rows.to_numpy()] = value
            labels[name, level] = generalized
            losses[name, level] = loss
    overall = frame["s"].value_counts(normalize=True)
    best, winners = np.inf, []
    for node in itertools.product(*(range(hierarchies[c].n_levels) for c in names)):
        released = pd.DataFrame({c: labels[c, lv].to_numpy() for c, lv in zip(names, node, strict=True)})
        released["s"] = frame["s"].to_numpy()
        groups = released.groupby(names)
        size = groups["s"].transform("size")
        failing = size < k
        if l_distinct is not None:
            failing |= groups["s"].transform("nunique") < l_distinct
        if t is not None:
            def emd(values):
                shares = values.value_counts(normalize=True).reindex(overall.index, fill_value=0)
                return 0.5 * (shares - overall).abs().sum()
            failing |= groups["s"].transform(emd) > t + 1e-12
        suppressed = int(failing.sum())
        if suppressed > max_suppressed:
            continue
        row_loss = sum(losses[c, lv] for c, lv in zip(names, node, strict=True))
        loss = (row_loss[~failing.to_numpy()].sum() + suppressed * m) / (n * m)
        if loss < best - 1e-12:
            best, winners = loss, [node]
        elif abs(loss - best) <= 1e-12:
            winners.append(node)
    return best, winners


frames = st.integers(min_value=8, max_value=40).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "age": st.lists(st.integers(20, 59), min_size=n, max_size=n),
            "zip": st.lists(st.sampled_from(["021", "022", "100", "101", "945"]), min_size=n, max_size=n),
            "job": st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=n, max_size=n),
            "s": st.lists(st.sampled_from(["p", "q"]), min_size=n, max_size=n),
        }
    )
).map(pd.DataFrame)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames, k=st.integers(2, 4), use_l=st.booleans(),
       t=st.one_of(st.none(), st.sampled_from([0.2, 0.4])), suppress=st.integers(0, 4))
def test_search_finds_the_exact_optimum(frame, k, use_l, t, suppress):
    l_distinct = 2 if use_l and frame["s"].nunique() == 2 else None
    codes, n_values, ordered = sensitive_codes(frame["s"])
    reference = np.bincount(codes, minlength=n_values) / len(codes)
    found = full_domain_search(frame, HIERARCHIES, Requirements(
        k=k, sensitive_codes=codes, n_values=n_values, reference=reference, ordered=ordered,
        l_distinct=l_distinct, t=t, max_suppressed=suppress,
    ))
    best, winners = brute_force(frame, HIERARCHIES, k, l_distinct, t, suppress)
    assert found.loss == pytest.approx(best, abs=1e-9)
    assert tuple(found.levels.values()) in winners
    assert int(found.suppressed.sum()) <= suppress


def test_cache_reuses_nodes_and_gives_the_same_answer():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(20, 60, 300), "job": rng.choice(list("abcd"), 300),
                          "zip": rng.choice(["021", "100", "945"], 300)})
    lattice = Lattice(frame, HIERARCHIES, cache=True)
    first = lattice.search(Requirements(k=5, max_suppressed=3))
    again = lattice.search(Requirements(k=5, max_suppressed=3))
    assert again.nodes_evaluated == 0 and again.levels == first.levels
    fresh = Lattice(frame, HIERARCHIES).search(Requirements(k=5, max_suppressed=3))
    assert fresh.levels == first.levels and fresh.loss == pytest.approx(first.loss)
    larger_k = lattice.search(Requirements(k=8, max_suppressed=3))
    assert larger_k.nodes_evaluated == 0  # every node it needs was seen at k=5


def test_top_node_always_qualifies():
    frame = pd.DataFrame({"job": list("abcd")})
    found = full_domain_search(frame, {"job": FlatHierarchy()}, Requirements(k=4))
    assert found.levels == {"job": 1} and not found.suppressed.any()


def test_search_needs_sensitive_codes_for_l():
    frame = pd.DataFrame({"job": list("abcd")})
    with pytest.raises(ValueError, match="sensitive"):
        Lattice(frame, {"job": FlatHierarchy()}).search(Requirements(k=2, l_distinct=2))
