"""The reference models every stage trains: one preprocessing recipe, two model families."""

from ._models import (
    MODEL_KINDS,
    check_classifier,
    feature_groups,
    fit_model,
    make_model,
    make_preprocessor,
    positive_scores,
    score_model,
)

__all__ = [
    "MODEL_KINDS",
    "check_classifier",
    "feature_groups",
    "fit_model",
    "make_model",
    "make_preprocessor",
    "positive_scores",
    "score_model",
]
