"""Exercise checkers: each returns a Feedback with a helpful hint on a wrong answer."""

from ._anonymization import (
    forgotten_quasi_identifier_exercise,
    homogeneity_exercise,
    unique_records_exercise,
)
from ._explain import lime_spread_exercise, strongest_proxy_exercise, top_feature_exercise
from ._feedback import Feedback
from ._tour import base_rate_gap_exercise, smallest_group_exercise

__all__ = [
    "Feedback",
    "base_rate_gap_exercise",
    "forgotten_quasi_identifier_exercise",
    "homogeneity_exercise",
    "lime_spread_exercise",
    "smallest_group_exercise",
    "strongest_proxy_exercise",
    "top_feature_exercise",
    "unique_records_exercise",
]
