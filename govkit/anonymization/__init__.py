"""Anonymization: identifiers, generalization, k-anonymity, l-diversity, t-closeness, risk, linkage.

- Direct identifiers: :func:`drop_identifiers`, :func:`pseudonymize` (keyed
  HMAC-SHA256), and why an unkeyed hash is not enough
  (:func:`unsalted_hash`, :func:`dictionary_attack`).
- Generalization: hierarchies (:class:`IntervalHierarchy`,
  :class:`MappingHierarchy`, :class:`MaskingHierarchy`, :class:`FlatHierarchy`,
  :data:`ADULT_HIERARCHIES`) and scikit-learn transformers
  (:class:`IntervalGeneralizer`, :class:`MappingGeneralizer`,
  :class:`HierarchyGeneralizer`).
- :func:`anonymize`: Mondrian (``method="mondrian"``) or the exact full-domain
  search (``method="global"``; the choices are :data:`ANONYMIZATION_METHODS`),
  with k, optional l (distinct or entropy) and t (Earth Mover's Distance) of
  the ``sensitive_column``, and a suppression limit.
- :func:`assess`: k, l, t, class sizes, prosecutor/journalist/marketer risk,
  information loss; :func:`find_recodings` finds columns that leak a
  quasi-identifier.
- :func:`public_register` and :func:`linkage_attack`: Sweeney's attack.
- Utility: :class:`AnonymizedClassifier`, :func:`fit_anonymized_model`,
  :func:`compare_utility`, :func:`plot_utility`.
- :class:`AnonymizationExplorer`: the cached engine behind the live panel.

Ledger records
--------------
Every record has stage ``anonymization``. Values are counts, shares,
column names and fingerprints, never rows, identifier values or keys.

``anonymize`` (from :func:`anonymize`)
    parameters: ``method``, ``quasi_identifiers``, ``k``, ``l``, ``diversity``,
    ``t``, ``sensitive_column``, ``max_suppression``, ``numeric_release``,
    ``hierarchies`` (column -> description), ``identifiers`` (``dropped`` or
    ``pseudonymized`` columns and ``key_source``), ``recoded_columns``,
    ``recoded_columns_dropped``, ``random_state``.
    inputs: ``data``; outputs: ``released``.
    metrics: ``rows_in``, ``rows_released``, ``suppressed_rows``,
    ``suppressed_share``, ``rows``, ``classes``, ``k``, ``l_distinct``,
    ``l_entropy``, ``t``, ``unique_share``, ``homogeneous_share``,
    ``prosecutor_highest_risk``, ``prosecutor_average_risk``,
    ``prosecutor_records_at_risk``, ``journalist_highest_risk``,
    ``journalist_average_risk``, ``journalist_records_at_risk``,
    ``marketer_risk``, ``risk_threshold``, ``information_loss``,
    ``discernibility``, ``average_class_size``, ``seconds``; full-domain
    search also ``levels`` (column -> level name), ``nodes_evaluated``,
    ``lattice_size``.
``assess`` (from :func:`assess` with ``ledger=``)
    parameters: ``quasi_identifiers``, ``sensitive_column``, ``risk_threshold``,
    ``population_given``; inputs: ``frame``; metrics: as ``anonymize``'s
    measurement keys (``rows`` ... ``suppressed_rows``).
``pseudonymize``
    parameters: ``columns``, ``method`` (HMAC-SHA256, 80-bit hex),
    ``key_source`` (where the key came from; never the key); metrics:
    ``rows``, ``distinct_pseudonyms`` (per column).
``drop_identifiers``
    parameters: ``columns``; metrics: ``rows``, ``columns_dropped``.
``dictionary_attack``
    parameters: ``hash``, ``candidates``; metrics: ``targets``,
    ``recovered``, ``recovered_share``, ``seconds``.
``linkage_attack``
    parameters: ``on`` (join columns), ``release`` (``raw``, ``mondrian`` or
    ``global``), ``register_size``; inputs: ``release``; metrics:
    ``register_size``, ``matched``, ``unique_matches``, ``reidentified``,
    ``reidentified_share``, ``unique_share``, ``average_candidates``.
``fit_anonymized_model``
    parameters: ``k``, ``kind``, ``method``, ``quasi_identifiers`` (those that
    are model features), ``quasi_identifiers_not_features`` (only when some
    are not), ``random_state`` and the anonymization options (``l``, ``t``,
    ``diversity``, ``max_suppression``, ``hierarchies`` as fingerprints,
    ``numeric_release``); inputs: ``train``; metrics: as ``anonymize``.
    When the model learnt from a sample of a release larger than
    ``max_rows``: parameter ``max_rows``; metrics ``sampled_rows``,
    ``release_rows``, ``sample`` (how it was drawn).
``utility`` (from :func:`compare_utility`)
    parameters: ``kind``, ``ks``, ``methods``, ``quasi_identifiers``,
    ``quasi_identifiers_not_features`` (as above), ``random_state`` and the
    anonymization options; inputs: ``train``,
    ``test``; metrics: ``raw_accuracy``, ``raw_auc``, ``models`` (a list of
    ``{method, k, accuracy, auc, information_loss, suppressed_share}``,
    plus ``sampled_rows`` and ``release_rows`` for a model that learnt from
    a sample, in which case the parameters add ``max_rows``).
"""

from govkit._validation import renamed_names as _renamed_names

from ._anonymize import anonymize
from ._assess import Assessment, assess, find_recodings
from ._explore import AnonymizationExplorer, Snapshot
from ._generalizers import HierarchyGeneralizer, IntervalGeneralizer, MappingGeneralizer
from ._hierarchies import (
    ADULT_HIERARCHIES,
    FlatHierarchy,
    Hierarchy,
    IntervalHierarchy,
    MappingHierarchy,
    MaskingHierarchy,
    default_hierarchies,
)
from ._identifiers import (
    dictionary_attack,
    drop_identifiers,
    national_id_candidates,
    pseudonymize,
    unsalted_hash,
)
from ._linkage import linkage_attack, public_register
from ._model import AnonymizedClassifier, compare_utility, fit_anonymized_model, plot_utility
from ._request import ANONYMIZATION_METHODS, NUMERIC_RELEASES
from ._result import AnonymizationResult

__all__ = [
    "ADULT_HIERARCHIES",
    "ANONYMIZATION_METHODS",
    "NUMERIC_RELEASES",
    "AnonymizationExplorer",
    "AnonymizationResult",
    "AnonymizedClassifier",
    "Assessment",
    "FlatHierarchy",
    "Hierarchy",
    "HierarchyGeneralizer",
    "IntervalGeneralizer",
    "IntervalHierarchy",
    "MappingGeneralizer",
    "MappingHierarchy",
    "MaskingHierarchy",
    "Snapshot",
    "anonymize",
    "assess",
    "compare_utility",
    "default_hierarchies",
    "dictionary_attack",
    "drop_identifiers",
    "find_recodings",
    "fit_anonymized_model",
    "linkage_attack",
    "national_id_candidates",
    "plot_utility",
    "pseudonymize",
    "public_register",
    "unsalted_hash",
]

#: Old public names -> new ones; the old names work for one release with a FutureWarning.
__getattr__ = _renamed_names(__name__, globals(), {"METHODS": "ANONYMIZATION_METHODS"})
