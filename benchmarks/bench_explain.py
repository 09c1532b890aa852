"""Benchmark of the explanations stage on UCI Adult: explainer speed and panel latency.

Run: .venv/bin/python benchmarks/bench_explain.py [--repeats 3] [--panel-updates 15]

Prints medians (never asserts them):
1. TreeExplainer (our automatic choice) on the gradient boosting model, 1,000 test rows;
2. our automatic choice vs shap's KernelExplainer with a 100-row background, 20 rows, as a
   ratio, for each model family the workbook uses;
3. the person panel's update time (SHAP cached for the whole test split, LIME with its
   default 5,000 samples) and the global panel's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
import warnings

import numpy as np
import shap

from govkit.datasets import load_adult
from govkit.explain import TabularLime, explain_shap, fit_ebm
from govkit.explain._codec import CategoryCodec
from govkit.models import fit_model
from govkit.widgets import global_panel, person_panel


def timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def kernel_time(model, kind: str, train, rows) -> float:
    """KernelExplainer on the model's own input space with a 100-row background (shap.sample)."""
    if kind == "ebm":  # raw features: label-encoded, decoded for the pipeline
        codec = CategoryCodec(train.X, categorical=list(train.categorical))

        def predict(codes):
            p = np.clip(model.predict_proba(codec.decode(codes))[:, 1], 1e-15, 1 - 1e-15)
            return np.log(p / (1 - p))

        background = shap.sample(codec.encode(train.X), 100, random_state=0)
        data = codec.encode(rows)
    else:
        preprocess, estimator = model[:-1], model[-1]
        predict = estimator.decision_function
        background = shap.sample(preprocess.transform(train.X), 100, random_state=0)
        data = preprocess.transform(rows)
    explainer = shap.KernelExplainer(predict, background)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explainer.shap_values(data, silent=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--panel-updates", type=int, default=15)
    args = parser.parse_args()

    train, test = load_adult("train"), load_adult("test")
    print(f"Adult: {len(train):,} train rows, {len(test):,} test rows")
    start = time.perf_counter()
    models = {
        "logistic_regression": fit_model("logistic_regression", train),
        "gradient_boosting": fit_model("gradient_boosting", train),
        "ebm": fit_ebm(train),
    }
    print(f"fitting the three models: {time.perf_counter() - start:.1f} s\n")

    # 1. TreeExplainer on 1,000 rows
    gb = models["gradient_boosting"]
    seconds, result = timed(
        lambda: explain_shap(gb, test, rows=slice(0, 1000), background=train, cache=False),
        args.repeats,
    )
    print("1. SHAP on gradient boosting, 1,000 test rows")
    print(f"   explainer: {result.explainer}; median {seconds:.2f} s over {args.repeats} runs "
          f"(target < 2 s); max additivity error {result.additivity_error():.1e}\n")

    # 2. automatic choice vs KernelExplainer, 20 rows
    print("2. automatic choice vs KernelExplainer (100-row background), 20 test rows")
    print(f"   {'model':<22}{'auto explainer':<22}{'auto (s)':>10}{'kernel (s)':>12}{'ratio':>9}")
    rows = test.X.iloc[:20]
    for kind, model in models.items():
        auto, result = timed(
            lambda model=model: explain_shap(model, test, rows=slice(0, 20), background=train,
                                             cache=False),
            args.repeats,
        )
        kernel = kernel_time(model, kind, train, rows)
        print(f"   {kind:<22}{result.explainer:<22}{auto:>10.3f}{kernel:>12.2f}"
              f"{kernel / auto:>8.0f}x")
    print("   (Kernel runs once per model: its median over repeats would take minutes.)\n")

    # 3. panels
    print("3. panels on the full test split")
    start = time.perf_counter()
    shap_all = explain_shap(gb, test, background=train, cache=False)
    print(f"   SHAP for all {len(test):,} test rows (cached by the notebook): "
          f"{time.perf_counter() - start:.1f} s")
    lime = TabularLime(gb, train)
    lime_times = [
        timed(lambda i=i: lime.explain(test.X.iloc[i], num_samples=5000), 1)[0]
        for i in range(args.panel_updates)
    ]
    print(f"   LIME alone, 5,000 samples: median {statistics.median(lime_times):.3f} s")
    with contextlib.redirect_stdout(io.StringIO()):
        panel = person_panel(shap_all, lime, test)
        panel.durations.clear()
        for step in range(args.panel_updates):
            panel.set(row=97 * (step + 1))
    person = panel.durations
    print(f"   person panel (SHAP waterfall + LIME 5,000 samples + agreement), "
          f"{len(person)} updates: median {statistics.median(person):.3f} s, "
          f"max {max(person):.3f} s (target: median < 1 s)")
    sample = list(range(0, len(test), 16))
    explanations = {
        name: explain_shap(model, test, rows=sample, background=train, cache=False)
        for name, model in models.items()
    }
    with contextlib.redirect_stdout(io.StringIO()):
        panel = global_panel(explanations)
        panel.durations.clear()
        for step in range(args.panel_updates):
            name = list(explanations)[step % 3]
            plot = ("importance", "beeswarm", "dependence")[(step // 3) % 3]
            panel.set(model=name, plot=plot, feature="age")
    print(f"   global panel ({len(sample):,} rows per model), {len(panel.durations)} updates: "
          f"median {statistics.median(panel.durations):.3f} s")
    print("\nTimings are indicative when other processes share the machine.")


if __name__ == "__main__":
    main()
