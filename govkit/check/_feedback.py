"""Feedback objects returned by the exercise checkers."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

__all__ = ["Feedback"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one exercise answer: right or not, and a hint that helps.

    Displays as a green tick or a light-bulb hint in a notebook; ``bool(f)``
    is ``f.ok``.

    Examples
    --------
    >>> from govkit.check import Feedback
    >>> str(Feedback(False, "Count the rows per group first."))
    'Not yet. Hint: Count the rows per group first.'
    """

    ok: bool
    message: str

    @classmethod
    def no_answer(cls, example: str) -> Feedback:
        """The reply to an exercise cell run with its placeholder answer still in place.

        Examples
        --------
        >>> from govkit.check import Feedback
        >>> Feedback.no_answer("12.3").message
        'Replace None with your answer, e.g. 12.3, and run the cell again.'
        """
        return cls(False, f"Replace None with your answer, e.g. {example}, and run the cell again.")

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return f"Correct. {self.message}" if self.ok else f"Not yet. Hint: {self.message}"

    def _repr_html_(self) -> str:
        colour, mark = ("#1a7f37", "✅ Correct.") if self.ok else ("#9a6700", "💡 Not yet.")
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 8px'><b>{mark}</b> "
            f"{html.escape(self.message)}</div>"
        )


def number_answer(answer: object, example: str) -> float | Feedback:
    """An exercise answer as a float, or the Feedback that says why it is not one."""
    if answer is None:
        return Feedback.no_answer(example)
    if isinstance(answer, bool):
        return Feedback(False, f"Answer with a number, e.g. {example}.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"Answer with a number, e.g. {example}.")
    if not math.isfinite(value):
        return Feedback(False, "Answer with a finite number.")
    return value


def ranked_answer(
    answer: object,
    *,
    best: str,
    ranking: Collection[str],
    read: Callable[[object], str | None],
    example: str,
    not_a_label: str,
    right: str,
    other: Callable[[str], str],
    unknown: Callable[[str], str],
) -> Feedback:
    """The feedback on a "which label comes first in this ranking?" exercise.

    Parameters
    ----------
    answer : object
        What the attendee wrote (``None``: the placeholder is still there).
    best : str
        The right label; ``ranking`` holds every known label.
    read : callable
        Turns the answer into a label, or ``None`` when it is not one.
    example, not_a_label, right : str
        A label to show in the no-answer reply; the reply to an answer that is
        no label at all; the reply to the right answer.
    other, unknown : callable
        The reply to another known label, and to a label the ranking lacks.

    Examples
    --------
    >>> from govkit.check._feedback import ranked_answer
    >>> reply = ranked_answer("b", best="a", ranking=["a", "b"], read=str, example="'a'",
    ...                       not_a_label="Answer with a label.", right="Yes.",
    ...                       other=lambda name: f"{name} is second.", unknown=lambda name: "?")
    >>> str(reply)
    'Not yet. Hint: b is second.'
    """
    if answer is None:
        return Feedback.no_answer(example)
    name = read(answer)
    if name is None:
        return Feedback(False, not_a_label)
    if name == best:
        return Feedback(True, right)
    if name in ranking:
        return Feedback(False, other(name))
    return Feedback(False, unknown(name))
