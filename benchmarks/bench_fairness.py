"""Benchmark of the fairness stage on UCI Adult (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_fairness.py                   # everything, ~4 minutes on an idle 2-core machine
    .venv/bin/python benchmarks/bench_fairness.py --skip-notebook   # without notebook 03 (~2 minutes)

Figures:
1. ``group_report`` with 1,000 bootstrap resamples on the Adult test split
   (16,281 rows), sex x race, every metric and disparity with intervals;
   against the same numbers computed naively with fairlearn's ``MetricFrame``
   in a Python resampling loop (fewer resamples, extrapolated linearly to 1,000);
2. ExponentiatedGradient (demographic parity and equalized odds) around the
   reference logistic regression on Adult train, from a cold cache, against
   the unmitigated fit;
3. the threshold panel's update latency over 20 threshold changes (no refit);
4. notebook 03 on a fresh kernel, first with an empty cache, then warm.

Everything runs in a throwaway workspace, so "cold" means cold. Timings depend
on what else the machine is running: the load average is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def metricframe_bootstrap(y, decisions, scores, sensitive, n_boot: int, seed: int = 0) -> None:
    """The naive peer: resample rows in Python, rebuild fairlearn MetricFrames, take disparities.

    Same content as group_report: per group count, base rate, selection rate,
    accuracy, TPR, FPR, precision (on decisions) and ROC AUC (on scores), with
    the differences and ratios, on the data and on every resample; then
    percentile intervals.
    """
    import numpy as np
    from fairlearn.metrics import (
        MetricFrame,
        count,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

    def auc(y_true, y_score):
        return roc_auc_score(y_true, y_score) if len(np.unique(y_true)) == 2 else np.nan

    on_decisions = {
        "count": count,
        "base_rate": lambda t, p: np.mean(t),
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "precision": lambda t, p: precision_score(t, p, zero_division=np.nan),
    }

    def one(rows):
        features = sensitive.iloc[rows].reset_index(drop=True)
        rates = MetricFrame(metrics=on_decisions, y_true=y[rows], y_pred=decisions[rows],
                            sensitive_features=features)
        ranking = MetricFrame(metrics={"auc": auc}, y_true=y[rows], y_pred=scores[rows],
                              sensitive_features=features)
        return (rates.by_group, rates.difference(), rates.ratio(), ranking.by_group,
                ranking.difference())

    rng = np.random.default_rng(seed)
    one(np.arange(len(y)))
    replicates = [one(rng.integers(0, len(y), len(y))) for _ in range(n_boot)]
    groups = np.stack([r[0].to_numpy(dtype=float) for r in replicates])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        np.nanquantile(groups, [0.025, 0.975], axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-resamples", type=int, default=100,
                        help="resamples of the naive MetricFrame loop (extrapolated to 1,000)")
    parser.add_argument("--skip-notebook", action="store_true",
                        help="skip running notebook 03 cold and warm (several minutes)")
    args = parser.parse_args()

    workspace = tempfile.mkdtemp(prefix="bench-fairness-")
    os.environ["GOVKIT_WORKSPACE"] = workspace
    os.environ.pop("GOVKIT_CACHE_DIR", None)
    os.environ.pop("GOVKIT_LEDGER", None)
    warnings.simplefilter("error")

    import numpy as np

    from govkit.datasets import load_adult
    from govkit.fairness import fit_mitigated_model, group_report
    from govkit.widgets import threshold_panel

    train, test = load_adult("train"), load_adult("test")
    print(f"Adult: {len(train):,} train rows, {len(test):,} test rows; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")

    # 1. group_report vs a MetricFrame bootstrap loop --------------------------------------
    start = time.perf_counter()
    model = fit_mitigated_model("none", train)
    reference_fit = time.perf_counter() - start
    scores = model.predict_proba(test.X)[:, 1]
    decisions = model.predict(test.X)
    y = test.y.to_numpy()
    sensitive = test.frame[["sex", "race"]]
    r = args.repeat
    ours = median_seconds(lambda: group_report(y, decisions, scores, sensitive_features=sensitive,
                                               n_boot=1000), r)
    groups = len(group_report(y, decisions, scores, sensitive_features=sensitive,
                              n_boot=0).groups)
    print(f"1. group_report, sex x race ({groups} groups), 1,000 bootstrap resamples, "
          f"8 metrics + 5 disparities with intervals")
    print(f"   govkit (vectorised counts + weighted AUC): median {ours:.2f} s over {r} runs "
          f"(target < 2 s)")
    n = args.peer_resamples
    start = time.perf_counter()
    metricframe_bootstrap(y, decisions, scores, sensitive, n)
    peer = time.perf_counter() - start
    peer_1000 = peer * 1000 / (n + 1)
    print(f"   fairlearn MetricFrame in a Python resampling loop: {peer:.1f} s for {n} resamples "
          f"(+ the data itself) -> about {peer_1000:.0f} s for 1,000 (extrapolated linearly, "
          f"not run)")
    print(f"   ratio: about {peer_1000 / ours:.0f}x\n")

    # 2. ExponentiatedGradient, cold -------------------------------------------------------
    os.environ["GOVKIT_NO_CACHE"] = "1"  # govkit.workspace.cached recomputes everything
    try:
        start = time.perf_counter()
        fit_mitigated_model("none", train)
        plain = time.perf_counter() - start
        print("2. in-processing on Adult train (cold: GOVKIT_NO_CACHE=1), "
              "logistic regression inside")
        print(f"   unmitigated reference fit (scikit-learn pipeline): {plain:.2f} s "
              f"(first fit in this process, imports included: {reference_fit:.2f} s)")
        for constraint in ("demographic_parity", "equalized_odds"):
            start = time.perf_counter()
            mitigated = fit_mitigated_model("exponentiated_gradient", train,
                                            constraint=constraint, strength="strong")
            seconds = time.perf_counter() - start
            inner = mitigated.mitigator_
            count = len(inner.predictors_) if hasattr(inner, "predictors_") else float("nan")
            print(f"   ExponentiatedGradient, {constraint}, difference_bound=0.01: "
                  f"{seconds:5.1f} s ({count} logistic regressions fitted; "
                  f"{seconds / plain:.0f}x the plain fit)")
    finally:
        os.environ.pop("GOVKIT_NO_CACHE", None)
    print()

    # 3. the threshold panel ---------------------------------------------------------------
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints reprs
        start = time.perf_counter()
        panel = threshold_panel(model, test, name="logistic regression")
        build = time.perf_counter() - start
        panel.durations.clear()
        thresholds = np.round(np.linspace(0.3, 0.7, 20), 2)
        for threshold in thresholds:
            panel.set(threshold=float(threshold))
        global_changes = list(panel.durations)
        panel.durations.clear()
        for threshold in thresholds[:10]:
            panel.set(group_thresholds=f"Female={threshold:.2f}")
        per_group = list(panel.durations)
    print("3. threshold panel (full test split, 1,000 resamples, no refit)")
    print(f"   building it (scores once, resamples drawn once): {build:.2f} s")
    print(f"   {len(global_changes)} global threshold changes: median "
          f"{statistics.median(global_changes) * 1000:.0f} ms, max {max(global_changes) * 1000:.0f} ms "
          f"(target: median < 300 ms)")
    print(f"   {len(per_group)} per-group threshold changes (Female=t): median "
          f"{statistics.median(per_group) * 1000:.0f} ms\n")

    # 4. notebook 03 -----------------------------------------------------------------------
    if args.skip_notebook:
        print("4. notebook 03 skipped (--skip-notebook)")
    else:
        from govkit._notebooks import execute_notebook

        source = ROOT / "notebooks" / "03_fairness.ipynb"
        out = Path(workspace) / "build"
        runs = []
        for label in ("cold (empty cache)", "warm (second run)"):
            run = execute_notebook(source, out_dir=out, html=False)
            runs.append(run.seconds)
            status = "ok" if run.ok else "PROBLEMS: " + "; ".join(run.problems)
            print(f"4. notebook 03 on a fresh kernel, {label}: {run.seconds:.1f} s ({status})"
                  if label.startswith("cold") else
                  f"   {label}: {run.seconds:.1f} s (target < 30 s)")
    print("\nTimings are indicative when other processes share the machine.")


if __name__ == "__main__":
    main()
