"""The privacy guard warns about what looks patient-identifiable, and not about ordinary notes."""

from __future__ import annotations

import pytest

from reader.core.privacy import findings, nhs_number_is_valid, warning


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "401-023-2137"])
def test_valid_nhs_numbers_are_found(number: str) -> None:
    assert nhs_number_is_valid(number)
    assert [f.kind for f in findings(f"Patient {number} was seen")] == ["nhs-number"]


@pytest.mark.parametrize(
    "number",
    [
        "943 476 5918",  # wrong check digit
        "1234567890",  # 123456789 gives a check digit of 10: no valid number
        "0000000000",  # a placeholder, not a person
        "94347659190",  # eleven digits
    ],
)
def test_invalid_nhs_numbers_are_not(number: str) -> None:
    assert not nhs_number_is_valid(number)
    assert "nhs-number" not in {f.kind for f in findings(f"ref {number}")}


@pytest.mark.parametrize(
    "text",
    [
        "DOB 03/04/1961",
        "D.O.B.: 3.4.61",
        "date of birth 1961-04-03",
        "born on 3rd April 1961",
        "Born: April 3, 1961",
    ],
)
def test_dates_of_birth_are_found(text: str) -> None:
    assert [f.kind for f in findings(text)] == ["date-of-birth"]


@pytest.mark.parametrize(
    "text",
    [
        "Team meeting on 03/04/2024 about the rota",
        "The guidance was published on 1 March 2012",
        "Appraisal due 2026-11-28",
        "The 2012 edition, para 85(b), pages 12-14",
        "Leadership and management for all doctors (2012)",
    ],
)
def test_dates_that_are_not_birth_dates_are_left_alone(text: str) -> None:
    assert findings(text) == []
    assert warning(text) is None


def test_postcodes_and_hospital_numbers() -> None:
    assert [f.kind for f in findings("lives near SW1A 1AA")] == ["postcode"]
    assert [f.kind for f in findings("home postcode m1 1ae")] == ["postcode"]
    assert [f.text for f in findings("Hospital number: K123456")] == ["K123456"]
    assert [f.text for f in findings("MRN 10045678 on ward 5")] == ["10045678"]
    assert [f.text for f in findings("see RX1234567 notes")] == ["RX1234567"]
    assert findings("Ward 5B, bay 3, the A&E team of 12 at 9am") == []


def test_the_warning_is_one_calm_sentence_naming_what_was_seen() -> None:
    text = warning("DOB 03/04/1961, NHS 943 476 5919")
    assert text is not None
    assert text.count(".") == 1
    assert text.endswith("anonymised.")
    assert "a date of birth and an NHS number" in text  # in the order they appear
    assert warning("A thoughtful reflection on shared leadership #appraisal") is None
