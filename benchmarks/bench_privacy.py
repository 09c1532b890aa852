"""Benchmark of the differential privacy stage (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_privacy.py              # everything, ~2-3 minutes
    .venv/bin/python benchmarks/bench_privacy.py --skip-sweep # without the cold sweep

Figures: DP-SGD (logistic regression and MLP, 10 epochs on Adult train) and
DP-EBM fit times against scikit-learn's non-private logistic regression, the
PLD accounting and calibration of a 10-epoch DP-SGD run, one OpenDP release,
the full privacy-utility sweep from a cold cache, and the two panels' update
latency on full Adult. Timings depend on what else the machine is running.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def median_seconds(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sweep", action="store_true", help="skip the cold sweep (~90 s)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # a throwaway cache, so that every figure below is measured cold where it says so
    os.environ["GOVKIT_WORKSPACE"] = tempfile.mkdtemp(prefix="bench-privacy-")
    warnings.simplefilter("error")

    import dp_accounting  # noqa: F401  (import time not measured below)
    from sklearn.linear_model import LogisticRegression

    from govkit.datasets import load_adult
    from govkit.privacy import (
        DomainEncoder,
        DPSGDClassifier,
        PrivacyBudget,
        PublicDomain,
        calibrate_noise_multiplier,
        dp_mean,
        dpsgd_event,
        epsilon_of,
        plan_private_model,
        privacy_utility_sweep,
    )
    from govkit.privacy._training import _fit
    from govkit.widgets import mechanism_panel, privacy_utility_panel

    train, test = load_adult("train"), load_adult("test")
    domain = PublicDomain.adult()
    X = DomainEncoder(domain=domain).fit(train.X).transform(train.X)
    y = train.y.to_numpy()
    print(f"Adult train: {X.shape[0]:,} rows, {X.shape[1]} one-hot features; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print()

    r = args.repeat
    lr = median_seconds(lambda: DPSGDClassifier(noise_multiplier=1.0, epochs=10,
                                                random_state=0).fit(X, y), r)
    mlp = median_seconds(lambda: DPSGDClassifier(hidden_units=16, noise_multiplier=1.0,
                                                 epochs=10, random_state=0).fit(X, y), r)
    sk = median_seconds(lambda: LogisticRegression(max_iter=2000).fit(X, y), r)
    ebm = median_seconds(lambda: _fit(plan_private_model("dp_ebm", train, epsilon=1.0), train), r)
    print(f"fit times (median of {r}), epsilon accounting included:")
    print(f"  DP-SGD logistic regression, 10 epochs : {lr:6.2f} s   (target < 3 s)")
    print(f"  DP-SGD MLP (16 hidden), 10 epochs     : {mlp:6.2f} s")
    print(f"  DP-EBM, epsilon 1                     : {ebm:6.2f} s   (target < 3 s)")
    print(f"  scikit-learn LogisticRegression (lbfgs, not private): {sk:.2f} s; "
          f"DP-SGD LR / sklearn = {lr / sk:.2f}x")

    q, steps = 256 / len(train), 1272
    start = time.perf_counter()
    epsilon_of(dpsgd_event(q, 1.123, steps), 1e-6)
    accounting = time.perf_counter() - start
    start = time.perf_counter()
    calibrate_noise_multiplier(2.0, 1e-6, sampling_probability=q, steps=steps)
    calibration = time.perf_counter() - start
    print(f"  PLD epsilon of a 10-epoch DP-SGD run : {accounting:6.2f} s")
    print(f"  noise calibration to epsilon 2 (RDP bracket, PLD search): {calibration:.2f} s")
    budget = PrivacyBudget(epsilon=1e6, delta=0.0)
    release = median_seconds(lambda: dp_mean(train, "age", budget=budget, epsilon=1.0), r)
    print(f"  one OpenDP release (DP mean of age, 32,561 rows): {release * 1000:.0f} ms")
    print()

    if not args.skip_sweep:
        start = time.perf_counter()
        sweep = privacy_utility_sweep(train, test)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        privacy_utility_sweep(train, test)
        warm = time.perf_counter() - start
        results = sweep[sweep["attribute"] == "overall"].shape[0]
        fits = results - (sweep["seed"].nunique() - 1)  # logistic regression is fitted once
        print(f"privacy-utility sweep ({fits} fits, {results} results, 2 workers): cold {cold:.1f} s "
              f"(target < 90 s), cached {warm:.2f} s")
    else:
        sweep = privacy_utility_sweep(train, test, epsilons=(0.3, 1, 3), seeds=(0, 1))
        print("privacy-utility sweep skipped; panel below uses a smaller sweep")
    print()

    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints reprs
        panel = privacy_utility_panel(sweep, budget=PrivacyBudget(epsilon=3.0, delta=1e-5),
                                      train=train)
        epsilons = list(panel.controls["epsilon"].options)
        for _ in range(2):
            for model in ("dp_sgd_logistic", "dp_ebm"):
                for _label, epsilon in epsilons:
                    panel.set(epsilon=epsilon, model=model)
        mech = mechanism_panel(train, budget=PrivacyBudget(epsilon=100.0, delta=0.0))
        for _ in range(2):
            for _label, epsilon in mech.controls["epsilon"].options:
                for query in ("mean", "sum", "count"):
                    mech.set(epsilon=epsilon, query=query)
    utility = statistics.median(panel.durations[1:])
    mechanism = statistics.median(mech.durations[1:])
    print("panel update latency on full Adult (median, target < 500 ms):")
    print(f"  privacy-utility panel : {utility * 1000:5.0f} ms over {len(panel.durations) - 1} updates")
    print(f"  mechanism panel       : {mechanism * 1000:5.0f} ms over {len(mech.durations) - 1} updates "
          "(half new OpenDP releases, half memoised)")


if __name__ == "__main__":
    main()
