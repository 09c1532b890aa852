"""Exercise checkers: each returns a Feedback with a helpful hint on a wrong answer."""

from ._accountability import (
    budget_spent_exercise,
    head_hash_exercise,
    mystery_ledger,
    tampered_record_exercise,
)
from ._anonymization import (
    forgotten_quasi_identifier_exercise,
    homogeneity_exercise,
    unique_records_exercise,
)
from ._explain import lime_spread_exercise, strongest_proxy_exercise, top_feature_exercise
from ._fairness import (
    equal_opportunity_threshold_exercise,
    implied_fpr_exercise,
    pareto_choice_exercise,
)
from ._feedback import Feedback
from ._privacy import attack_bound_exercise, composition_exercise, laplace_scale_exercise
from ._tour import base_rate_gap_exercise, smallest_group_exercise

__all__ = [
    "Feedback",
    "attack_bound_exercise",
    "base_rate_gap_exercise",
    "budget_spent_exercise",
    "composition_exercise",
    "equal_opportunity_threshold_exercise",
    "forgotten_quasi_identifier_exercise",
    "head_hash_exercise",
    "homogeneity_exercise",
    "implied_fpr_exercise",
    "laplace_scale_exercise",
    "lime_spread_exercise",
    "mystery_ledger",
    "pareto_choice_exercise",
    "smallest_group_exercise",
    "strongest_proxy_exercise",
    "tampered_record_exercise",
    "top_feature_exercise",
    "unique_records_exercise",
]
