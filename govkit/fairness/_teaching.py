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

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import normalized_mutual_info_score, roc_auc_score
from sklearn.pipeline import make_pipeline

from govkit._validation import as_sklearn_random_state, renamed_keywords
from govkit.datasets import Dataset, check_dataset
from govkit.models import make_preprocessor
from govkit.workspace import cached

from ._report import CACHE_LAYOUT, GroupReport

__all__ = ["ProxyCheck", "impossibility_table", "proxy_check"]

_NOT_A_REPORT = (
    "impossibility_table: report must be a GroupReport (from group_report or evaluate_model), "
    "got {kind}."
)
_BAD_PROTECTED = (
    "proxy_check: protected={value!r} is not a feature of the data; pass one of {columns}, "
    "e.g. protected={example!r}."
)
_NOT_ONE_COLUMN = (
    "proxy_check: protected must be one column name (a string), got {kind} ({value!r}); check "
    "one protected attribute at a time, e.g. protected={example!r}."
)
_UNSEEN = (
    "proxy_check: protected column {value!r} has values in test that never occur in train "
    "({unseen}); the check cannot score them. Use splits that share the attribute's values."
)
_SINGLE_VALUE = (
    "proxy_check: protected column {value!r} has a single value in the training data; there "
    "is nothing to predict."
)
_RENAMED_ATTRIBUTE = (
    "ProxyCheck.attribute is now ProxyCheck.protected (govkit's one vocabulary); the old name "
    "works in this release and will be removed in the next."
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
    protected : str
        The protected column checked (called ``attribute`` before; that name
        still works for one release, with a ``FutureWarning``).
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

    protected: str
    auc: float
    features: pd.DataFrame

    @property
    def attribute(self) -> str:
        """Deprecated name of :attr:`protected`."""
        warnings.warn(_RENAMED_ATTRIBUTE, FutureWarning, stacklevel=2)
        return self.protected

    def _repr_html_(self) -> str:
        return (f"<b>{self.protected}</b> is predicted from the other features with ROC AUC "
                f"<b>{self.auc:.3f}</b> (0.5 = no information)."
                + self.features.head(8).to_html(float_format=lambda v: f"{v:.3f}"))


def _check_protected(train: Dataset, protected: object) -> str:
    features = list(train.feature_names)
    example = next((c for c in train.protected if c in features), features[0])
    if not isinstance(protected, str):
        raise TypeError(_NOT_ONE_COLUMN.format(kind=type(protected).__name__, value=protected,
                                               example=example))
    if protected not in features:
        raise ValueError(_BAD_PROTECTED.format(value=protected, columns=features,
                                               example=example))
    return protected


@renamed_keywords(attribute="protected")
def proxy_check(train: Dataset, test: Dataset, *, protected: str,
                random_state: int = 0) -> ProxyCheck:
    """How well the other features predict a protected attribute (why "blindness" fails).

    Parameters
    ----------
    train, test : govkit.datasets.Dataset
    protected : str
        One protected column that is a feature of the data.
        (``attribute=`` is this keyword's old name.)
    random_state : None, int, numpy Generator or RandomState
        Seed of the logistic regression. The result is kept in the
        workspace cache, keyed by both splits' fingerprints, the column
        and the seed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.datasets import Dataset
    >>> from govkit.fairness import proxy_check
    >>> rng = np.random.default_rng(0)
    >>> group = rng.choice(["a", "b"], 400)
    >>> frame = pd.DataFrame({"group": group, "y": rng.integers(0, 2, 400),
    ...                       "echo": np.where(rng.random(400) < 0.9, group, "c"),
    ...                       "noise": rng.normal(size=400)})
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("group",))
    >>> check = proxy_check(data, data, protected="group")
    >>> check.features.index[0], check.auc > 0.9
    ('echo', True)
    """
    func = "proxy_check"
    check_dataset(train, func=func, param="train")
    check_dataset(test, func=func, param="test")
    protected = _check_protected(train, protected)
    random_state = as_sklearn_random_state(random_state, func=func)
    target = train.frame[protected].astype(str)
    if target.nunique() < 2:
        raise ValueError(_SINGLE_VALUE.format(value=protected))

    def compute() -> ProxyCheck:
        rows = []
        for column in train.feature_names:
            if column == protected:
                continue
            values = train.frame[column]
            if column in train.numeric:
                values = pd.qcut(values.rank(method="first"), 10, labels=False)
            values = values.astype(str).fillna("missing")
            rows.append({"feature": column,
                         "normalized_mutual_information": normalized_mutual_info_score(target, values)})
        features = (pd.DataFrame(rows).set_index("feature")
                    .sort_values("normalized_mutual_information", ascending=False))
        model = make_pipeline(make_preprocessor(train, drop=[protected]),
                              LogisticRegression(max_iter=2000, random_state=random_state))
        model.fit(train.X, target)
        test_target = test.frame[protected].astype(str)
        proba = model.predict_proba(test.X)
        unseen = sorted(set(test_target) - set(model.classes_))
        if unseen:
            raise ValueError(_UNSEEN.format(value=protected, unseen=unseen))
        if len(model.classes_) == 2:
            auc = roc_auc_score(test_target == model.classes_[1], proba[:, 1])
        else:
            auc = roc_auc_score(test_target, proba, multi_class="ovr", labels=list(model.classes_))
        return ProxyCheck(protected=protected, auc=float(auc), features=features)

    # deterministic given the data and the seed; the fit takes seconds, so it is cached
    key = {"train": train.fingerprint, "test": test.fingerprint, "protected": protected,
           "random_state": random_state, "layout": CACHE_LAYOUT}
    return cached("fairness-proxy-check", key, compute)
