"""Explanations: SHAP and LIME side by side, with agreement, stability and proxy analysis.

SHAP values come from shap with the exact explainer for the model
(:func:`choose_explainer` says which and why), in the original feature names
(one-hot columns summed back). LIME comes from lime with categories perturbed
as categories and a fixed seed per explanation (:class:`TabularLime`). The rest
of the stage compares them: the disagreement metrics of Krishna et al. (2022)
(:func:`lime_shap_agreement`), LIME's stability across seeds and sample sizes
(:func:`lime_stability`), reliance on a protected attribute and its proxies
(:func:`proxy_analysis`), and what different models rely on
(:func:`compare_importances`, :func:`glassbox_vs_shap`).

Renamed in this release (the old names still work, with a FutureWarning, until
the next): the keyword ``k=`` (top-k features) is ``top_k=``, and the result
attribute ``.k`` is ``.top_k``; ``ModelComparison`` is
:class:`ImportanceComparison` and ``plot_model_comparison`` is
:func:`plot_importance_comparison` (named apart from
:mod:`govkit.fairness`' model comparison).

Ledger records
--------------
Every record has stage ``explain``; row data never enters the ledger, only
fingerprints of the explained rows (``inputs``) and summaries.

``shap``
    parameters: ``model``, ``explainer`` (TreeExplainer, LinearExplainer,
    AdditiveExplainer or PermutationExplainer), ``reason``, ``algorithm``,
    ``output`` (log_odds or probability), ``background_size``,
    ``background_seed``, ``max_evals``, ``random_state``, ``rows``.
    metrics: ``rows_explained``, ``top_features`` (5, most important first),
    ``mean_abs_shap`` (feature -> mean |SHAP|), ``base_value``,
    ``max_additivity_error``.
``lime``
    parameters: ``model``, ``explainer`` (LimeTabularExplainer),
    ``num_samples``, ``random_state`` (the seed of every row), ``discretizer``,
    ``kernel_width``, ``background_rows``, ``categorical_handling``.
    metrics: ``rows_explained``, ``top_features``, ``mean_abs_weight``,
    ``mean_fidelity``, ``min_fidelity`` (R² of LIME's local fit).
``lime_shap_agreement``
    parameters: ``top_k``, ``model``, ``shap_explainer``, ``shap`` (its
    parameters), ``lime_explainer``, ``lime`` (its parameters and seed).
    metrics: ``rows``, ``feature_agreement``, ``rank_agreement``,
    ``sign_agreement``, ``signed_rank_agreement``, ``rank_correlation``,
    ``pairwise_rank_agreement`` (means over rows), ``mean_lime_fidelity``,
    ``shap_top_features``, ``lime_top_features``.
``lime_stability``
    parameters: ``model``, ``explainer``, ``seeds``, ``num_samples`` (list),
    ``top_k``, ``rows``, ``discretizer``.
    metrics: one entry per sample size (``"500"``, ...) holding
    ``top_k_jaccard``, ``min_top_k_jaccard``, ``weight_spread``,
    ``relative_spread``, ``sign_flips``, ``mean_fidelity``.
``proxy_analysis``
    parameters: ``model``, ``explainer``, ``protected``, ``threshold``,
    ``association_measure``, ``bins``, ``rows``.
    metrics: ``direct_share``, ``proxy_share``, ``proxy_features``,
    ``association`` (feature -> Cramér's V), ``mean_abs_shap``,
    ``group_top_features`` (group -> 3 features), ``group_rows``.
``compare_models``
    parameters: ``models`` (name -> model, explainer and its parameters),
    ``top_k``, ``output``.
    metrics: ``top_features`` (name -> list), ``importance_share``
    (name -> feature -> share), ``rank_correlation`` and ``top_k_overlap``
    (``"a vs b"`` -> value), ``min_rank_correlation``.
``glassbox_vs_shap``
    parameters: ``model``, ``glassbox`` (EBM class), ``explainer``,
    ``glassbox_importance`` (how the EBM's importance is defined), and the
    SHAP parameters.
    metrics: ``rank_correlation``, ``max_difference``, ``interaction_terms``,
    ``glassbox_importance``, ``shap_importance``, ``top_features_glassbox``,
    ``top_features_shap``.
"""

from govkit._validation import renamed_names as _renamed_names

from ._agreement import AGREEMENT_METRICS, AgreementResult, agreement, lime_shap_agreement
from ._compare import ImportanceComparison, compare_importances
from ._glassbox import GlassboxComparison, fit_ebm, glassbox_vs_shap, shape_function
from ._lime import LimeExplanation, LimeResult, TabularLime, explain_lime
from ._plots import (
    plot_agreement,
    plot_beeswarm,
    plot_dependence,
    plot_group_importance,
    plot_importance,
    plot_importance_comparison,
    plot_lime,
    plot_person,
    plot_proxy,
    plot_shape_function,
    plot_stability,
    plot_waterfall,
)
from ._proxy import ProxyResult, feature_association, group_importance, proxy_analysis
from ._shap import OUTPUTS, ExplainerChoice, ShapExplanation, choose_explainer, explain_shap
from ._stability import StabilityResult, lime_stability

__all__ = [
    "AGREEMENT_METRICS",
    "OUTPUTS",
    "AgreementResult",
    "ExplainerChoice",
    "GlassboxComparison",
    "ImportanceComparison",
    "LimeExplanation",
    "LimeResult",
    "ProxyResult",
    "ShapExplanation",
    "StabilityResult",
    "TabularLime",
    "agreement",
    "choose_explainer",
    "compare_importances",
    "explain_lime",
    "explain_shap",
    "feature_association",
    "fit_ebm",
    "glassbox_vs_shap",
    "group_importance",
    "lime_shap_agreement",
    "lime_stability",
    "plot_agreement",
    "plot_beeswarm",
    "plot_dependence",
    "plot_group_importance",
    "plot_importance",
    "plot_importance_comparison",
    "plot_lime",
    "plot_person",
    "plot_proxy",
    "plot_shape_function",
    "plot_stability",
    "plot_waterfall",
    "proxy_analysis",
    "shape_function",
]

#: Old public names -> new ones; the old names work for one release with a FutureWarning.
__getattr__ = _renamed_names(__name__, globals(), {"ModelComparison": "ImportanceComparison",
                                                      "plot_model_comparison": "plot_importance_comparison"},
                             why="named apart from govkit.fairness' model comparison")
