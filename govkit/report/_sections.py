"""The report's sections, each built from ledger records alone (nothing is recomputed).

Every function takes the list of verified records and returns a
:class:`~govkit.report._document.Section`. Record shapes are documented in
each stage's "Ledger records" section; missing keys render as "—" so a
report can be drawn from any ledger, however partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govkit._fonts import use_cjk_fallback

from ._document import Section

__all__ = [
    "anonymization_section",
    "data_section",
    "explanations_section",
    "fairness_section",
    "intended_use_section",
    "licences_section",
    "privacy_section",
    "verification_section",
]

Record = Mapping[str, Any]


def _select(records: Iterable[Record], stage: str, *operations: str) -> list[Record]:
    return [r for r in records if r["stage"] == stage and (not operations or r["operation"] in operations)]


def _pct(value: Any) -> Any:
    return None if value is None else f"{100 * float(value):.1f}%"


def _num(value: Any, digits: int = 3) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return round(float(value), digits) if isinstance(value, float) else value


def _interval(cell: Any, digits: int = 3) -> Any:
    """``{"value", "lower", "upper"}`` -> "0.812 [0.801, 0.822]"."""
    if not isinstance(cell, Mapping) or cell.get("value") is None:
        return None
    text = f"{cell['value']:.{digits}f}"
    if cell.get("lower") is not None and cell.get("upper") is not None:
        text += f" [{cell['lower']:.{digits}f}, {cell['upper']:.{digits}f}]"
    return text


def _when(record: Record) -> str:
    return str(record.get("timestamp", ""))[:19].replace("T", " ")


# -- 1. intended use ------------------------------------------------------------------

def intended_use_section(records: list[Record]) -> Section:
    section = Section("Intended use and limitations", "intended-use")
    stated = _select(records, "report", "intended_use")
    if not stated:
        return section.notice(
            "The ledger holds no statement of intended use. Record one with "
            "govkit.report.record_intended_use(ledger, intended_use=..., limitations=...) "
            "(the headless pipeline records the one in its config)."
        )
    parameters = stated[-1]["parameters"]
    section.text(f"Intended use: {parameters.get('intended_use', '—')}")
    section.text(f"Limitations: {parameters.get('limitations', '—')}")
    if parameters.get("model_kind"):
        section.text(f"Model: {parameters['model_kind']} (govkit's reference recipe).")
    raised = [w for r in _select(records, "pipeline", "warnings")
              for w in r["parameters"].get("warnings", [])]
    if raised:
        section.alert(f"{len(raised)} warning(s) were raised while this evidence was produced; "
                      "read them before relying on it.")
        section.table(pd.DataFrame(raised), "Warnings of the run, as raised (data quality, small "
                      "groups, bounds read from the data).")
    return section


# -- 2. data provenance ---------------------------------------------------------------

_READ_SETTINGS = {"encoding": "encoding", "sep": "separator", "decimal": "decimal mark",
                  "thousands": "thousands separator"}


def _read_options_table(loads: list[Record]) -> pd.DataFrame:
    """One row per distinct file load with ``read_options`` (from_csv's decisions)."""
    rows, seen = [], set()
    for record in loads:
        parameters = record["parameters"]
        options = parameters.get("read_options")
        key = (parameters.get("name"), record["outputs"].get("data"))
        if not isinstance(options, Mapping) or key in seen:
            continue
        seen.add(key)
        detected = set(options.get("detected") or ())
        row = {"data": parameters.get("name")}
        for name, label in _READ_SETTINGS.items():
            value = options.get(name)
            shown = "none" if value is None else ("tab" if value == "\t" else repr(value))
            row[label] = shown + (" (detected)" if name in detected else "")
        row["notes"] = "; ".join(str(n) for n in options.get("notes") or ()) or None
        rows.append(row)
    return pd.DataFrame(rows)


def data_section(records: list[Record]) -> Section:
    section = Section("Data provenance", "data")
    loads = _select(records, "datasets", "load")
    if not loads:
        return section.notice("No data load is recorded in the ledger.")
    rows = []
    seen = set()
    for record in loads:
        parameters, metrics = record["parameters"], record["metrics"]
        fingerprint = record["outputs"].get("data", "")
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        files = parameters.get("files") or {}
        rows.append({
            "data": parameters.get("name"),
            "source": parameters.get("source"),
            "licence": parameters.get("licence", "not recorded"),
            "rows": metrics.get("rows"),
            "positive rate": _pct(metrics.get("positive_rate")),
            "missing cells": metrics.get("missing_cells"),
            "fingerprint (sha256)": fingerprint[:16] + "…",
            "file checksums (sha256)": "; ".join(f"{k}: {v[:16]}…" for k, v in files.items())
            or (parameters.get("file_sha256", "")[:16] + "…" if parameters.get("file_sha256") else None),
        })
    section.table(pd.DataFrame(rows), "Every distinct dataset the ledger saw loaded. Fingerprints "
                  "identify the exact data without storing it.")
    roles = loads[-1]["parameters"].get("roles") or {}
    if roles:
        section.text(
            f"Column roles: target {roles.get('target')!r} (positive label "
            f"{roles.get('positive_label')!r}); protected {roles.get('protected')}; "
            f"quasi-identifiers {roles.get('quasi_identifiers')}; direct identifiers "
            f"{roles.get('identifiers') or 'none'}; excluded from the model "
            f"{roles.get('exclude') or 'none'}; flagged as identifier-like but checked and kept "
            f"as features (not_identifiers) {roles.get('not_identifiers') or 'none'}."
        )
    read = _read_options_table(loads)
    if not read.empty:
        section.table(read, "How each file was read: what was given and what detected "
                      "(\"(detected)\"), and what reading decided or noticed.")
    for record in _select(records, "pipeline", "model_features")[-1:]:
        p = record["parameters"]
        features = p.get("features") or []
        section.text(f"Features the {p.get('model', '')} model used ({len(features)}, read from the "
                     f"fitted model's preprocessing): {', '.join(features) or 'none'}.")
        if p.get("excluded"):
            section.text(f"Excluded from the model by the config (data.exclude): "
                         f"{', '.join(p['excluded'])}.")
        if p.get("not_used"):
            section.alert(f"Declared feature(s) the fitted model does not use: "
                          f"{', '.join(p['not_used'])}.")
    for record in _select(records, "datasets", "split"):
        m = record["metrics"]
        section.text(
            f"Train/test split: {m.get('train_rows')} / {m.get('test_rows')} rows, stratified by "
            f"{record['parameters'].get('stratified_by')}, seed {record['parameters'].get('random_state')}."
        )
    return section


# -- 3. anonymization ----------------------------------------------------------------

def anonymization_section(records: list[Record]) -> Section:
    section = Section("Anonymization", "anonymization")
    runs = _select(records, "anonymization", "anonymize")
    identifier_steps = _select(records, "anonymization", "pseudonymize", "drop_identifiers")
    for record in identifier_steps:
        p = record["parameters"]
        if record["operation"] == "pseudonymize":
            section.text(f"Direct identifiers {p.get('columns')} were pseudonymized with "
                         f"{p.get('method', 'HMAC-SHA256')}; key from {p.get('key_source', '—')} "
                         "(the key itself is never recorded).")
        else:
            section.text(f"Direct identifiers {p.get('columns')} were dropped.")
    if not runs:
        section.notice("No anonymization is recorded in the ledger.")
    else:
        rows = []
        for record in runs:
            p, m = record["parameters"], record["metrics"]
            rows.append({
                "when": _when(record),
                "method": p.get("method"),
                "QIs": len(p.get("quasi_identifiers") or []),
                "k asked": p.get("k"), "k achieved": m.get("k"),
                "l asked": p.get("l"), "l achieved": _num(m.get("l_distinct"), 2),
                "t asked": p.get("t"), "t achieved": _num(m.get("t")),
                "suppressed": f"{m.get('suppressed_rows', '—')} ({_pct(m.get('suppressed_share'))})",
                "prosecutor max risk": _num(m.get("prosecutor_highest_risk")),
                "prosecutor avg risk": _num(m.get("prosecutor_average_risk")),
                "journalist max risk": _num(m.get("journalist_highest_risk")),
                "marketer risk": _num(m.get("marketer_risk")),
                "info loss": _num(m.get("information_loss")),
            })
        section.table(pd.DataFrame(rows), "Each anonymization run: the privacy model asked for and "
                      "achieved, rows withheld, ARX-style re-identification risks (highest risk = "
                      "1 / smallest class) and generalized information loss (0 = none, 1 = all).")
        last = runs[-1]["parameters"]
        section.text(f"Quasi-identifiers of the latest run: {', '.join(last.get('quasi_identifiers') or [])}.")
    attacks = _select(records, "anonymization", "linkage_attack")
    if attacks:
        rows = [{
            "release": r["parameters"].get("release"),
            "joined on": ", ".join(r["parameters"].get("on") or []),
            "register entries": r["metrics"].get("register_size"),
            "re-identified": r["metrics"].get("reidentified"),
            "share": _pct(r["metrics"].get("reidentified_share")),
            "avg candidates": _num(r["metrics"].get("average_candidates"), 1),
        } for r in attacks]
        section.table(pd.DataFrame(rows), "Sweeney's linkage attack: a public register with names "
                      "joined to each release. Removing names alone leaves people re-identifiable.")
    for record in _select(records, "anonymization", "utility"):
        m = record["metrics"]
        models = pd.DataFrame(m.get("models") or [])
        section.text(f"Utility ({record['parameters'].get('kind')}): trained on raw data, test accuracy "
                     f"{_num(m.get('raw_accuracy'))}, AUC {_num(m.get('raw_auc'))}.")
        if not models.empty:
            section.table(models.round(4), "The same classifier trained on each anonymized release, "
                          "scored on the raw test split.")
    return section


# -- 4. privacy ----------------------------------------------------------------------

_PRIVATE_OPERATIONS = ("dp_count", "dp_sum", "dp_mean", "dp_histogram", "train_private_model")


def _budget_figure(charges: list[Record]) -> plt.Figure:
    use_cjk_fallback()  # labels can hold the data's own names (a budget named in Chinese)
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    steps = np.arange(1, len(charges) + 1)
    spent = [c["metrics"].get("budget_spent_epsilon") for c in charges]
    naive = [c["metrics"].get("budget_naive_sum_epsilon") for c in charges]
    total = charges[-1]["parameters"].get("budget_epsilon")
    ax.step(steps, spent, where="post", label="spent (accountant)", color="#1f77b4")
    if all(v is not None for v in naive):
        ax.step(steps, naive, where="post", label="plain sum of ε", color="#999", linestyle="--")
    if total is not None:
        ax.axhline(total, color="#cf222e", linewidth=1, label=f"budget ε = {total:g}")
    ax.set_xlabel("DP operation (in ledger order)")
    ax.set_ylabel("ε")
    ax.set_xticks(steps)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def privacy_section(records: list[Record]) -> Section:
    section = Section("Differential privacy", "privacy")
    charges = _select(records, "privacy", *_PRIVATE_OPERATIONS)
    if not charges:
        section.notice("No differentially private release or training is recorded in the ledger.")
    else:
        rows = []
        for record in charges:
            p, m = record["parameters"], record["metrics"]
            what = p.get("kind") if record["operation"] == "train_private_model" else (
                f"{p.get('query', record['operation'])}({p.get('column') or 'rows'})")
            rows.append({
                "when": _when(record), "operation": record["operation"], "what": what,
                "budget": p.get("budget_name"),
                "ε": _num(m.get("epsilon_spent", p.get("epsilon"))),
                "δ": m.get("delta_spent", p.get("delta")),
                "mechanism": p.get("mechanism"),
                "accountant": p.get("accountant"),
                "budget spent ε": _num(m.get("budget_spent_epsilon")),
                "of": p.get("budget_epsilon"),
                "released": _num(m.get("released")) if not isinstance(m.get("released"), Mapping)
                else f"{len(m['released'])} noisy counts",
            })
        section.table(pd.DataFrame(rows), "Every DP release and training, in order, with the "
                      "budget spent after it as composed by the accountant.")
        first = charges[0]["parameters"]
        section.text(f"Accounting assumptions: neighbouring datasets differ by "
                     f"{first.get('neighbouring_relation', '—')}; accountant "
                     f"{first.get('accountant_library', first.get('accountant', '—'))}; composition "
                     f"{first.get('composition', '—')}.")
        samplings = sorted({str(c['parameters'].get('sampling')) for c in charges if c['parameters'].get('sampling')})
        if samplings:
            section.text("Sampling schemes assumed: " + "; ".join(samplings) + ".")
        budgets = {}
        for record in charges:
            budgets.setdefault(record["parameters"].get("budget_name"), []).append(record)
        for name, group in budgets.items():
            last = group[-1]
            section.text(f"Budget {name!r}: ε {last['metrics'].get('budget_spent_epsilon', 0):.3f} spent "
                         f"of {last['parameters'].get('budget_epsilon')} (δ "
                         f"{last['parameters'].get('budget_delta')}); a plain sum of the ε's would "
                         f"claim {last['metrics'].get('budget_naive_sum_epsilon', float('nan')):.3f}.")
        largest = max(budgets.values(), key=len)
        section.figure(_budget_figure(largest), "Privacy budget spent over time (the largest budget "
                       "in the ledger). The accountant's composition is tighter than adding up ε.")
    for record in _select(records, "privacy", "train_private_model"):
        p = record["parameters"]
        domain = p.get("public_domain") or {}
        if domain.get("derived_from_data"):
            section.alert(f"The {p.get('kind')} model's preprocessing bounds were derived from the "
                          "private data, which the privacy guarantee does not cover.")
    audits = _select(records, "privacy", "membership_inference_audit")
    if audits:
        rows = []
        for name, entry in (audits[-1]["metrics"].get("models") or {}).items():
            for attack, values in entry.items():
                if not isinstance(values, Mapping):
                    continue
                rows.append({
                    "model": name, "attack": attack,
                    "attack AUC": _num(values.get("attack_auc")),
                    "TPR @ 1% FPR": _num(values.get("tpr_at_1pct_fpr")),
                    "TPR @ 0.1% FPR": _num(values.get("tpr_at_0.1pct_fpr")),
                    "empirical ε lower bound": _num(values.get("epsilon_lower_bound")),
                    "model test AUC": _num(entry.get("test_auc")),
                })
        sample = audits[-1]["parameters"].get("sample")
        if isinstance(sample, Mapping):
            sizes = ", ".join(f"{sample[f'sampled_{name}_rows']:,} of {sample[f'{name}_rows']:,} {name} rows"
                              for name in ("train", "reference", "test")
                              if f"sampled_{name}_rows" in sample and f"{name}_rows" in sample)
            section.text(f"The audit ran on a seeded random sample ({sizes}; at most "
                         f"{sample.get('max_rows'):,} rows per input): it measures what the training "
                         "algorithm leaks at that size, an estimate for the full data.")
        if rows:
            section.table(pd.DataFrame(rows), "Membership-inference audit: how well an attacker tells "
                          "training members from non-members (AUC 0.5 = guessing). The empirical ε is a "
                          "lower bound implied by the attack; a DP model's must stay below its ε.")
    sweeps = _select(records, "privacy", "privacy_utility_sweep")
    if sweeps:
        results = sweeps[-1]["metrics"].get("results")
        if isinstance(results, list) and results:
            section.table(pd.DataFrame(results).round(4), "Privacy–utility sweep (test split; mean "
                          "and spread over seeds). Not charged to a budget: a teaching experiment.")
    return section


# -- 5. fairness ---------------------------------------------------------------------

_METRIC_LABELS = {"selection_rate": "selection rate", "tpr": "TPR", "fpr": "FPR",
                  "accuracy": "accuracy", "precision": "precision", "auc": "AUC", "base_rate": "base rate"}
_COMPARED_METRICS = ("tpr", "fpr", "selection_rate", "accuracy")


def _interval_of(values: Mapping[str, Any], name: str) -> Any:
    """``name`` with its ``name_lower`` / ``name_upper`` from a flat record, as an interval."""
    return _interval({"value": values.get(name), "lower": values.get(f"{name}_lower"),
                      "upper": values.get(f"{name}_upper")})


def _group_rows(groups: Mapping[str, Any], metrics: Iterable[str], *, first: Mapping[str, Any],
                count: bool = False, deltas: bool = False) -> list[dict[str, Any]]:
    """One row per group: its metrics as intervals (and their change from a reference, Δ).

    The per-group table of a fairness report and of a comparison of models
    (one row per model and group) are both built here.
    """
    rows = []
    for group, values in (groups or {}).items():
        row = {**first, "group": group}
        if count:
            row["count"] = values.get("count")
        for metric in metrics:
            if metric not in values:
                continue
            cell, label = values[metric], _METRIC_LABELS[metric]
            row[label] = _interval(cell)
            if deltas and isinstance(cell, Mapping) and cell.get("delta") is not None:
                row[f"Δ {label}"] = _interval_of(cell, "delta")
        rows.append(row)
    return rows


def _disparity_table(disparities: Mapping[str, Any]) -> pd.DataFrame:
    rows = []
    for criterion, d in disparities.items():
        if not isinstance(d, Mapping):
            continue
        rows.append({
            "criterion": criterion.replace("_", " "),
            "difference": _interval_of(d, "difference"),
            "ratio": _interval_of(d, "ratio"),
            "highest group": d.get("highest_group"), "lowest group": d.get("lowest_group"),
        })
    return pd.DataFrame(rows)


def fairness_section(records: list[Record]) -> Section:
    section = Section("Fairness", "fairness")
    reports = _select(records, "fairness", "group_report")
    if not reports:
        section.notice("No fairness evaluation is recorded in the ledger.")
    latest: dict[tuple, Record] = {}
    for record in reports:
        p = record["parameters"]
        # the column names: "protected" (govkit's vocabulary), "sensitive_features" in older ledgers
        latest[(p.get("name"), str(p.get("protected", p.get("sensitive_features"))))] = record
    for (name, features), record in list(latest.items())[-4:]:
        metrics = record["metrics"]
        section.text(f"Model {name!r}, groups by {features} ({metrics.get('rows')} test rows; "
                     f"{int(100 * record['parameters'].get('confidence', 0.95))}% bootstrap intervals, "
                     f"{record['parameters'].get('n_boot')} resamples).")
        section.table(pd.DataFrame(_group_rows(metrics.get("groups") or {}, _METRIC_LABELS,
                                               first={}, count=True)),
                      "Per-group metrics with confidence intervals.")
        if metrics.get("disparities"):
            section.table(_disparity_table(metrics["disparities"]), "Disparities between groups.")
        undefined = metrics.get("undefined") or []
        if undefined:
            section.notice("Undefined: " + "; ".join(
                f"{u.get('group')} {u.get('metric')} ({u.get('reason')})" for u in undefined[:8]))
    for record in _select(records, "fairness", "mitigate"):
        p, m = record["parameters"], record["metrics"]
        rows = [{"measure": key, "before": _num(v.get("before")), "after": _num(v.get("after")),
                 "change": _interval_of(v, "change")}
                for key, v in (m.get("changes") or {}).items() if isinstance(v, Mapping)]
        caveat = (" It uses the protected attribute at decision time."
                  if p.get("uses_sensitive_at_prediction") else "")
        section.text(f"Mitigation: {p.get('method')} ({p.get('family')}) for "
                     f"{p.get('constraint') or 'no constraint'}, strength {p.get('strength')}.{caveat}")
        if rows:
            section.table(pd.DataFrame(rows), "Before and after mitigation on the test split, with "
                          "paired bootstrap intervals of the change.")
    for record in _select(records, "fairness", "compare_models")[-1:]:
        reference = record["parameters"].get("reference")
        rows = [row for model, entry in (record["metrics"].get("models") or {}).items()
                for row in _group_rows(entry.get("groups") or {}, _COMPARED_METRICS,
                                       first={"model": model}, deltas=model != reference)]
        if rows:
            section.table(pd.DataFrame(rows), f"Which governance step moved which group's error "
                          f"rates: every model against {reference!r} (Δ = change, paired interval).")
    return section


# -- 6. explanations -----------------------------------------------------------------

def _importance_figure(importance: Mapping[str, float], title: str) -> plt.Figure:
    items = sorted(importance.items(), key=lambda kv: kv[1])[-10:]
    use_cjk_fallback()  # feature names are the data's column names (性别, 收入, ...)
    fig, ax = plt.subplots(figsize=(6.5, 0.3 * len(items) + 1.0))
    ax.barh([k for k, _ in items], [v for _, v in items], color="#4C72B0")
    ax.set_xlabel("mean |SHAP value|")
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def explanations_section(records: list[Record]) -> Section:
    section = Section("Explanations", "explanations")
    shap_runs = _select(records, "explain", "shap")
    if not shap_runs:
        section.notice("No explanation run is recorded in the ledger.")
    latest: dict[str, Record] = {}
    for record in shap_runs:
        latest[str(record["parameters"].get("model"))] = record
    for model, record in latest.items():
        p, m = record["parameters"], record["metrics"]
        section.text(f"SHAP for {model}: {p.get('explainer')} ({p.get('reason', '')}); output "
                     f"{p.get('output')}; {m.get('rows_explained')} rows; largest additivity error "
                     f"{m.get('max_additivity_error')}. Top features: "
                     f"{', '.join(m.get('top_features') or [])}.")
    if latest:
        model, record = next(reversed(latest.items()))
        importance = record["metrics"].get("mean_abs_shap") or {}
        if importance:
            section.figure(_importance_figure(importance, f"What {model} relies on"),
                           "Global importance: mean absolute SHAP value per original feature.")
    for record in _select(records, "explain", "lime_shap_agreement")[-2:]:
        m = record["metrics"]
        section.table(pd.DataFrame([{
            "model": record["parameters"].get("model"), "rows": m.get("rows"),
            "top-k": record["parameters"].get("top_k", record["parameters"].get("k")),  # k: older
            "feature agreement": _num(m.get("feature_agreement")),
            "rank agreement": _num(m.get("rank_agreement")),
            "sign agreement": _num(m.get("sign_agreement")),
            "rank correlation": _num(m.get("rank_correlation")),
            "LIME fidelity (R²)": _num(m.get("mean_lime_fidelity")),
        }]), "LIME and SHAP agreement on the same people (Krishna et al. 2022 metrics; 1 = agree).")
    for record in _select(records, "explain", "lime")[-1:]:
        for note in record["metrics"].get("notes") or []:
            section.text(f"LIME ({record['parameters'].get('model')}): {note}")
    for record in _select(records, "explain", "lime_stability")[-1:]:
        rows = [{"LIME samples": size, **{k: _num(v) for k, v in values.items()}}
                for size, values in record["metrics"].items() if isinstance(values, Mapping)]
        if rows:
            section.table(pd.DataFrame(rows), "LIME's stability across seeds, by sample count.")
    for record in _select(records, "explain", "proxy_analysis")[-1:]:
        m = record["metrics"]
        section.text(f"Reliance on {record['parameters'].get('protected')!r}: direct share "
                     f"{_pct(m.get('direct_share'))} of total importance, through proxies "
                     f"{_pct(m.get('proxy_share'))} (proxies: {', '.join(m.get('proxy_features') or []) or 'none'}).")
    for record in _select(records, "explain", "compare_models")[-1:]:
        m = record["metrics"]
        pairs = m.get("rank_correlation") or {}
        if pairs:
            section.table(pd.DataFrame([{"models": k, "rank correlation of importances": _num(v),
                                         "top-k overlap": _num((m.get("top_k_overlap") or {}).get(k))}
                                        for k, v in pairs.items()]),
                          "Do different models (raw, private, mitigated) rely on the same features?")
    return section


# -- 7. licences ---------------------------------------------------------------------

def licences_section(records: list[Record], *, code_licence: str, libraries: Mapping[str, str]) -> Section:
    section = Section("Licences", "licences")
    data_licences = sorted({f"{r['parameters'].get('name')}: {r['parameters'].get('licence', 'not recorded')}"
                            for r in _select(records, "datasets", "load")})
    stated = _select(records, "report", "intended_use")
    model_licence = stated[-1]["parameters"].get("model_licence") if stated else "not recorded"
    section.table(pd.DataFrame([
        {"what": "data", "licence": "; ".join(data_licences) or "not recorded"},
        {"what": "code (govkit)", "licence": code_licence},
        {"what": "trained models", "licence": model_licence},
    ]))
    if stated and stated[-1]["parameters"].get("libraries"):
        libraries = stated[-1]["parameters"]["libraries"]
    if libraries:
        section.text("Libraries used (versions as recorded): " + ", ".join(
            f"{name} {version}" for name, version in sorted(libraries.items())) + ".")
    return section


# -- 8. verification -----------------------------------------------------------------

def verification_section(records: list[Record], verification,
                         problems: Iterable[Any] = ()) -> Section:
    """The verdict, the head hash, the lines left out of this report, and the timeline.

    ``problems`` are the :class:`govkit.ledger.RecordProblem` s of
    ``read_records(path, strict=False)``: lines that are not well-formed
    records, so nothing in the report comes from them.
    """
    section = Section("Ledger verification and timeline", "verification")
    section.text(str(verification))
    if verification.head_hash:
        section.text(f"Head hash: {verification.head_hash}. Keep it elsewhere (an e-mail, a "
                     "ticket): python -m govkit verify LEDGER --expected-head HASH then also detects "
                     "records cut from the end.")
    problems = list(problems)
    if problems:
        section.alert(f"{len(problems)} line(s) of the ledger are not well-formed records and are "
                      "left out of this report: nothing above is drawn from them.")
        section.table(pd.DataFrame([{"record": p.record, "problem": p.problem} for p in problems]),
                      "Lines left out (numbered as records, from 1), and what is wrong with each.")
    timeline = pd.DataFrame([{"#": r["index"] + 1, "when (UTC)": _when(r), "stage": r["stage"],
                              "operation": r["operation"], "hash": r["hash"][:12] + "…"} for r in records])
    if not timeline.empty:
        section.table(timeline, "Every well-formed record, in order (the verdict above says "
                      "whether they can be trusted).")
    return section
