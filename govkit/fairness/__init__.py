"""Fairness: group metrics with uncertainty, curves per group, mitigation and trade-offs.

Built on fairlearn (metric definitions, ``MetricFrame``, CorrelationRemover,
ExponentiatedGradient, GridSearch, ThresholdOptimizer) and scikit-learn
(curves, calibration). govkit adds bootstrap confidence intervals for every
group metric and disparity, undefined-with-a-reason for groups too small to
measure, one estimator for all mitigation families on raw records, the
accuracy/disparity trade-off across mitigators, and a paired comparison of
any set of models ("which governance step moved which group's error rate").

The vocabulary is fairlearn's. ``sensitive_features`` are the group *values*
of every row (a Series, DataFrame or array: :func:`group_report`,
:class:`ThresholdExplorer`, :class:`GroupCurves`). ``protected`` are column
*names* of a :class:`~govkit.datasets.Dataset` (:func:`evaluate_model`,
:func:`compare_models`, :func:`fit_mitigated_model`, :func:`mitigate`,
:func:`mitigation_sweep`, :func:`proxy_check`); None means the data's declared
``protected`` columns. The choices of ``method`` and ``constraint`` are
:data:`MITIGATIONS` and :data:`FAIRNESS_CONSTRAINTS`.

Ledger records
--------------
Every record has stage ``fairness``. The parameter ``sensitive_features`` of
a record is the list of the grouping columns' names (the key the
accountability report reads). Group metrics are stored as
``{"value", "lower", "upper"}`` (confidence interval bounds; null where a
metric is undefined), for the metrics ``base_rate``, ``selection_rate``,
``accuracy``, ``tpr``, ``fpr``, ``precision`` and ``auc``; disparities as
``{"difference", "difference_lower", "difference_upper", "ratio",
"ratio_lower", "ratio_upper", "highest_group", "lowest_group",
"driven_by"}`` for the criteria ``demographic_parity``,
``equal_opportunity``, ``equalized_odds``, ``predictive_parity`` and
``accuracy_parity``. A *report* below means ``{"rows", "overall": {metric:
interval, "count"}, "groups": {group: {"count", metric: interval}},
"disparities": {criterion: disparity}, "undefined": [{"group", "metric",
"reason"}]}``.

``group_report`` (from :func:`group_report` and :func:`evaluate_model`)
    parameters: ``name``, ``sensitive_features``, ``n_boot``, ``confidence``,
    ``min_count``, ``random_state``, ``rows``, ``interval``; from
    evaluate_model also ``data`` and ``threshold``. inputs: fingerprints of
    ``y_true`` or ``data``, ``y_pred``, ``y_score``. metrics: a report.
``fit_mitigated_model`` (from :func:`fit_mitigated_model`)
    parameters: ``method``, ``family``, ``constraint``, ``knob``,
    ``strength``, ``sensitive_features``, ``kind``, ``random_state``,
    ``description``. inputs: ``train``. metrics: ``fit_seconds``,
    ``uses_sensitive_at_prediction``.
``mitigate`` (from :func:`mitigate`)
    parameters: those of fit_mitigated_model plus ``n_boot``, ``confidence``,
    ``uses_sensitive_at_prediction``. inputs: ``train``, ``test``. metrics:
    ``fit_seconds``; ``before`` and ``after`` (reports of the unmitigated
    and the mitigated model on the test split, same resamples); ``changes``:
    ``{"accuracy" | "<criterion> difference": {"before", "after", "change",
    "change_lower", "change_upper"}}`` (paired intervals).
``mitigation_sweep`` (from :func:`mitigation_sweep`)
    parameters: ``configurations`` (labels), ``sensitive_features``,
    ``kind``, ``grid_size``, ``n_boot``, ``confidence``, ``random_state``.
    inputs: ``train``, ``test``. metrics: ``results`` (one entry per
    configuration: ``label``, ``method``, ``family``, ``constraint``,
    ``knob``, ``strength``, ``accuracy``, ``demographic_parity``,
    ``equalized_odds``, each with ``_lower``/``_upper``,
    ``uses_sensitive_at_prediction``, ``fit_seconds``) and ``pareto_front``
    (``{"demographic_parity": [labels], "equalized_odds": [labels]}``).
``compare_models`` (from :func:`compare_models`)
    parameters: ``models``, ``model_types``, ``reference``,
    ``sensitive_features``, ``threshold``, ``metrics``, ``n_boot``,
    ``confidence``, ``min_count``, ``random_state``. inputs: ``test`` and
    each model's decisions. metrics: ``models``: ``{name: {"groups": {group
    (``overall`` included): {"count", metric: {"value", "lower", "upper",
    "delta", "delta_lower", "delta_upper"}}}, "disparities": {criterion:
    {"difference", "difference_lower", "difference_upper", "delta",
    "delta_lower", "delta_upper"}}}}`` where ``delta`` is the change against
    the reference model.
"""

from ._compare import COMPARE_METRICS, ModelComparison, compare_models, plot_model_comparison
from ._evaluate import evaluate_model
from ._explorer import ThresholdExplorer
from ._group_report import group_report
from ._metrics import DISPARITIES, DISPARITY_NAMES, METRICS
from ._mitigation import (
    FAIRNESS_CONSTRAINTS,
    MITIGATIONS,
    MITIGATORS,
    STRENGTHS,
    MitigatedClassifier,
    MitigationResult,
    fit_mitigated_model,
    mitigate,
)
from ._plots import CURVE_KINDS, GroupCurves, plot_group_curves, plot_group_report
from ._report import GroupReport
from ._teaching import ProxyCheck, impossibility_table, proxy_check
from ._tradeoffs import DEFAULT_SWEEP, MitigationSweep, mitigation_sweep, plot_pareto

__all__ = [
    "COMPARE_METRICS",
    "CURVE_KINDS",
    "DEFAULT_SWEEP",
    "DISPARITIES",
    "DISPARITY_NAMES",
    "FAIRNESS_CONSTRAINTS",
    "METRICS",
    "MITIGATIONS",
    "MITIGATORS",
    "STRENGTHS",
    "GroupCurves",
    "GroupReport",
    "MitigatedClassifier",
    "MitigationResult",
    "MitigationSweep",
    "ModelComparison",
    "ProxyCheck",
    "ThresholdExplorer",
    "compare_models",
    "evaluate_model",
    "fit_mitigated_model",
    "group_report",
    "impossibility_table",
    "mitigate",
    "mitigation_sweep",
    "plot_group_curves",
    "plot_group_report",
    "plot_model_comparison",
    "plot_pareto",
    "proxy_check",
]
