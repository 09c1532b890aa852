"""The headless pipeline: every governance stage on one dataset, into one output folder.

:func:`run_pipeline` is what ``python -m govkit run`` does. It calls the same
public functions, with the same defaults and seeds, as the notebooks, so its
numbers match theirs (and the slow steps come from the same cache). The output
folder holds the anonymized release, the ledger of the run and the report
rendered from that ledger; an existing result is never overwritten without
``force=True``. Raw data is only read.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.model_selection import train_test_split
from tqdm import tqdm

from govkit.datasets import Dataset, add_synthetic_identifiers, from_csv, load_adult, record_load
from govkit.exceptions import GovkitWarning
from govkit.ledger import Ledger, fingerprint
from govkit.models import fit_model
from govkit.workspace import cached

from ._config import PipelineConfig

__all__ = ["OUTPUT_FILES", "PipelineResult", "run_pipeline"]

OUTPUT_FILES = ("report.html", "report.md", "ledger.jsonl", "anonymized_release.csv")
_EXISTS = (
    "run: {folder} already holds results ({files}); pass --force (force=True) to replace them, "
    "or choose another output folder."
)
_INSIDE_DATA = (
    "run: the output folder {folder} lies inside the data folder {data}; results never go next "
    "to raw data. Choose another folder, e.g. results/."
)
STEPS = (
    "load the data",
    "anonymize and attack the release",
    "privacy: DP statistics and DP training",
    "fairness: evaluate and mitigate",
    "explanations: SHAP and LIME",
    "render the report",
)


@dataclass(frozen=True)
class PipelineResult:
    """Where a pipeline run put its results, and how long each step took."""

    out_dir: Path
    report_html: Path
    report_md: Path
    ledger: Path
    release: Path
    seconds: dict[str, float]
    verified: bool


def _prepare_output(out_dir: Path, config: PipelineConfig, force: bool) -> None:
    out_dir = out_dir.resolve()
    data_dirs = [Path(__file__).resolve().parents[2] / "data"]
    if config.data_path is not None:
        data_dirs.append(config.data_path.parent)
    for data in data_dirs:
        if out_dir == data or data in out_dir.parents:
            raise ValueError(_INSIDE_DATA.format(folder=out_dir, data=data))
    existing = [name for name in (*OUTPUT_FILES, "report_files") if (out_dir / name).exists()]
    if existing and not force:
        raise FileExistsError(_EXISTS.format(folder=out_dir, files=", ".join(existing)))
    for name in existing:
        target = out_dir / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _load(config: PipelineConfig, ledger: Ledger) -> tuple[Dataset, Dataset]:
    if config.is_adult:
        return load_adult("train", ledger=ledger), load_adult("test", ledger=ledger)
    roles = dict(
        target=config.target,
        positive_label=config.positive_label,
        protected=config.protected,
        quasi_identifiers=config.quasi_identifiers,
        identifiers=config.identifiers,
        numeric=config.numeric,
        categorical=config.categorical,
    )
    licence = config.data_licence or "not stated in the config (data.licence)"

    def read(path: Path) -> Dataset:
        data = from_csv(path, **roles)
        record_load(data, ledger, source=path.name, file_sha256=fingerprint(path), licence=licence)
        return data

    data = read(config.data_path)
    if config.test_path is not None:
        return data, read(config.test_path)
    train_index, test_index = train_test_split(
        data.frame.index, test_size=config.test_size, stratify=data.y,
        random_state=config.random_state,
    )
    train = data.replace(frame=data.frame.loc[train_index].reset_index(drop=True),
                         numeric=data.numeric, categorical=data.categorical, name=f"{data.name}-train")
    test = data.replace(frame=data.frame.loc[test_index].reset_index(drop=True),
                        numeric=data.numeric, categorical=data.categorical, name=f"{data.name}-test")
    ledger.append(
        "datasets", "split",
        parameters={"test_size": config.test_size, "stratified_by": config.target,
                    "random_state": config.random_state},
        inputs={"data": data.fingerprint},
        outputs={"train": train.fingerprint, "test": test.fingerprint},
        metrics={"train_rows": len(train), "test_rows": len(test),
                 "train_positive_rate": float(train.y.mean()),
                 "test_positive_rate": float(test.y.mean())},
    )
    return train, test


def _anonymization(config, train, test, ledger, out_dir):
    """Release the training data k-anonymously and attack both the raw and the anonymized release."""
    from govkit.anonymization import (
        anonymize,
        compare_utility,
        drop_identifiers,
        fit_anonymized_model,
        linkage_attack,
        public_register,
    )

    options = dict(l=config.l, t=config.t, method=config.method,
                   max_suppression=config.max_suppression, random_state=config.random_state)
    qis = config.quasi_identifiers or train.quasi_identifiers
    if config.is_adult:  # Adult has no names: add clearly synthetic ones, as notebook 01 does
        people = add_synthetic_identifiers(train, random_state=config.random_state)
        register_columns = ["name", "zip_code", "age", "sex"]
    else:
        people = train
        register_columns = [*train.identifiers[:1], *qis[:3]]
    # Adult's release also generalizes the synthetic ZIP code (a quasi-identifier), as in notebook 01.
    release_qis = config.quasi_identifiers or people.quasi_identifiers
    released, result = anonymize(people, quasi_identifiers=release_qis, k=config.k, ledger=ledger,
                                 **options)
    release_path = out_dir / "anonymized_release.csv"
    released.frame.to_csv(release_path, index=False)
    if people.identifiers:
        # Sweeney's attack: a public register with names, joined to the release with the names
        # dropped, then to the anonymized release.
        register = public_register(people, columns=register_columns,
                                   size=min(1000, len(people.frame)), random_state=config.random_state)
        linkage_attack(register, drop_identifiers(people), ledger=ledger)
        linkage_attack(register, released.frame, result=result, ledger=ledger)
    compare_utility(train, test, ks=(config.k,), methods=(config.method,), kind=config.model_kind,
                    quasi_identifiers=qis, ledger=ledger,
                    **{k: v for k, v in options.items() if k != "method"})
    model = fit_anonymized_model(train, k=config.k, kind=config.model_kind, quasi_identifiers=qis,
                                 **options)
    return release_path, model


def _privacy(config, train, test, ledger):
    """Spend one budget on a few DP statistics and one DP model; audit membership leakage."""
    from govkit.privacy import (
        PrivacyBudget,
        PublicDomain,
        dp_count,
        dp_histogram,
        dp_mean,
        fit_private_model,
        membership_inference_audit,
    )

    domain = PublicDomain.resolve(train, config.public_domain)
    budget = PrivacyBudget(epsilon=config.epsilon, delta=config.delta, name=f"{config.name} budget")
    statistics_epsilon = (config.epsilon - config.model_epsilon) / 3
    if statistics_epsilon > 0:
        dp_count(train, budget=budget, epsilon=statistics_epsilon, ledger=ledger)
        numeric = next((c for c in train.numeric if c in domain.numeric), None)
        if numeric is not None:
            dp_mean(train, numeric, budget=budget, epsilon=statistics_epsilon, domain=domain,
                    ledger=ledger)
        protected = next((c for c in train.protected if c in domain.categorical), None)
        if protected is not None:
            dp_histogram(train, protected, budget=budget, epsilon=statistics_epsilon,
                         domain=domain, ledger=ledger)
    model = fit_private_model(config.private_model, train, budget=budget,
                              epsilon=config.model_epsilon, delta=config.delta, domain=domain,
                              random_state=config.random_state, ledger=ledger)
    membership_inference_audit(
        train, test, models=("overfit_forest", config.model_kind, config.private_model),
        epsilons=(config.model_epsilon,), delta=config.delta, domain=domain,
        random_state=config.random_state, ledger=ledger,
    )
    return model


def _fairness(config, train, test, ledger, models):
    from govkit.fairness import compare_models, evaluate_model, mitigate

    features = list(config.protected or train.protected)
    evaluate_model(models["raw data"], test, sensitive_features=features, name="raw data",
                   random_state=config.random_state, ledger=ledger)
    if config.mitigation != "none":
        result = mitigate(config.mitigation, train, test, constraint=config.constraint,
                          sensitive_features=features[0], kind=config.model_kind,
                          random_state=config.random_state, ledger=ledger)
        models[f"mitigated ({config.mitigation})"] = result.model
    compare_models(models, test, sensitive_features=features[0], reference="raw data",
                   random_state=config.random_state, ledger=ledger)


def _explanations(config, train, test, ledger, models):
    from govkit.explain import (
        TabularLime,
        compare_importances,
        explain_lime,
        explain_shap,
        lime_shap_agreement,
        proxy_analysis,
    )

    rows = test.frame.sample(n=min(config.explain_rows, len(test)), random_state=config.random_state).index
    explanations = {}
    for name in ("raw data", f"DP ({config.private_model})"):
        explanations[name] = explain_shap(models[name], test, rows=rows, background=train, name=name,
                                          random_state=config.random_state, ledger=ledger)
    raw = explanations["raw data"]
    lime = TabularLime(models["raw data"], train, name="raw data")
    lime_result = explain_lime(lime, test, rows=rows, random_state=config.random_state, ledger=ledger)
    lime_shap_agreement(raw, lime_result, ledger=ledger)
    for protected in (config.protected or train.protected)[:1]:
        proxy_analysis(raw, test, protected=protected, ledger=ledger)
    compare_importances(explanations, ledger=ledger)


def _record_warnings(caught: list[warnings.WarningMessage], ledger: Ledger) -> None:
    """One ledger record listing govkit's warnings of the run (category and message, once each)."""
    seen: dict[tuple[str, str], None] = {}
    for warning in caught:
        if issubclass(warning.category, GovkitWarning):
            seen.setdefault((warning.category.__name__, str(warning.message)), None)
    ledger.append("pipeline", "warnings",
                  parameters={"warnings": [{"category": c, "message": m} for c, m in seen]},
                  metrics={"count": len(seen)})


def run_pipeline(
    config: PipelineConfig,
    out_dir: str | os.PathLike,
    *,
    force: bool = False,
    progress: bool = True,
) -> PipelineResult:
    """Run every governance stage on the configured data and write the results.

    Parameters
    ----------
    config : PipelineConfig
        From :func:`govkit.pipeline.load_config` (``None`` path: bundled Adult).
    out_dir : path-like
        Created if missing. Receives ``anonymized_release.csv``,
        ``ledger.jsonl``, ``report.html``, ``report.md`` and ``report_files/``.
    force : bool
        Replace earlier results in ``out_dir`` (otherwise refuse).
    progress : bool
        Show a progress bar on standard error.

    Returns
    -------
    PipelineResult
    """
    from govkit.report import build_report, record_intended_use

    out_dir = Path(out_dir)
    _prepare_output(out_dir, config, force)
    ledger = Ledger(out_dir / "ledger.jsonl", actor="govkit pipeline")
    seconds: dict[str, float] = {}
    bar = tqdm(total=len(STEPS), disable=not progress, unit="step", dynamic_ncols=True)

    def step(name: str):
        bar.set_description(name)
        return time.perf_counter()

    def done(name: str, start: float) -> None:
        seconds[name] = time.perf_counter() - start
        bar.update(1)

    with warnings.catch_warnings(record=True) as caught:
        # govkit's own warnings (data quality, small groups, bounds read from the data) are
        # collected, written to the ledger (so the report lists them) and shown at the end.
        warnings.simplefilter("always", GovkitWarning)
        start = step(STEPS[0])
        record_intended_use(ledger, intended_use=config.intended_use, limitations=config.limitations,
                            model_licence=config.model_licence, model_kind=config.model_kind,
                            name=config.name)
        ledger.append("pipeline", "configure", parameters=config.as_dict())
        train, test = _load(config, ledger)
        key = {"train": train.fingerprint, "kind": config.model_kind, "seed": config.random_state}
        models: dict[str, Any] = {
            "raw data": cached("pipeline-raw-model", key, lambda: fit_model(
                config.model_kind, train, random_state=config.random_state)),
        }
        done(STEPS[0], start)

        start = step(STEPS[1])
        release_path, models[f"anonymized (k={config.k})"] = _anonymization(config, train, test, ledger, out_dir)
        done(STEPS[1], start)

        start = step(STEPS[2])
        models[f"DP ({config.private_model})"] = _privacy(config, train, test, ledger)
        done(STEPS[2], start)

        start = step(STEPS[3])
        _fairness(config, train, test, ledger, models)
        done(STEPS[3], start)

        start = step(STEPS[4])
        _explanations(config, train, test, ledger, models)
        done(STEPS[4], start)

        start = step(STEPS[5])
        _record_warnings(caught, ledger)
        report = build_report(ledger)
        report.write(out_dir)
        done(STEPS[5], start)
    bar.close()
    for warning in caught:
        if issubclass(warning.category, GovkitWarning):
            warnings.warn(warning.message, warning.category, stacklevel=2)
        else:  # a library's warning: re-raise it as raised, under its module's name (for filters)
            module = next((name for name, mod in list(sys.modules.items())
                           if getattr(mod, "__file__", None) == warning.filename), None)
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno, module=module)
    return PipelineResult(
        out_dir=out_dir,
        report_html=out_dir / "report.html",
        report_md=out_dir / "report.md",
        ledger=ledger.path,
        release=release_path,
        seconds=seconds,
        verified=report.verification.ok,
    )
