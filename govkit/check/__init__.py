"""Exercise checkers: each returns a Feedback with a helpful hint on a wrong answer."""

from ._feedback import Feedback
from ._tour import base_rate_gap_exercise, smallest_group_exercise

__all__ = ["Feedback", "base_rate_gap_exercise", "smallest_group_exercise"]
