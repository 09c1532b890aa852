"""Checkers for the exercises of notebook 03 (fairness)."""

from __future__ import annotations

from govkit.datasets import Dataset
from govkit.fairness import GroupReport, MitigationSweep, ThresholdExplorer
from govkit.models import positive_scores

from ._feedback import Feedback, number_answer

__all__ = [
    "equal_opportunity_threshold_exercise",
    "implied_fpr_exercise",
    "pareto_choice_exercise",
]


def _grouping_column(test: Dataset, protected: str | None, groups: set[str]) -> str | Feedback:
    """``protected``, or the first protected column of ``test`` that has both ``groups``."""
    candidates = list(test.protected) if protected is None else [protected]
    for column in candidates:
        if column in test.frame.columns and groups <= set(test.frame[column].astype(str)):
            return column
    wanted = " and ".join(repr(g) for g in sorted(groups))
    if protected is None:
        return Feedback(False, f"This exercise needs a protected column with the groups {wanted}; "
                               f"the data's protected columns are {list(test.protected)}.")
    return Feedback(False, f"The data needs the groups {wanted} in its column {protected!r}.")


def equal_opportunity_threshold_exercise(model, test: Dataset, answer: object, *,
                                         group: str = "Female", other: str = "Male",
                                         protected: str | None = None,
                                         tolerance: float = 0.02) -> Feedback:
    """Exercise 03.1: a threshold for one group that equalizes true positive rates.

    Keep ``other`` (men) at the threshold 0.5. Which threshold for ``group``
    (women) brings the two groups' true positive rates within ``tolerance``
    (2 points) of each other?

    Parameters
    ----------
    model : fitted classifier
        The model of the threshold panel.
    test : Dataset
        The evaluation data, with a protected column holding both groups.
    answer : float
        The threshold for ``group``, between 0 and 1.
    group, other : str
        The two groups compared (values of the protected column).
    protected : str, optional
        The column holding the groups; None (default) means the first of
        ``test.protected`` that has both.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.datasets import Dataset
    >>> from govkit.check import equal_opportunity_threshold_exercise
    >>> frame = pd.DataFrame({"score": np.tile([0.2, 0.4, 0.6, 0.8], 50),
    ...                       "sex": np.repeat(["Female", "Male"], 100)})
    >>> frame["y"] = (frame["score"] > np.where(frame["sex"] == "Male", 0.5, 0.3)).astype(int)
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("sex",))
    >>> class Score:
    ...     def predict_proba(self, X): return np.c_[1 - X["score"], X["score"]]
    >>> bool(equal_opportunity_threshold_exercise(Score(), data, 0.35))
    True
    """
    value = number_answer(answer, "0.42")
    if isinstance(value, Feedback):
        return value
    if not 0.0 <= value <= 1.0:
        return Feedback(False, "A threshold is a probability between 0 and 1, e.g. 0.42.")
    column = _grouping_column(test, protected, {group, other})
    if isinstance(column, Feedback):
        return column
    scores = positive_scores(model, test, func="equal_opportunity_threshold_exercise")
    explorer = ThresholdExplorer(test.y, scores, sensitive_features=test.frame[column], n_boot=0)
    at_half = explorer.report(0.5).groups["tpr"]
    report = explorer.report(0.5, {group: value})
    tpr = report.groups["tpr"]
    gap = tpr[group] - tpr[other]
    if abs(gap) <= tolerance:
        selection = report.groups["selection_rate"]
        fpr = report.groups["fpr"]
        return Feedback(
            True,
            f"With {group} at {value:.2f}, the true positive rates are {tpr[group]:.1%} "
            f"({group}) and {tpr[other]:.1%} ({other}). Look at what it cost: {group}'s false "
            f"positive rate is now {fpr[group]:.1%} (vs {fpr[other]:.1%}) and the selection "
            f"rates are {selection[group]:.1%} vs {selection[other]:.1%}. And the rule uses "
            f"{column} at decision time.",
        )
    direction = "lower" if gap < 0 else "higher"
    return Feedback(
        False,
        f"At {value:.2f} the true positive rate of {group} is {tpr[group]:.1%} against "
        f"{tpr[other]:.1%} for {other} (at 0.5 for both: {at_half[group]:.1%} vs "
        f"{at_half[other]:.1%}). Try a {direction} threshold for {group}: type "
        f"'{group}=...' in the panel's per-group box and watch the TPR column.",
    )


def implied_fpr_exercise(report: GroupReport, answer: object, *, group: str = "Female",
                         other: str = "Male") -> Feedback:
    """Exercise 03.2: the false positive rate forced by equal precision and equal TPR.

    If ``group`` (women) had exactly the precision and the true positive rate
    of ``other`` (men), what would its false positive rate have to be, in
    percent? Use ``FPR = p/(1-p) * (1-PPV)/PPV * TPR`` with ``group``'s base
    rate ``p``. Within 0.1 points counts.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import group_report
    >>> from govkit.check import implied_fpr_exercise
    >>> rng = np.random.default_rng(0)
    >>> sex = rng.choice(["Female", "Male"], 4000)
    >>> y = (rng.random(4000) < np.where(sex == "Male", 0.3, 0.1)).astype(int)
    >>> y_pred = (rng.random(4000) < np.where(y == 1, 0.6, 0.08)).astype(int)
    >>> report = group_report(y, y_pred, sensitive_features=sex, n_boot=0)
    >>> implied_fpr_exercise(report, None).message
    'Replace None with your answer, e.g. 3.5, and run the cell again.'
    """
    if not isinstance(report, GroupReport):
        return Feedback(False, "Pass the report of the model grouped by sex "
                               "(evaluate_model(model, test, protected='sex')).")
    if {group, other} - set(report.groups.index):
        return Feedback(False, f"The report must be grouped by sex, with {group!r} and {other!r}.")
    value = number_answer(answer, "3.5")
    if isinstance(value, Feedback):
        return value
    p = report.groups.loc[group, "base_rate"]
    ppv = report.groups.loc[other, "precision"]
    tpr = report.groups.loc[other, "tpr"]
    implied = 100 * p / (1 - p) * (1 - ppv) / ppv * tpr
    actual = 100 * report.groups.loc[other, "fpr"]
    if abs(value - implied) <= 0.1:
        return Feedback(
            True,
            f"{implied:.2f}%: with the same precision and TPR as men, women's false positive "
            f"rate would have to be {implied:.2f}% against men's {actual:.2f}%, because their "
            "base rates differ. Equal precision and equalized odds cannot both hold.",
        )
    if abs(value * 100 - implied) <= 0.1:
        return Feedback(False, "Close: you gave a fraction; multiply by 100 for a percentage.")
    return Feedback(
        False,
        f"Take the women's base rate p = {p:.4f}, the men's precision PPV = {ppv:.4f} and "
        f"true positive rate TPR = {tpr:.4f} from the report, compute "
        "p/(1-p) * (1-PPV)/PPV * TPR and give it in percent.",
    )


def pareto_choice_exercise(sweep: MitigationSweep, answer: object, *,
                           max_accuracy_loss: float = 0.01,
                           disparity: str = "demographic_parity") -> Feedback:
    """Exercise 03.3: the fairest configuration that is cheap and does not use the attribute.

    Among the sweep's configurations that lose at most ``max_accuracy_loss``
    (one point) of accuracy against no mitigation *and* do not use the
    protected attribute at decision time, which has the lowest
    ``disparity`` (demographic-parity difference)? Answer with its label as
    the sweep's table shows it (the method's name alone is enough when it is
    unambiguous).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.fairness import MitigationSweep
    >>> from govkit.check import pareto_choice_exercise
    >>> results = pd.DataFrame({
    ...     "label": ["no mitigation", "GridSearch · demographic parity · constraint_weight=0.5",
    ...               "ThresholdOptimizer · demographic parity · exact"],
    ...     "method": ["none", "grid_search", "threshold_optimizer"],
    ...     "accuracy": [0.853, 0.845, 0.831], "demographic_parity": [0.18, 0.08, 0.003],
    ...     "uses_sensitive_at_prediction": [False, False, True]}).set_index("label")
    >>> bool(pareto_choice_exercise(MitigationSweep(results, {}, {}, ("sex",)), "GridSearch"))
    True
    """
    if not isinstance(sweep, MitigationSweep):
        return Feedback(False, "Pass the sweep from mitigation_sweep(train, test).")
    results = sweep.results
    if "no mitigation" not in results.index:
        return Feedback(False, "The sweep needs the 'no mitigation' configuration as reference.")
    baseline = results.loc["no mitigation", "accuracy"]
    allowed = results[(results["accuracy"] >= baseline - max_accuracy_loss - 1e-12)
                      & ~results["uses_sensitive_at_prediction"].astype(bool)]
    allowed = allowed.drop(index="no mitigation", errors="ignore")
    if allowed.empty:
        return Feedback(False, "No configuration of this sweep meets both conditions.")
    best = str(allowed[disparity].idxmin())
    if answer is None:
        return Feedback.no_answer(repr(results.index[-1]))
    if not isinstance(answer, str):
        return Feedback(False, "Answer with a configuration's label (a string) from the table.")
    wanted = answer.strip().lower()
    labels = {label.lower(): label for label in results.index}
    chosen = labels.get(wanted)
    if chosen is None:
        matches = [label for label in results.index
                   if wanted and (wanted in label.lower()
                                  or wanted == results.loc[label, "method"])]
        chosen = matches[0] if len(matches) == 1 else None
        if len(matches) > 1:
            return Feedback(False, f"{answer!r} fits several configurations; give the full "
                                   "label from the table.")
    if chosen is None:
        return Feedback(False, f"{answer!r} is not a configuration of the sweep; copy a label "
                               "from the table's first column.")
    row = results.loc[chosen]
    if chosen == best:
        return Feedback(
            True,
            f"{best}: accuracy {row['accuracy']:.1%} (no mitigation: {baseline:.1%}) with a "
            f"demographic-parity difference of {100 * row[disparity]:.1f} points, without using "
            "the protected attribute when deciding.",
        )
    if bool(row["uses_sensitive_at_prediction"]):
        return Feedback(False, f"{chosen} uses the protected attribute at decision time (a "
                               "hollow marker on the plot); it is excluded.")
    if row["accuracy"] < baseline - max_accuracy_loss:
        return Feedback(False, f"{chosen} loses {100 * (baseline - row['accuracy']):.1f} points "
                               "of accuracy, more than one.")
    return Feedback(False, f"{chosen} qualifies, but another qualifying configuration has a "
                           "lower demographic-parity difference: compare them on the plot.")
