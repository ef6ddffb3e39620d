"""The privacy guard: does a note look as if it holds patient-identifiable information?

Reflective notes for appraisal should be anonymised. This module only looks and says so, calmly;
it never blocks a save and nothing leaves the machine. It looks for:

* an NHS number: ten digits (``943 476 5919`` or ``9434765919``) whose modulus-11 check digit is
  valid, so an ordinary ten-digit number is rarely taken for one;
* a date of birth: a date near words such as "DOB", "date of birth" or "born"; a date on
  its own (a meeting, the 2012 edition) is not one;
* a UK postcode (``SW1A 1AA``, ``M1 1AE``);
* a hospital number: a label such as "hospital number", "MRN" or "unit no" followed by a code,
  or a code shaped like the common ones (one to three capital letters and six to eight digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WARNING = (
    "This note may contain patient-identifiable information ({what}); reflective notes "
    "should be anonymised."
)

_NHS_RE = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})"  # 03/04/1961, 3.4.61
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"  # 1961-04-03
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{2,4}}"  # 3rd April 1961
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"  # April 3, 1961
)
# Birth-date context: the label before the date, within a few words.
_DOB_RE = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)"
    rf"\W{{0,3}}(?:\w+\W+){{0,3}}?({_DATE})",
    re.IGNORECASE,
)
_POSTCODE_RE = re.compile(
    r"\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_HOSPITAL_LABEL_RE = re.compile(
    r"\b(?:hospital\s+(?:no|number|num)|hosp\.?\s*no|mrn|unit\s+(?:no|number)|"
    r"patient\s+(?:id|no|number)|case\s+(?:no|number)|pas\s+(?:no|number))\b\.?\s*[:#]?\s*"
    r"([A-Z]{0,3}\d[\dA-Z]{4,11})\b",
    re.IGNORECASE,
)
_HOSPITAL_SHAPE_RE = re.compile(r"\b([A-Z]{1,3}\d{6,8})\b")  # capitals only: "RX1234567"


@dataclass(frozen=True)
class Finding:
    kind: str  # nhs-number | date-of-birth | postcode | hospital-number
    start: int
    end: int
    text: str


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits; the check digit is
    11 minus the remainder (11 becomes 0; 10 means no valid number)."""
    digits = re.sub(r"[ -]", "", digits)
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def findings(text: str) -> list[Finding]:
    """Everything in ``text`` that looks patient-identifiable, in order."""
    text = text or ""
    found: list[Finding] = []
    for m in _NHS_RE.finditer(text):
        if nhs_number_is_valid(m.group(0)):
            found.append(Finding("nhs-number", m.start(), m.end(), m.group(0)))
    for m in _DOB_RE.finditer(text):
        found.append(Finding("date-of-birth", m.start(1), m.end(1), m.group(1)))
    for m in _POSTCODE_RE.finditer(text):
        found.append(Finding("postcode", m.start(), m.end(), m.group(0)))
    taken = [(f.start, f.end) for f in found]
    for regex in (_HOSPITAL_LABEL_RE, _HOSPITAL_SHAPE_RE):
        for m in regex.finditer(text):
            s, e = m.span(1)
            if any(s < end and start < e for start, end in taken):
                continue  # already reported as an NHS number or postcode
            found.append(Finding("hospital-number", s, e, m.group(1)))
            taken.append((s, e))
    return sorted(found, key=lambda f: (f.start, f.kind))


_NAMES = {
    "nhs-number": "an NHS number",
    "date-of-birth": "a date of birth",
    "postcode": "a postcode",
    "hospital-number": "a hospital number",
}


def warning(text: str) -> str | None:
    """One calm sentence when the note looks identifiable, else None."""
    kinds: list[str] = []
    for f in findings(text):
        if f.kind not in kinds:
            kinds.append(f.kind)
    if not kinds:
        return None
    names = [_NAMES[k] for k in kinds]
    what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return WARNING.format(what=f"what looks like {what}")
