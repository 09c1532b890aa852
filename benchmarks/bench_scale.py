"""Benchmark of the headless pipeline's steps as the data grows (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_scale.py                    # 10,000 and 100,000 rows
    .venv/bin/python benchmarks/bench_scale.py --rows 300000      # any sizes
    .venv/bin/python benchmarks/bench_scale.py --full             # adds 1,000,000 rows (~10+ min)
    .venv/bin/python benchmarks/bench_scale.py --rows 100000 --profile /tmp/prof

Each size runs in its own process on ``make_credit(n, random_state=0)`` with
the credit example's config (examples/credit/config.yml), calling the same
public functions with the same arguments as ``python -m govkit run``
(govkit/pipeline/_run.py), one step at a time:

load (govkit.pipeline.load_data: read the CSV, split), raw model, anonymize (and write the release),
linkage attack, utility (compare_utility and fit_anonymized_model), DP
statistics, DP model, audit (membership inference), fairness evaluate,
mitigation (mitigate and compare_models), explain (SHAP, LIME, agreement,
proxies), report.

For every step it prints the wall time, the CPU time (this process, its
worker processes and finished children: on a shared machine wall time
measures the neighbours too) and the peak resident memory (RSS)
reached during the step: the process's own high-water mark (reset before each
step through /proc/self/clear_refs) or, when worker processes run, the
largest sum over the process tree sampled every 50 ms, whichever is larger.
The workspace cache is a throwaway folder (a cold run, where a
step may still reuse what an earlier step of the same run cached, as in
``govkit run``); outputs go to a throwaway folder. Timings depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STEPS = ("load", "raw model", "anonymize", "linkage attack", "utility", "DP statistics",
         "DP model", "audit", "fairness evaluate", "mitigation", "explain", "report")


class PeakMemory:
    """Peak RSS (bytes) of this process and its children while the context is open."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self.cpu = 0.0

    def _cpu(self) -> float:
        """CPU seconds so far of this process, its reaped children and its live workers.

        A worker's time moves from "live" to "reaped children" when it exits and
        is waited for, so it is counted once either way.
        """
        own = os.times()
        total = own.user + own.system + own.children_user + own.children_system
        try:
            import psutil
        except ImportError:
            return total
        for process in psutil.Process().children(recursive=False):
            try:
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.Error:
                pass
        return total

    def _tree_rss(self) -> int:
        try:
            import psutil
        except ImportError:  # no sampling of worker processes without psutil
            return 0
        me = psutil.Process()
        total = 0
        for process in (me, *me.children(recursive=True)):
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self._tree_rss())

    def __enter__(self) -> PeakMemory:
        try:  # reset the kernel's high-water mark (VmHWM) to the current RSS
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass
        self.peak = self._tree_rss()
        self._cpu_start = self._cpu()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = self._cpu() - self._cpu_start
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak = max(self.peak, int(line.split()[1]) * 1024)
        except OSError:
            pass


def run_one(rows: int, profile_dir: str | None,
            only: set[str] | None) -> dict[str, tuple[float, float, int]]:
    """Every step on ``rows`` rows in this process; step -> (seconds, CPU seconds, peak bytes)."""
    # a throwaway workspace: a cold run, with the cache working within the run as in `govkit run`
    os.environ["GOVKIT_WORKSPACE"] = tempfile.mkdtemp(prefix="bench-scale-ws-")
    os.environ.pop("GOVKIT_NO_CACHE", None)
    warnings.simplefilter("ignore")

    from govkit.anonymization import (
        anonymize,
        compare_utility,
        drop_identifiers,
        fit_anonymized_model,
        linkage_attack,
        public_register,
    )
    from govkit.datasets import make_credit
    from govkit.explain import (
        TabularLime,
        compare_importances,
        explain_lime,
        explain_shap,
        lime_shap_agreement,
        proxy_analysis,
    )
    from govkit.fairness import compare_models, evaluate_model, mitigate
    from govkit.ledger import Ledger
    from govkit.models import fit_model
    from govkit.pipeline import load_config, load_data
    from govkit.privacy import (
        PrivacyBudget,
        PublicDomain,
        dp_count,
        dp_histogram,
        dp_mean,
        fit_private_model,
        membership_inference_audit,
    )
    from govkit.report import build_report

    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    shutil.copy(ROOT / "examples" / "credit" / "config.yml", folder / "config.yml")
    make_credit(rows, random_state=0).to_csv(folder / "credit.csv", index=False)
    config = load_config(folder / "config.yml")
    ledger = Ledger(folder / "ledger.jsonl", actor="bench_scale")
    state: dict = {}
    seed = config.random_state
    options = dict(l=config.l, t=config.t, method=config.method,
                   max_suppression=config.max_suppression, random_state=seed)

    def load():
        state["train"], state["test"] = load_data(config, ledger)

    def raw_model():
        state["models"] = {"raw data": fit_model(config.model_kind, state["train"], random_state=seed)}

    def anonymize_step():
        train = state["train"]
        released, result = anonymize(train, quasi_identifiers=qis, k=config.k, ledger=ledger,
                                     **options)
        released.frame.to_csv(folder / "anonymized_release.csv", index=False)
        state["released"], state["result"] = released, result

    qis = list(config.quasi_identifiers)

    def linkage():
        train = state["train"]
        register = public_register(train, columns=[*train.identifiers[:1], *qis[:3]],
                                   size=min(1000, len(train.frame)), random_state=seed)
        linkage_attack(register, drop_identifiers(train), ledger=ledger)
        linkage_attack(register, state["released"].frame, result=state["result"], ledger=ledger)

    def utility():
        train, test = state["train"], state["test"]
        model_qis = [q for q in qis if q in train.feature_names]
        compare_utility(train, test, ks=(config.k,), methods=(config.method,), kind=config.model_kind,
                        quasi_identifiers=model_qis, ledger=ledger,
                        **{k: v for k, v in options.items() if k != "method"})
        state["models"][f"anonymized (k={config.k})"] = fit_anonymized_model(
            train, k=config.k, kind=config.model_kind, quasi_identifiers=model_qis, **options)

    def dp_statistics():
        train = state["train"]
        domain = state["domain"] = PublicDomain.resolve(train, config.public_domain)
        budget = state["budget"] = PrivacyBudget(epsilon=config.epsilon, delta=config.delta)
        epsilon = (config.epsilon - config.model_epsilon) / 3
        dp_count(train, budget=budget, epsilon=epsilon, ledger=ledger)
        numeric = next(c for c in train.numeric if c in domain.numeric)
        dp_mean(train, numeric, budget=budget, epsilon=epsilon, domain=domain, ledger=ledger)
        protected = next(c for c in train.protected if c in domain.categorical)
        dp_histogram(train, protected, budget=budget, epsilon=epsilon, domain=domain, ledger=ledger)

    def dp_model():
        state["models"][f"DP ({config.private_model})"] = fit_private_model(
            config.private_model, state["train"], budget=state["budget"],
            epsilon=config.model_epsilon, delta=config.delta, domain=state["domain"],
            random_state=seed, ledger=ledger)

    def audit():
        membership_inference_audit(
            state["train"], state["test"],
            models=("overfit_forest", config.model_kind, config.private_model),
            epsilons=(config.model_epsilon,), delta=config.delta, domain=state["domain"],
            random_state=seed, ledger=ledger)

    def fairness_evaluate():
        evaluate_model(state["models"]["raw data"], state["test"], protected=list(config.protected),
                       name="raw data", random_state=seed, ledger=ledger)

    def mitigation():
        train, test = state["train"], state["test"]
        features = list(config.protected)
        result = mitigate(config.mitigation, train, test, constraint=config.constraint,
                          protected=features[0], kind=config.model_kind, random_state=seed,
                          ledger=ledger)
        models = dict(state["models"])
        models[f"mitigated ({config.mitigation})"] = result.model
        compare_models(models, test, protected=features[0], reference="raw data",
                       random_state=seed, ledger=ledger)

    def explain():
        train, test, models = state["train"], state["test"], state["models"]
        rows = test.frame.sample(n=min(config.explain_rows, len(test)), random_state=seed).index
        explanations = {}
        for name in ("raw data", f"DP ({config.private_model})"):
            explanations[name] = explain_shap(models[name], test, rows=rows, background=train,
                                              name=name, random_state=seed, ledger=ledger)
        lime = TabularLime(models["raw data"], train, name="raw data")
        lime_result = explain_lime(lime, test, rows=rows, random_state=seed, ledger=ledger)
        raw = explanations["raw data"]
        lime_shap_agreement(raw, lime_result, top_k=min(5, len(raw.values.columns)), ledger=ledger)
        proxy_analysis(explanations["raw data"], test, protected=config.protected[0], ledger=ledger)
        compare_importances(explanations, ledger=ledger)

    def report():
        build_report(ledger).write(folder / "out")

    functions = dict(zip(STEPS, (load, raw_model, anonymize_step, linkage, utility, dp_statistics,
                                 dp_model, audit, fairness_evaluate, mitigation, explain, report),
                         strict=True))
    results: dict[str, tuple[float, float, int]] = {}
    for name, function in functions.items():
        if only is not None and name not in only and name not in ("load", "raw model", "anonymize",
                                                                  "DP statistics", "DP model"):
            continue  # skipped, unless a later step needs what it leaves behind
        profiler = None
        if profile_dir is not None and (only is None or name in only):
            import cProfile
            profiler = cProfile.Profile()
        start = time.perf_counter()
        try:
            with PeakMemory() as memory:
                if profiler is not None:
                    profiler.enable()
                function()
                if profiler is not None:
                    profiler.disable()
        except Exception as error:  # noqa: BLE001 - a failing step is a figure too
            print(f"  {name}: failed after {time.perf_counter() - start:.1f} s: "
                  f"{type(error).__name__}: {error}", file=sys.stderr, flush=True)
            results[name] = (float("nan"), memory.cpu, memory.peak)
            if name in ("load", "raw model", "anonymize", "DP statistics", "DP model"):
                break
            continue
        results[name] = (time.perf_counter() - start, memory.cpu, memory.peak)
        if profiler is not None:
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(Path(profile_dir) / f"{rows}-{name.replace(' ', '_')}.prof")
        print(f"  {name}: {results[name][0]:.1f} s (CPU {results[name][1]:.1f} s), "
              f"{results[name][2] / 2**30:.2f} GiB", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(os.environ["GOVKIT_WORKSPACE"], ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 rows (~10 GB peak before the fixes)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, help="only these steps (and what they need)")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile file per step to DIR")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = set(args.steps) if args.steps else None

    if args.child is not None:  # one size, in this process: print the results as JSON
        print(json.dumps(run_one(args.child, args.profile, only)))
        return
    sizes = sorted(set(args.rows) | ({1_000_000} if args.full else set()))
    table: dict[int, dict[str, list]] = {}
    for rows in sizes:
        print(f"{rows:,} rows ...", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--child", str(rows)]
        if args.steps:
            command += ["--steps", *args.steps]
        if args.profile:
            command += ["--profile", args.profile]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        table[rows] = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
    width = max(map(len, STEPS))
    print(f"\n{'step':<{width}}" + "".join(f"{f'{n:,} rows':>34}" for n in sizes))
    for step in STEPS:
        cells = []
        for rows in sizes:
            seconds, cpu, peak = table[rows].get(step, (float("nan"), 0.0, 0))
            cells.append(f"{seconds:8.1f} s {cpu:8.1f} s {peak / 2**30:6.2f} GiB" if peak
                         else f"{'-':>34}")
        print(f"{step:<{width}}" + "".join(f"{c:>34}" for c in cells))
    print("\nper step: wall time, CPU time (the process and its workers), peak RSS during the step")


if __name__ == "__main__":
    main()
