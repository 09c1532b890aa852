"""The headless pipeline: every governance stage on one dataset, into one output folder.

:func:`run_pipeline` is what ``python -m govkit run`` does. It calls the same
public functions, with the same defaults and seeds, as the notebooks, so its
numbers match theirs (and the slow steps come from the same cache). The output
folder holds the anonymized release, the ledger of the run and the report
rendered from that ledger; an existing result is never overwritten without
``force=True``. Raw data is only read.

The data is checked first (:func:`govkit.datasets.check_data`): a run that
would fail on the data is refused before any work, with every problem at once.

A run leaves nothing behind unless it succeeds. It writes into a hidden
folder beside the output folder (same file system) and moves the results into
place only at the end (``os.replace``); with ``force=True`` the old results are
replaced only then. A run that fails, or is interrupted, removes its
temporary folder and leaves only ``<out>.failed.log`` beside the output folder
(what failed, in which step, and the traceback), so fixing the cause and
running again needs no ``--force``; the next successful run deletes that log.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.model_selection import train_test_split
from tqdm import tqdm

from govkit.anonymization import (
    anonymize,
    compare_utility,
    drop_identifiers,
    fit_anonymized_model,
    linkage_attack,
    public_register,
)
from govkit.datasets import (
    Dataset,
    add_synthetic_identifiers,
    check_data,
    from_csv,
    load_adult,
    record_load,
)
from govkit.exceptions import DataQualityWarning, GovkitWarning
from govkit.fairness import compare_models, evaluate_model, mitigate
from govkit.ledger import Ledger, fingerprint
from govkit.models import feature_groups, fit_model
from govkit.privacy import (
    PrivacyBudget,
    PublicDomain,
    dp_count,
    dp_histogram,
    dp_mean,
    fit_private_model,
    membership_inference_audit,
)
from govkit.report import build_report, record_intended_use
from govkit.workspace import cached

from ._config import PipelineConfig

__all__ = ["OUTPUT_FILES", "PipelineResult", "failure_log_path", "load_data", "run_pipeline"]

OUTPUT_FILES = ("report.html", "report.md", "ledger.jsonl", "anonymized_release.csv")
_RESULTS = (*OUTPUT_FILES, "report_files")
_EXISTS = (
    "run: {folder} already holds results ({files}); pass --force (force=True) to replace them, "
    "or choose another output folder."
)
_INSIDE_DATA = (
    "run: the output folder {folder} lies inside the data folder {data}; results never go next "
    "to raw data. Choose another folder, e.g. results/."
)
_UNUSED_FEATURES = (
    "the fitted model does not use the feature column(s) {columns} although the data declares "
    "them as features; check data.numeric / data.categorical, or list the columns under "
    "data.exclude to leave them out on purpose."
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


def failure_log_path(out_dir: str | os.PathLike) -> Path:
    """Where a failed run into ``out_dir`` leaves its log: ``<out>.failed.log`` beside it.

    Examples
    --------
    >>> from govkit.pipeline import failure_log_path
    >>> failure_log_path("results/credit").as_posix()
    'results/credit.failed.log'
    """
    out_dir = Path(out_dir)
    return out_dir.with_name(out_dir.name + ".failed.log")


def _check_output(out_dir: Path, config: PipelineConfig, force: bool) -> None:
    """Refuse before any work: results next to raw data, or earlier results without force."""
    out_dir = out_dir.resolve()
    data_dirs = [Path(__file__).resolve().parents[2] / "data"]
    if config.data_path is not None:
        data_dirs.append(config.data_path.parent)
    for data in data_dirs:
        if out_dir == data or data in out_dir.parents:
            raise ValueError(_INSIDE_DATA.format(folder=out_dir, data=data))
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"run: {out_dir} is a file, not a folder; choose another --out.")
    existing = [name for name in _RESULTS if (out_dir / name).exists()]
    if existing and not force:
        raise FileExistsError(_EXISTS.format(folder=out_dir, files=", ".join(existing)))


def _publish(staging: Path, out_dir: Path) -> None:
    """Move a finished run's results from ``staging`` into ``out_dir`` (replacing old results)."""
    if not out_dir.exists() or (out_dir.is_dir() and not any(out_dir.iterdir())):
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)  # one atomic rename
        return
    # The folder holds other files too (the user's): swap our results one name at a time,
    # keeping the old ones aside until every new one is in place.
    old = staging.with_name(staging.name + ".old")
    old.mkdir()
    for name in _RESULTS:
        if (out_dir / name).exists():
            os.replace(out_dir / name, old / name)
    for item in staging.iterdir():
        os.replace(item, out_dir / item.name)
    staging.rmdir()
    shutil.rmtree(old)


def _write_failure_log(path: Path, config: PipelineConfig, step: str, error: BaseException,
                       seconds: dict[str, float]) -> None:
    done = "".join(f"  {name}: {value:.1f} s\n" for name, value in seconds.items()) or "  none\n"
    text = (
        f"govkit run failed at {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC\n"
        f"config: {config.source}\nstep: {step}\nerror: {type(error).__name__}: {error}\n\n"
        f"steps completed:\n{done}\nNo results were written; fix the cause and run again "
        "(no --force needed).\n\n"
        + "".join(traceback.format_exception(error))
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:  # pragma: no cover - the log is a courtesy; the error itself is raised
        pass


def _read_options(config: PipelineConfig) -> dict[str, Any]:
    """from_csv's keyword arguments for the configured roles and file format."""
    options: dict[str, Any] = dict(
        target=config.target,
        positive_label=config.positive_label,
        protected=config.protected,
        quasi_identifiers=config.quasi_identifiers,
        identifiers=config.identifiers,
        numeric=config.numeric,
        categorical=config.categorical,
    )
    # the newer keys are passed only when set, so from_csv's own defaults (detect) apply
    for key, default in (("not_identifiers", ()), ("exclude", ()), ("encoding", None),
                         ("sep", None), ("decimal", None), ("thousands", None)):
        value = getattr(config, key)
        if value != default:
            options[key] = value
    return options


def load_data(config: PipelineConfig, ledger: Ledger | None = None) -> tuple[Dataset, Dataset]:
    """Load the configured data as ``run`` does: (train, test), split as configured.

    The bundled Adult data when ``config`` has no data path; otherwise the
    CSV(s) read with the configured roles and file format, the test split
    held out (stratified, seeded) when there is no ``test_path``. With a
    ledger, each file's ``datasets/load`` record and the ``datasets/split``
    record are appended.

    Examples
    --------
    >>> from govkit.pipeline import PipelineConfig, load_data
    >>> train, test = load_data(PipelineConfig.adult())
    >>> len(train), len(test)
    (32561, 16281)
    """
    if config.is_adult:
        return load_adult("train", ledger=ledger), load_adult("test", ledger=ledger)
    roles = _read_options(config)
    licence = config.data_licence or "not stated in the config (data.licence)"

    def read(path: Path) -> Dataset:
        data = from_csv(path, **roles)
        if ledger is not None:
            # record_load adds how the file was read (data.read_options: encoding, separator, ...)
            record_load(data, ledger, source=path.name, file_sha256=fingerprint(path),
                        licence=licence)
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
    if ledger is None:
        return train, test
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


def _check_loaded_data(config: PipelineConfig, train: Dataset, test: Dataset,
                       ledger: Ledger | None = None):
    """``govkit.datasets.check_data`` on both splits, recorded; raises on any problem.

    Returns the :class:`~govkit.datasets.DataCheck` when there is none.
    """
    check = check_data(train, test=test, min_group_size=config.min_group_size)
    if ledger is not None:
        ledger.append("pipeline", "check_data",
                      parameters={"min_group_size": config.min_group_size},
                      inputs={"train": train.fingerprint, "test": test.fingerprint},
                      metrics={"ok": bool(check.ok), "problems": len(check.problems),
                               "notes": [str(n) for n in check.notes]})
    check.raise_for_problems()
    return check


def _record_features(config: PipelineConfig, train: Dataset, model: Any, ledger: Ledger) -> None:
    """Which columns the fitted model takes as input, grouped back to the data's columns."""
    preprocess = model.named_steps["preprocess"]
    groups = feature_groups(preprocess)
    used = [c for c in train.feature_names if c in groups]
    unused = [c for c in train.feature_names if c not in groups]
    ledger.append(
        "pipeline", "model_features",
        parameters={"model": "raw data", "kind": config.model_kind, "features": used,
                    "not_used": unused, "excluded": list(config.exclude),
                    "identifiers": list(train.identifiers)},
        metrics={"features_used": len(used), "features_declared": len(train.feature_names),
                 "encoded_columns": int(len(preprocess.get_feature_names_out()))},
    )
    if unused:
        warnings.warn(_UNUSED_FEATURES.format(columns=unused), DataQualityWarning, stacklevel=2)


def _anonymization(config, train, test, ledger, out_dir, raw_model):
    """Release the training data k-anonymously and attack both the raw and the anonymized release."""
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
    # The utility model learns from features only: a quasi-identifier listed under data.exclude
    # is generalized in the release but is no model input, so it is not one of the model's QIs.
    model_qis = [q for q in qis if q in train.feature_names]  # never empty: load_config checks
    # The raw-data model is the one the pipeline already fitted: no second fit (at 1M rows one
    # fit of the reference recipe costs minutes and gigabytes).
    compare_utility(train, test, ks=(config.k,), methods=(config.method,), kind=config.model_kind,
                    quasi_identifiers=model_qis, reference_model=raw_model, ledger=ledger,
                    **{k: v for k, v in options.items() if k != "method"})
    model = fit_anonymized_model(train, k=config.k, kind=config.model_kind,
                                 quasi_identifiers=model_qis, **options)
    return release_path, model


def _privacy(config, train, test, ledger):
    """Spend one budget on a few DP statistics and one DP model; audit membership leakage."""
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
    protected = list(config.protected or train.protected)
    evaluate_model(models["raw data"], test, protected=protected, name="raw data",
                   random_state=config.random_state, ledger=ledger)
    if config.mitigation != "none":
        result = mitigate(config.mitigation, train, test, constraint=config.constraint,
                          protected=protected[0], kind=config.model_kind,
                          random_state=config.random_state, ledger=ledger)
        models[f"mitigated ({config.mitigation})"] = result.model
    compare_models(models, test, protected=protected[0], reference="raw data",
                   random_state=config.random_state, ledger=ledger)


def _explanations(config, train, test, ledger, models):
    # imported here: shap and lime take a while to import, and only this step needs them
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
    # the agreement of the top 5 features (lime_shap_agreement takes fewer when there are fewer)
    lime_shap_agreement(raw, lime_result, top_k=5, ledger=ledger)
    # proxy analysis splits the model's reliance on a protected attribute into direct and
    # through proxies; the report shows it for an attribute the model uses (for one in
    # data.exclude the direct share is 0 by construction and only proxies remain)
    used = [c for c in (config.protected or train.protected) if c in raw.values.columns]
    for protected in used[:1]:
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
        ``ledger.jsonl``, ``report.html``, ``report.md`` and ``report_files/``,
        all at once when the run succeeds (see the module docstring).
    force : bool
        Replace earlier results in ``out_dir`` (otherwise refuse); they are
        replaced only once the new run has succeeded.
    progress : bool
        Show a progress bar on standard error.

    Returns
    -------
    PipelineResult

    Raises
    ------
    FileExistsError
        ``out_dir`` already holds results and ``force`` is False.
    ValueError
        ``out_dir`` lies inside the data folder, or the data is refused
        (``govkit.exceptions.DataCheckError`` lists every problem at once).
        On any error nothing is written but :func:`failure_log_path`.

    Examples
    --------
    A small CSV (600 synthetic applicants, four columns) with the quickest
    settings runs every stage in about ten seconds:

    >>> import pathlib, tempfile, yaml
    >>> from govkit.datasets import make_credit
    >>> from govkit.pipeline import load_config, run_pipeline
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> columns = ["applicant_name", "age", "sex", "income", "repaid"]
    >>> make_credit(600, random_state=0)[columns].to_csv(folder / "credit.csv", index=False)
    >>> settings = {
    ...     "data": {"path": "credit.csv", "target": "repaid", "positive_label": "yes",
    ...              "protected": ["sex"], "quasi_identifiers": ["age", "sex"],
    ...              "identifiers": ["applicant_name"]},
    ...     "model": {"kind": "logistic_regression"},
    ...     "privacy": {"model": "dp_sgd_logistic",
    ...                 "public_domain": {"numeric": {"age": [18, 100], "income": [0, 500000]},
    ...                                   "categorical": {"sex": ["female", "male"]}}},
    ...     "explain": {"rows": 3}}
    >>> _ = (folder / "config.yml").write_text(yaml.safe_dump(settings))
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results"  # never inside the data's folder
    >>> result = run_pipeline(load_config(folder / "config.yml"), out, progress=False)
    >>> result.verified, sorted(path.name for path in out.iterdir())
    (True, ['anonymized_release.csv', 'ledger.jsonl', 'report.html', 'report.md', 'report_files'])
    """
    out_dir = Path(out_dir)
    _check_output(out_dir, config, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".running",
                                    dir=out_dir.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's folder is private (0700); results are not
    seconds: dict[str, float] = {}
    current = [STEPS[0]]
    bar = tqdm(total=len(STEPS), disable=not progress, unit="step", dynamic_ncols=True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            # govkit's own warnings (data quality, small groups, bounds read from the data) are
            # collected, written to the ledger (so the report lists them) and shown at the end.
            warnings.simplefilter("always", GovkitWarning)
            verified = _run_steps(config, staging, seconds, current, bar, caught)
        _publish(staging, out_dir)
    except BaseException as error:  # a failed or interrupted run leaves only its log
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
        _write_failure_log(failure_log_path(out_dir), config, current[0], error, seconds)
        raise
    bar.close()
    failure_log_path(out_dir).unlink(missing_ok=True)
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
        ledger=out_dir / "ledger.jsonl",
        release=out_dir / "anonymized_release.csv",
        seconds=seconds,
        verified=verified,
    )


def _run_steps(config: PipelineConfig, folder: Path, seconds: dict[str, float], current: list[str],
               bar, caught: list[warnings.WarningMessage]) -> bool:
    """Every step, writing into ``folder``; returns whether the ledger verifies."""
    ledger = Ledger(folder / "ledger.jsonl", actor="govkit pipeline")

    def step(name: str) -> float:
        current[0] = name
        bar.set_description(name)
        return time.perf_counter()

    def done(name: str, start: float) -> None:
        seconds[name] = time.perf_counter() - start
        bar.update(1)

    start = step(STEPS[0])
    record_intended_use(ledger, intended_use=config.intended_use, limitations=config.limitations,
                        model_licence=config.model_licence, model_kind=config.model_kind,
                        name=config.name)
    ledger.append("pipeline", "configure", parameters=config.as_dict())
    train, test = load_data(config, ledger)
    _check_loaded_data(config, train, test, ledger)  # refuse a run that would fail on the data, now
    key = {"train": train.fingerprint, "kind": config.model_kind, "random_state": config.random_state}
    models: dict[str, Any] = {
        "raw data": cached("pipeline-raw-model", key, lambda: fit_model(
            config.model_kind, train, random_state=config.random_state)),
    }
    _record_features(config, train, models["raw data"], ledger)
    done(STEPS[0], start)

    start = step(STEPS[1])
    _, models[f"anonymized (k={config.k})"] = _anonymization(config, train, test, ledger, folder,
                                                           models["raw data"])
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
    report.write(folder)
    done(STEPS[5], start)
    return report.verification.ok
