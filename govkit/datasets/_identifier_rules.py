"""The rules that flag a column as a likely direct identifier, applied to a plain frame.

:func:`govkit.datasets.find_identifiers` and
:func:`~govkit.datasets.check_identifiers` apply them to a Dataset or a frame;
:meth:`Dataset.profile` applies them to its own frame. This module knows
nothing of the Dataset class (it works on a frame and the declared roles), so
that the class can use it without an import cycle.

The rules (each one alone flags a column):

- **Name.** The column name, split into words (``applicant_name`` ->
  applicant, name; ``CustomerID`` -> customer, id; ``E-Mail`` -> email), has
  a word such as name, email, mail, phone, tel, mobile, id, ssn, passport,
  iban or address; or it contains 身份证, 姓名, 手机, 电话, 邮箱, 住址, 地址,
  护照 or 银行卡 (Chinese has no spaces between words, so these are matched
  as parts of the name). ``idle_time``, ``valid`` or ``hidden`` do not match:
  a word must match whole.
- **Pattern.** At least ``pattern_share`` (default half) of the non-missing
  values are e-mail addresses, phone numbers, China resident identity numbers
  (18 characters with a valid ISO 7064 check character), US Social Security
  numbers (``NNN-NN-NNNN``), IBANs (valid mod-97 check) or payment card
  numbers (13-19 digits with a valid Luhn check). The shares are measured on
  up to 2,000 evenly spaced non-missing values, so that a million-row column
  costs the same as a small one.
- **Uniqueness.** A text column with at least ``min_rows`` (default 20)
  non-missing values of which at least ``unique_share`` (default 90%) are
  distinct: one value per person is what a name, an e-mail or a free-text
  note looks like. Tiny frames are exempt (three rows are always distinct).
  Numeric columns are *never* flagged for uniqueness alone: continuous
  numbers are naturally distinct (Adult's ``fnlwgt``); they are flagged by
  their name or by a pattern with a check digit (an ID or card number stored
  as an integer), not by a phone or SSN shape, which any 9-11 digit number has.

Why not a library: Microsoft Presidio is the field's PII detector, but it
scans free text with spaCy language models (a large download, which this
workbook avoids) and knows nothing of column names or per-column shares;
python-stdnum validates the same check digits but would be a new dependency
for four checksums of a few lines each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._columns import NOT_IDENTIFIERS_ATTR

__all__ = [
    "NAME_PARTS_ZH",
    "NAME_WORDS",
    "PATTERNS",
    "declared_not_identifiers",
    "identifier_findings",
    "name_match",
    "undeclared_findings",
    "undeclared_message",
]

_UNDECLARED = (
    "Undeclared direct identifier(s): {details}. A column like this would end up unchanged "
    "in an anonymized release or be used as a model feature. Declare each one: "
    "identifiers={columns} to remove it (or pseudonymize it) before any release, or "
    "not_identifiers={columns} to keep it as a feature once you have checked it identifies "
    "no one (in a pipeline config: the keys data.identifiers / data.not_identifiers)."
)
_UNDECLARED_FRAME = (
    " data is a plain DataFrame, which has no roles: wrap it in "
    "govkit.datasets.Dataset(frame, ..., identifiers=[...], not_identifiers=[...]) or drop "
    "those columns first."
)

#: Words that make a column name look like a direct identifier (matched as whole words).
NAME_WORDS = frozenset({
    "name", "names", "firstname", "lastname", "surname", "fullname", "forename", "username",
    "email", "mail", "phone", "telephone", "tel", "mobile", "cellphone", "id", "uuid", "guid",
    "ssn", "passport", "iban", "address",
})
#: Chinese words matched as parts of a column name (Chinese writes words without spaces).
NAME_PARTS_ZH = ("身份证", "姓名", "手机", "电话", "邮箱", "住址", "地址", "护照", "银行卡")

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SAMPLE = 2000

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"\+\d[\d ()\-./]{6,20}\d"                 # international: +49 30 1234567, +1 (555) 010-0199
    r"|\(?\d{3}\)?[ \-.]\d{3}[ \-.]\d{4}"      # North American: (555) 010-0199, 555-010-0199
    r"|1[3-9]\d{9}"                            # China mobile: 13812345678
    r"|0\d{9,10}"                              # national with trunk 0: 07700900123, 0612345678
    r"|0\d{1,4}[ \-/]\d{2,8}([ \-]\d{2,6}){0,3}"  # 030 1234567, 06 12 34 56 78
)
_DATE = re.compile(r"\d{1,4}[\-./]\d{1,2}[\-./]\d{1,4}")
_SSN = re.compile(r"(?!000|666)\d{3}-(?!00)\d{2}-(?!0000)\d{4}")
_CN_ID = re.compile(r"\d{17}[\dXx]")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_CARD = re.compile(r"\d{13,19}")
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"

#: What each pattern is called in reasons and in the ``pattern`` column.
PATTERNS = ("e-mail address", "phone number", "China resident ID", "US SSN", "IBAN",
            "payment card number")


def _cn_id_valid(text: str) -> bool:
    """China resident identity number (GB 11643-1999): 17 digits and an ISO 7064 check."""
    if not _CN_ID.fullmatch(text):
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11] == text[17].upper()


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _iban_valid(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    if not _IBAN.fullmatch(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _is_phone(text: str) -> bool:
    if _DATE.fullmatch(text) or not _PHONE.fullmatch(text):
        return False
    return 8 <= sum(c.isdigit() for c in text) <= 15


def _is_card(text: str) -> bool:
    digits = re.sub(r"[ \-]", "", text)
    return bool(_CARD.fullmatch(digits)) and _luhn_valid(digits)


_TEXT_TESTS = {
    "e-mail address": lambda t: bool(_EMAIL.fullmatch(t)),
    "phone number": _is_phone,
    "China resident ID": _cn_id_valid,
    "US SSN": lambda t: bool(_SSN.fullmatch(t)),
    "IBAN": _iban_valid,
    "payment card number": _is_card,
}
# Stored as numbers, only the patterns with a check digit are strong evidence: any 9-11 digit
# number has the shape of an SSN or a phone number.
_NUMBER_TESTS = ("China resident ID", "payment card number")


def name_words(column: str) -> list[str]:
    """The words of a column name, lower-cased (``CustomerID`` -> ``['customer', 'id']``)."""
    words = []
    for part in re.split(r"[^0-9A-Za-z]+", column):
        words.extend(w.lower() for w in _WORD.findall(part))
    return words


def name_match(column: str) -> str | None:
    """The identifier word the column name contains, or None.

    Examples
    --------
    >>> from govkit.datasets._identifier_rules import name_match
    >>> [name_match(c) for c in ("applicant_name", "E-Mail", "customerID", "idle_time", "valid")]
    ['name', 'email', 'id', None, None]
    """
    text = str(column)
    for part in NAME_PARTS_ZH:
        if part in text:
            return part
    words = name_words(text)
    for first, second in zip(words, words[1:], strict=False):  # E-Mail, first_name
        if first + second in NAME_WORDS:
            return first + second
    for word in words:
        if word in NAME_WORDS:
            return word
    return None


def _sample(values: pd.Series) -> pd.Series:
    """Up to _SAMPLE evenly spaced values (deterministic: no randomness, same answer each time)."""
    if len(values) <= _SAMPLE:
        return values
    positions = np.linspace(0, len(values) - 1, _SAMPLE).astype(np.int64)
    return values.iloc[positions]


def _pattern_shares(values: pd.Series, numeric: bool) -> dict[str, float]:
    """Share of the (sampled, non-missing) values matching each pattern.

    Each distinct value is tested once and weighted by its count, so a
    categorical column with a few labels costs a few tests.
    """
    sample = _sample(values)
    n = len(sample)
    if numeric:
        # card numbers have 13 digits or more, resident IDs 18: smaller numbers cannot match.
        # Integers are used exactly (an 18-digit ID does not survive a float's 15-16 digits).
        if pd.api.types.is_integer_dtype(sample):
            whole = sample[sample >= 10**12]
        else:
            floats = pd.to_numeric(sample, errors="coerce").astype("float64")
            whole = floats[np.isfinite(floats) & (floats >= 1e12) & (floats == np.round(floats))]
        if len(whole) == 0:
            return {}
        counts = whole.map(lambda v: str(int(v))).value_counts()
        tests = {name: _TEXT_TESTS[name] for name in _NUMBER_TESTS}
    else:
        counts = sample.astype(str).str.strip().value_counts()
        # every pattern needs a digit or an @: no regular expressions for plain words
        counts = counts[counts.index.str.contains(r"[\d@]", regex=True)]
        if len(counts) == 0:
            return {}
        tests = _TEXT_TESTS
    return {name: sum(int(c) for t, c in counts.items() if test(t)) / n
            for name, test in tests.items()}


def identifier_findings(frame: pd.DataFrame, *, min_rows: int = 20, unique_share: float = 0.9,
                        pattern_share: float = 0.5) -> pd.DataFrame:
    """The table of :func:`govkit.datasets.find_identifiers` for a frame (arguments already checked)."""
    rows = []
    for column in frame.columns:
        values = frame[column]
        if isinstance(values, pd.DataFrame):  # duplicated name: Dataset refuses these anyway
            continue
        present = values.dropna()
        n = len(present)
        boolean = pd.api.types.is_bool_dtype(values)
        numeric = pd.api.types.is_numeric_dtype(values) and not boolean
        text = not numeric and not boolean and not pd.api.types.is_datetime64_any_dtype(values)
        distinct = int(present.nunique()) if n else 0
        share = distinct / n if n else 0.0
        reasons = []
        word = name_match(str(column))
        if word is not None:
            reasons.append(f"its name contains {word!r}")
        best, best_share = None, 0.0
        if n and (numeric or text):
            shares = _pattern_shares(present, numeric)
            if shares:
                best = max(shares, key=shares.get)
                best_share = shares[best]
            if best_share >= pattern_share:
                reasons.append(f"{best_share:.0%} of its values match the {best} pattern")
            else:
                best, best_share = None, 0.0
        if text and n >= min_rows and share >= unique_share:
            reasons.append(f"{share:.0%} of its {n} non-missing values are distinct")
        if reasons:
            rows.append({"column": str(column), "reason": "; ".join(reasons),
                         "unique_share": share, "pattern": best, "pattern_share": best_share})
    table = pd.DataFrame(rows, columns=["column", "reason", "unique_share", "pattern",
                                        "pattern_share"])
    # object, so that "no pattern" is None rather than a missing string
    table["pattern"] = pd.Series([row["pattern"] for row in rows], index=table.index, dtype=object)
    return table


def declared_not_identifiers(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns a frame's ``attrs`` carry as checked not to be identifiers (from ``Dataset.X``)."""
    attrs = frame.attrs.get(NOT_IDENTIFIERS_ATTR, ()) if isinstance(frame.attrs, Mapping) else ()
    return tuple(str(c) for c in attrs)


def undeclared_findings(findings: pd.DataFrame, declared: set[str]) -> pd.DataFrame:
    """The rows of ``findings`` whose column is not in ``declared`` (roles given to columns)."""
    return findings[~findings["column"].isin(declared)].reset_index(drop=True)


def undeclared_message(undeclared: pd.DataFrame, *, plain_frame: bool = False) -> str:
    """The refusal sentence for flagged columns without a role (names and reasons, no values)."""
    columns = undeclared["column"].tolist()
    details = "; ".join(f"{row.column!r} ({row.reason})" for row in undeclared.itertuples())
    message = _UNDECLARED.format(details=details, columns=columns)
    return message + (_UNDECLARED_FRAME if plain_frame else "")
