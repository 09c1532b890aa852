"""Two teaching points made with the data's own numbers: the impossibility result and proxies.

:func:`impossibility_table` shows, with a model's group rates, why equal
precision (a consequence of calibration within groups) and equalized odds
cannot hold together when base rates differ (Chouldechova 2017; Kleinberg,
Mullainathan & Raghavan 2016). The identity behind it holds for any
classifier and group::

    FPR = p / (1 - p) * (1 - PPV) / PPV * TPR

with base rate ``p``, precision ``PPV`` and true positive rate ``TPR``. If
two groups had the same PPV and the same TPR, their FPRs would have to differ
by the ratio of their base-rate odds.

:func:`proxy_check` shows why dropping a protected attribute does not remove
it: how well the remaining features predict it (scikit-learn's
``normalized_mutual_info_score`` per feature, and a logistic regression on
all of them). No library packages these two small computations for teaching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import normalized_mutual_info_score, roc_auc_score
from sklearn.pipeline import make_pipeline

from govkit.datasets import Dataset
from govkit.models import make_preprocessor
from govkit.workspace import cached

from ._report import GroupReport

__all__ = ["ProxyCheck", "impossibility_table", "proxy_check"]

_NOT_A_REPORT = (
    "impossibility_table: report must be a GroupReport (from group_report or evaluate_model), "
    "got {kind}."
)
_NOT_A_DATASET = (
    "proxy_check: {name} must be a govkit Dataset, got {kind}; load it with "
    "govkit.datasets.load_adult(...)."
)
_BAD_ATTRIBUTE = (
    "attribute: {value!r} is not a feature of the data; pass one of {columns}, e.g. "
    "attribute='sex'."
)
_UNSEEN = (
    "attribute: column {value!r} has values in test that never occur in train ({unseen}); the "
    "check cannot score them. Use splits that share the attribute's values."
)
_SINGLE_VALUE = (
    "attribute: column {value!r} has a single value in the training data; there is nothing "
    "to predict."
)


def impossibility_table(report: GroupReport) -> pd.DataFrame:
    """Per group: base rate, precision, TPR, FPR, and the FPR forced by equal precision and TPR.

    Columns:

    - ``base_rate``, ``precision``, ``tpr``, ``fpr``: the group's own values;
    - ``fpr_from_identity``: ``p/(1-p) * (1-PPV)/PPV * TPR`` from the group's
      own values, equal to ``fpr`` (a check that the identity holds);
    - ``fpr_if_equal_precision_and_tpr``: the FPR the group would *have* to
      have if its precision and TPR were the overall ones. These differ
      between groups whenever the base rates do: then equal precision and
      equal TPR force unequal FPRs, so equalized odds fails.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import group_report, impossibility_table
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["a", "b"], 2000)
    >>> y = (rng.random(2000) < np.where(group == "a", 0.4, 0.1)).astype(int)
    >>> y_pred = (rng.random(2000) < np.where(y == 1, 0.7, 0.1)).astype(int)
    >>> table = impossibility_table(group_report(y, y_pred, sensitive_features=group, n_boot=0))
    >>> bool(np.allclose(table["fpr"], table["fpr_from_identity"]))
    True
    """
    if not isinstance(report, GroupReport):
        raise TypeError(_NOT_A_REPORT.format(kind=type(report).__name__))
    table = report.groups[["count", "base_rate", "precision", "tpr", "fpr"]].copy()
    p, ppv, tpr = table["base_rate"], table["precision"], table["tpr"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["fpr_from_identity"] = p / (1 - p) * (1 - ppv) / ppv * tpr
        overall_ppv = report.overall.loc["precision", "value"]
        overall_tpr = report.overall.loc["tpr", "value"]
        table["fpr_if_equal_precision_and_tpr"] = (
            p / (1 - p) * (1 - overall_ppv) / overall_ppv * overall_tpr
        )
    return table


@dataclass(frozen=True, eq=False)
class ProxyCheck:
    """How much of a protected attribute the other features give away.

    Attributes
    ----------
    attribute : str
    auc : float
        ROC AUC (one-vs-rest macro average for more than two values) of a
        logistic regression that predicts the attribute from every other
        feature, trained on ``train`` and scored on ``test``. 0.5 means the
        features reveal nothing; 1.0 means they reveal it completely.
    features : pandas.DataFrame
        Per other feature, its normalized mutual information with the
        attribute on ``train`` (0 = independent, 1 = one determines the
        other; numbers are binned into deciles), strongest first.
    """

    attribute: str
    auc: float
    features: pd.DataFrame

    def _repr_html_(self) -> str:
        return (f"<b>{self.attribute}</b> is predicted from the other features with ROC AUC "
                f"<b>{self.auc:.3f}</b> (0.5 = no information)."
                + self.features.head(8).to_html(float_format=lambda v: f"{v:.3f}"))


def proxy_check(train: Dataset, test: Dataset, *, attribute: str,
                random_state: int = 0) -> ProxyCheck:
    """How well the other features predict a protected attribute (why "blindness" fails).

    Parameters
    ----------
    train, test : govkit.datasets.Dataset
    attribute : str
        A feature column, e.g. ``"sex"``.
    random_state : int
        Seed of the logistic regression. The result is kept in the
        workspace cache, keyed by both splits' fingerprints, the attribute
        and the seed.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import proxy_check
    >>> check = proxy_check(load_adult("train"), load_adult("test"), attribute="sex")  # doctest: +SKIP
    >>> check.features.index[0]  # doctest: +SKIP
    'relationship'
    """
    for name, data in (("train", train), ("test", test)):
        if not isinstance(data, Dataset):
            raise TypeError(_NOT_A_DATASET.format(name=name, kind=type(data).__name__))
    if attribute not in train.feature_names:
        raise ValueError(_BAD_ATTRIBUTE.format(value=attribute, columns=list(train.feature_names)))
    target = train.frame[attribute].astype(str)
    if target.nunique() < 2:
        raise ValueError(_SINGLE_VALUE.format(value=attribute))

    def compute() -> ProxyCheck:
        rows = []
        for column in train.feature_names:
            if column == attribute:
                continue
            values = train.frame[column]
            if column in train.numeric:
                values = pd.qcut(values.rank(method="first"), 10, labels=False)
            values = values.astype(str).fillna("missing")
            rows.append({"feature": column,
                         "normalized_mutual_information": normalized_mutual_info_score(target, values)})
        features = (pd.DataFrame(rows).set_index("feature")
                    .sort_values("normalized_mutual_information", ascending=False))
        model = make_pipeline(make_preprocessor(train, drop=[attribute]),
                              LogisticRegression(max_iter=2000, random_state=random_state))
        model.fit(train.X, target)
        test_target = test.frame[attribute].astype(str)
        proba = model.predict_proba(test.X)
        unseen = sorted(set(test_target) - set(model.classes_))
        if unseen:
            raise ValueError(_UNSEEN.format(value=attribute, unseen=unseen))
        if len(model.classes_) == 2:
            auc = roc_auc_score(test_target == model.classes_[1], proba[:, 1])
        else:
            auc = roc_auc_score(test_target, proba, multi_class="ovr", labels=list(model.classes_))
        return ProxyCheck(attribute=attribute, auc=float(auc), features=features)

    # deterministic given the data and the seed; the fit takes seconds, so it is cached
    key = {"train": train.fingerprint, "test": test.fingerprint, "attribute": attribute,
           "random_state": random_state}
    return cached("fairness-proxy-check", key, compute)
