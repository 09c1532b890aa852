"""anonymize refuses a release while a column that looks like a direct identifier is undeclared."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.anonymization import anonymize, fit_anonymized_model
from govkit.datasets import Dataset, from_csv, make_credit
from govkit.exceptions import UndeclaredIdentifierError

QIS = ["age", "sex", "postcode"]


@pytest.fixture(scope="module")
def credit_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("credit") / "credit.csv"
    make_credit(400, random_state=2).to_csv(path, index=False)
    return path


def test_an_undeclared_email_column_is_refused_at_release(credit_csv, ledger):
    # the analyst declared the name but forgot the e-mail column
    data = from_csv(credit_csv, target="repaid", positive_label="yes",
                    identifiers=["applicant_name"], quasi_identifiers=QIS,
                    categorical=["postcode"])
    with pytest.raises(UndeclaredIdentifierError) as caught:
        anonymize(data, k=5, ledger=ledger)
    message = str(caught.value)
    assert "'email' (its name contains 'email'; 100% of its values match the e-mail" in message
    assert "identifiers=['email']" in message and "not_identifiers=['email']" in message
    assert "applicant_name" not in message  # declared: not refused
    assert "@" not in message  # no value of the data in the message
    assert ledger.records() == []  # nothing was released or recorded


def test_an_email_column_with_an_innocent_name_is_refused(credit_csv):
    frame = make_credit(300, random_state=0).rename(columns={"email": "contact"})
    data = Dataset(frame, target="repaid", positive_label="yes", identifiers=["applicant_name"],
                   quasi_identifiers=QIS, categorical=["postcode"])
    with pytest.raises(UndeclaredIdentifierError, match=r"'contact' \(100% of its values match the e-mail address pattern"):
        anonymize(data, k=5)


def test_declared_identifiers_are_released_without_them(credit_csv):
    data = from_csv(credit_csv, target="repaid", positive_label="yes",
                    identifiers=["applicant_name", "email"], quasi_identifiers=QIS,
                    categorical=["postcode"])
    released, result = anonymize(data, k=5)
    assert "email" not in released.frame.columns and "applicant_name" not in released.frame.columns
    assert result.achieved_k >= 5


def test_not_identifiers_keeps_a_flagged_column_through_the_release():
    frame = make_credit(300, random_state=0).assign(customer_id=lambda f: [i % 7 for i in range(len(f))])
    base = dict(target="repaid", positive_label="yes", identifiers=["applicant_name", "email"],
                quasi_identifiers=QIS, categorical=["postcode"])
    with pytest.raises(UndeclaredIdentifierError, match="'customer_id' \\(its name contains 'id'\\)"):
        anonymize(Dataset(frame, **base), k=5)
    data = Dataset(frame, **base, not_identifiers=["customer_id"])
    released, _ = anonymize(data, k=5)
    assert "customer_id" in released.frame.columns
    assert released.not_identifiers == ("customer_id",)
    # stages that rebuild a Dataset from data.X (the anonymized model) keep the statement
    model = fit_anonymized_model(data, k=5, quasi_identifiers=["age", "sex"], random_state=0)
    assert model.predict(data.X.head(3)).shape == (3,)


def test_a_plain_frame_with_an_email_column_is_refused():
    frame = pd.DataFrame({"age": [30, 31, 32, 40, 41, 42],
                          "mail": [f"p{i}@example.org" for i in range(6)]})
    with pytest.raises(UndeclaredIdentifierError, match="plain DataFrame, which has no roles"):
        anonymize(frame, quasi_identifiers=["age"], k=2)


def test_adult_with_its_synthetic_identifiers_is_released(adult_test):
    from govkit.datasets import add_synthetic_identifiers

    people = add_synthetic_identifiers(adult_test.replace(frame=adult_test.frame.head(3000)))
    released, _ = anonymize(people, k=10)
    assert not {"name", "email", "national_id"} & set(released.frame.columns)
    released, _ = anonymize(adult_test, k=10)  # Adult itself has nothing to declare
    assert len(released) > 0
