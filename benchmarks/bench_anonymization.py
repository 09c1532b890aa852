"""Benchmarks of the anonymization stage. Prints figures; never asserts timings.

Run: ``.venv/bin/python benchmarks/bench_anonymization.py`` (add ``--quick`` to
stop the scaling series at 100,000 rows and skip the peer comparison).

1. Mondrian on Adult train (32,561 rows, 8 quasi-identifiers), k=10.
2. Mondrian from 10,000 to 1,000,000 synthetic rows with Adult's schema.
3. The exact full-domain search on Adult, k=5, suppression <= 1%.
4. Our Mondrian and full-domain search vs the PyPI package ``anjana``
   (k-anonymity by greedy hierarchy generalization) on the same data and k.
   anjana pins numpy 2.0.2 and pandas 2.3.3, which would downgrade this
   environment, so it runs in its own venv (``build/bench-venv``, created on
   first use with pip) in a subprocess that times itself.
5. ``assess`` vs a naive per-class Python loop computing the same measures.
6. The live panel's update latency on full Adult train (median of
   ``Panel.durations``).
7. The dictionary attack on unsalted SHA-256 of 32,561 synthetic IDs.

Timings on a shared machine are indicative: the load average is printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from govkit.anonymization import (
    ADULT_HIERARCHIES,
    anonymize,
    assess,
    dictionary_attack,
    national_id_candidates,
    public_register,
    unsalted_hash,
)
from govkit.anonymization._encoding import Encoding
from govkit.anonymization._hierarchies import default_hierarchies
from govkit.anonymization._mondrian import mondrian
from govkit.anonymization._requirements import Requirements
from govkit.datasets import Dataset, add_synthetic_identifiers, load_adult
from govkit.widgets import anonymization_panel

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / "build" / "bench-venv"
QUICK = "--quick" in sys.argv


def timed(function, repeat: int = 3):
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def heading(text: str) -> None:
    print(f"\n== {text}")


def synthetic_adult(rows: int, train: Dataset, seed: int = 0) -> Dataset:
    """Adult's schema at any size: rows resampled from Adult train, ages jittered by up to 3 years."""
    rng = np.random.default_rng(seed)
    frame = train.frame.sample(n=rows, replace=True, random_state=seed).reset_index(drop=True)
    frame["age"] = np.clip(frame["age"] + rng.integers(-3, 4, rows), 17, 90)
    return train.replace(frame=frame, numeric=train.numeric, categorical=train.categorical,
                         name=f"synthetic-{rows}")


def bench_mondrian_adult(train: Dataset) -> None:
    heading("1. Mondrian on Adult train (32,561 rows, 8 quasi-identifiers), k=10")
    qis = list(train.quasi_identifiers)
    encoding = Encoding(train.frame, qis, default_hierarchies(train.frame, qis))
    codes = encoding.encode(train.frame)
    core, tree = timed(lambda: mondrian(codes, encoding.positions,
                                        Requirements(k=10, max_suppressed=325)))
    full, (_, result) = timed(lambda: anonymize(train, k=10))
    print(f"partitioning (mondrian core):            {core * 1000:7.0f} ms  "
          f"({len(tree.leaves):,} classes)")
    print(f"anonymize(train, k=10), everything:      {full * 1000:7.0f} ms  "
          f"(encode, partition, release, measure; achieved k={result.achieved_k}, "
          f"loss={result.information_loss:.3f})")


def bench_mondrian_scaling(train: Dataset) -> None:
    heading("2. Mondrian from 10k to 1M rows (Adult schema, 8 quasi-identifiers, k=10)")
    sizes = [10_000, 30_000, 100_000] if QUICK else [10_000, 30_000, 100_000, 300_000, 1_000_000]
    print(f"{'rows':>10} {'partition s':>12} {'anonymize s':>12} {'classes':>9} {'us/row':>8}")
    previous = None
    for rows in sizes:
        data = synthetic_adult(rows, train)
        qis = list(data.quasi_identifiers)
        encoding = Encoding(data.frame, qis, default_hierarchies(data.frame, qis))
        codes = encoding.encode(data.frame)
        repeat = 3 if rows <= 100_000 else 1
        core, tree = timed(lambda codes=codes, encoding=encoding, rows=rows: mondrian(
            codes, encoding.positions, Requirements(k=10, max_suppressed=int(0.01 * rows))), repeat)
        full, _ = timed(lambda data=data: anonymize(data, k=10), repeat)
        growth = "" if previous is None else f"  x{full / previous[1]:.1f} time for x{rows / previous[0]:.0f} rows"
        print(f"{rows:>10,} {core:>12.2f} {full:>12.2f} {len(tree.leaves):>9,} "
              f"{1e6 * full / rows:>8.1f}{growth}")
        previous = (rows, full)


def bench_full_domain(train: Dataset) -> None:
    heading("3. Full-domain search on Adult train, default hierarchies, k=5, suppression <= 1%")
    seconds, (_, result) = timed(lambda: anonymize(train, k=5, method="global",
                                                   max_suppression=0.01))
    print(f"exact optimum in {seconds:.2f} s (median of 3): "
          f"{result.lattice['nodes_evaluated']:,} of {result.lattice['lattice_size']:,} nodes "
          f"evaluated; loss={result.information_loss:.3f}, suppressed={result.suppressed}")
    print("levels: " + ", ".join(f"{c}={n}" for c, n in result.level_names.items()))


_ANJANA_SCRIPT = r"""
import json, sys, time
import pandas as pd
from anjana.anonymity import k_anonymity
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
data["age"] = data["age"].astype(int)
spec = json.load(open(sys.argv[2]))
hierarchies = {
    qi: {int(level): pd.Series(values if qi != "age" else [int(v) if str(v).lstrip("-").isdigit() else v for v in values])
         for level, values in levels.items()}
    for qi, levels in spec["hierarchies"].items()
}
start = time.perf_counter()
released = k_anonymity(data, [], spec["qis"], spec["k"], spec["supp_level"], hierarchies)
seconds = time.perf_counter() - start
released.to_csv(sys.argv[3], index=False)
print(json.dumps({"seconds": seconds, "rows": len(released)}))
"""


def _anjana_hierarchies(frame: pd.DataFrame, hierarchies: dict) -> dict:
    """Our hierarchies in anjana's format: {qi: {level: values aligned with level 0's}}."""
    out = {}
    for qi, hierarchy in hierarchies.items():
        values = pd.Series(sorted(frame[qi].unique(), key=str), name=qi)
        out[qi] = {
            str(level): [v if isinstance(v, str) else int(v)
                         for v in hierarchy.generalize(values, level).tolist()]
            for level in range(hierarchy.n_levels)
        }
    return out


def _ensure_bench_venv() -> Path | None:
    python = BENCH_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import anjana"],
                                          capture_output=True).returncode == 0:
        return python
    print(f"creating {BENCH_VENV} and installing anjana there (once; about a minute) ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "anjana"], check=True,
                       capture_output=True)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"could not install anjana into {BENCH_VENV} ({error}); skipping the comparison.")
        return None
    return python


def bench_anjana(train: Dataset) -> None:
    heading("4. Side by side with anjana (PyPI), same data, k=10, suppression <= 1%")
    python = _ensure_bench_venv()
    if python is None:
        return
    qis = list(train.quasi_identifiers)
    # anjana cannot handle missing values (its hierarchy lookup compares with ==): give them a
    # category '?' (the original files' spelling), for both tools
    frame = train.frame[[*qis, "income"]].copy()
    for qi in qis:
        if frame[qi].isna().any():
            frame[qi] = frame[qi].astype(object).fillna("?")
    filled_hierarchies = {qi: ADULT_HIERARCHIES[qi] for qi in qis}
    for qi in ("workclass", "occupation", "native-country"):  # '?' is its own group up to '*'
        h = filled_hierarchies[qi]
        filled_hierarchies[qi] = type(h)(*[{**m, "?": "?"} for m in h.mappings], names=h.names)
    data = Dataset(frame, target="income", positive_label=">50K", quasi_identifiers=qis)
    folder = ROOT / "build" / "bench-tmp"
    folder.mkdir(parents=True, exist_ok=True)
    source, spec_path, output = folder / "adult.csv", folder / "spec.json", folder / "anjana.csv"
    frame.to_csv(source, index=False)
    spec = {"qis": qis, "k": 10, "supp_level": 1,
            "hierarchies": _anjana_hierarchies(frame, filled_hierarchies)}
    spec_path.write_text(json.dumps(spec))
    script = folder / "run_anjana.py"
    script.write_text(_ANJANA_SCRIPT)
    with contextlib.suppress(Exception):
        output.unlink()
    completed = subprocess.run([python, script, source, spec_path, output], capture_output=True,
                               text=True, timeout=3600)
    if completed.returncode != 0:
        print("anjana failed:\n" + completed.stderr[-2000:])
        return
    anjana = json.loads(completed.stdout.strip().splitlines()[-1])
    ours_mondrian, (_, mondrian_result) = timed(lambda: anonymize(data, k=10), 3)
    ours_global, (_, global_result) = timed(
        lambda: anonymize(data, k=10, method="global", hierarchies=filled_hierarchies), 3)
    released = pd.read_csv(output, dtype=str, keep_default_na=False)
    if "index" in released.columns:  # anjana keeps the source row number when it suppresses
        released = released.set_index(released.pop("index").astype(int))
    original = frame.astype({qi: str for qi in qis})
    anjana_assessment = assess(released, quasi_identifiers=qis, original=original)
    print(f"{'tool':<34} {'seconds':>9} {'rows released':>14} {'achieved k':>11} {'loss':>7}")
    print(f"{'anjana 1.2.3 (greedy hierarchies)':<34} {anjana['seconds']:>9.2f} "
          f"{anjana['rows']:>14,} {anjana_assessment.k:>11} "
          f"{anjana_assessment.information_loss:>7.3f}")
    print(f"{'govkit Mondrian':<34} {ours_mondrian:>9.2f} "
          f"{mondrian_result.rows - mondrian_result.suppressed:>14,} "
          f"{mondrian_result.achieved_k:>11} {mondrian_result.information_loss:>7.3f}")
    print(f"{'govkit full-domain (exact)':<34} {ours_global:>9.2f} "
          f"{global_result.rows - global_result.suppressed:>14,} "
          f"{global_result.achieved_k:>11} {global_result.information_loss:>7.3f}")
    print(f"ratio anjana / govkit Mondrian:     {anjana['seconds'] / ours_mondrian:.1f}x")
    print(f"ratio anjana / govkit full-domain:  {anjana['seconds'] / ours_global:.1f}x")
    levels = {}
    for qi in qis:
        for level, values in spec["hierarchies"][qi].items():
            if set(released[qi].astype(str)) <= {str(v) for v in values}:
                levels[qi] = filled_hierarchies[qi].level_names[int(level)]
                break
    print("anjana's levels: " + ", ".join(f"{c}={n}" for c, n in levels.items()))
    print("govkit's levels: " + ", ".join(f"{c}={n}" for c, n in global_result.level_names.items()))
    print("(loss: generalized information loss, suppressed rows counted as fully lost; anjana's "
          "greedy choice vs the exact optimum over the same hierarchies)")


def naive_assess(frame: pd.DataFrame, qis: list[str], sensitive: str) -> dict:
    """The same measures with a Python loop over the classes (what a first version looks like)."""
    overall = frame[sensitive].value_counts(normalize=True)
    sizes, distinct, entropy, distance = [], [], [], []
    for _, rows in frame.groupby(qis, dropna=False):
        shares = rows[sensitive].value_counts(normalize=True)
        sizes.append(len(rows))
        distinct.append(rows[sensitive].nunique())
        entropy.append(-sum(p * math.log(p) for p in shares))
        distance.append(0.5 * sum(abs(shares.get(v, 0.0) - q) for v, q in overall.items()))
    n = len(frame)
    return {"k": min(sizes), "l": min(distinct), "l_entropy": math.exp(min(entropy)),
            "t": max(distance), "average_risk": len(sizes) / n,
            "at_risk": sum(s for s in sizes if 1 / s > 0.2) / n}


def bench_assess(train: Dataset) -> None:
    heading("5. assess vs a naive per-class Python loop (Adult train, raw: 19,805 classes)")
    qis = list(train.quasi_identifiers)
    ours, result = timed(lambda: assess(train, sensitive_column="income"), 5)
    naive, reference = timed(lambda: naive_assess(train.frame, qis, "income"), 1)
    assert result.k == reference["k"] and abs(result.t - reference["t"]) < 1e-9  # same numbers
    print(f"assess: {ours * 1000:.0f} ms; naive loop: {naive:.2f} s; ratio {naive / ours:.0f}x "
          "(identical k, l, t and risks)")


def bench_panel(train: Dataset, test: Dataset) -> None:
    heading("6. Live panel latency on full Adult train (+ synthetic identifiers, 9 QIs)")
    people = add_synthetic_identifiers(train, random_state=0)
    people_test = add_synthetic_identifiers(test, random_state=1)
    register = public_register(people, size=1000)
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        panel = anonymization_panel(people, test=people_test, register=register)
        built = time.perf_counter() - start
        ks = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 30]
        for k in ks:
            panel.set(k=k)
        mondrian_times = panel.durations[1:]
        panel.set(k=10)  # back to a setting seen before: answered from the memo
        recalled = panel.durations[-1]
        panel.set(method="global")
        first_global = panel.durations[-1]
        for k in ks:
            panel.set(k=k)
        global_times = panel.durations[-len(ks):]
    print(f"panel built (incl. first update) in {built:.2f} s")
    print(f"Mondrian, k moved through {len(ks)} new values: median "
          f"{statistics.median(mondrian_times) * 1000:.0f} ms "
          f"(min {min(mondrian_times) * 1000:.0f}, max {max(mondrian_times) * 1000:.0f})")
    print(f"a setting seen before (memoized): {recalled * 1000:.0f} ms")
    print(f"full-domain: first update (prepares the lattice) {first_global * 1000:.0f} ms; "
          f"then k through {len(ks)} values: median {statistics.median(global_times) * 1000:.0f} ms")


def bench_dictionary(test: Dataset) -> None:
    heading("7. Dictionary attack on unsalted SHA-256 of synthetic IDs (10**6 candidates)")
    people = add_synthetic_identifiers(test, random_state=0)
    ids = people.frame["national_id"]
    attack = dictionary_attack(unsalted_hash(ids), national_id_candidates(), truth=ids)
    print(str(attack))


def main() -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"govkit anonymization benchmarks; {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (timings on a shared machine are "
          "indicative)")
    train, test = load_adult("train"), load_adult("test")
    with tempfile.TemporaryDirectory() as workspace:
        os.environ.setdefault("GOVKIT_WORKSPACE", workspace)  # the panel writes nothing, but be safe
        bench_mondrian_adult(train)
        bench_mondrian_scaling(train)
        bench_full_domain(train)
        if not QUICK:
            bench_anjana(train)
        bench_assess(train)
        bench_panel(train, test)
        bench_dictionary(test)


if __name__ == "__main__":
    main()
