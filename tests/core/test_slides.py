"""reader.core.slides: decks to slide and speaker-note blocks, and bad decks refused plainly."""

from __future__ import annotations

import pytest

from reader.core.errors import DocumentError, PasswordRequired
from reader.core.slides import extract_slide_blocks, inspect_deck, open_deck
from tests import factories as f


@pytest.fixture(scope="module")
def deck_path(tmp_path_factory):
    return f.make_deck(
        tmp_path_factory.mktemp("deck") / "teaching.pptx", slides=6, title="Test deck"
    )


def test_open_deck_reads_titles_text_and_notes(deck_path):
    deck = open_deck(deck_path)
    assert deck.title == "Test deck"
    assert len(deck.slides) == 6
    first = deck.slides[0]
    assert first.index == 0
    assert first.title.startswith("Test slide 1:")
    assert first.text.splitlines()[0].startswith("Synthetic bullet 1.1")
    assert len(first.text.splitlines()) == 3
    assert first.notes.startswith("Speaker note for test slide 1")
    assert deck.slides[2].notes == ""  # every third slide has none


def test_slide_blocks(deck_path):
    blocks = extract_slide_blocks(deck_path, "deck", "slides-tab")
    slides = [b for b in blocks if b.kind == "slide"]
    notes = [b for b in blocks if b.kind == "speaker-note"]
    assert [b.id for b in slides] == [f"deck.slide-{n}" for n in range(1, 7)]
    assert [b.page for b in slides] == list(range(6))
    assert [b.id for b in notes] == [f"deck.slide-{n}-notes" for n in (1, 2, 4, 5)]
    assert all(b.paragraph is None and b.tab == "slides-tab" for b in blocks)
    assert slides[0].text.startswith("Test slide 1:")
    assert "Synthetic bullet 1.3" in slides[0].text
    assert notes[0].section == slides[0].section == "slide-1"
    assert notes[0].section_title == slides[0].text.splitlines()[0]
    # A note follows its own slide.
    assert blocks.index(notes[0]) == blocks.index(slides[0]) + 1


def test_inspect_deck_shape(deck_path):
    info = inspect_deck(deck_path)
    assert info["kind"] == "pptx"
    assert info["slides"] == 6
    assert info["title"] == "Test deck"
    assert info["notes"] == 4


def test_untitled_deck_takes_its_first_slide_title(tmp_path):
    info = inspect_deck(f.make_deck(tmp_path / "plain.pptx", slides=2, notes=False))
    assert info["title"].startswith("Test slide 1:")
    assert info["notes"] == 0


BAD_DECKS = [
    (f.make_empty_file, "is empty", DocumentError),
    (f.make_not_a_zip, "not a PowerPoint", DocumentError),
    (f.make_zip_not_deck, "not a PowerPoint", DocumentError),
    (f.make_truncated_deck, "damaged", DocumentError),
    (f.make_zip_bomb_deck, "far more data", DocumentError),
    (f.make_ole_deck, "password", PasswordRequired),
]


@pytest.mark.parametrize(
    ("make", "words", "error"), BAD_DECKS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_bad_decks_give_one_plain_sentence(tmp_path, make, words, error):
    path = make(tmp_path / "bad.pptx")
    with pytest.raises(error) as caught:
        inspect_deck(path)
    message = str(caught.value)
    assert words in message
    assert "bad.pptx" in message
    assert message.endswith(".")
    assert "\n" not in message
    with pytest.raises(DocumentError):
        extract_slide_blocks(path, "d", "t")


def test_missing_deck(tmp_path):
    with pytest.raises(DocumentError, match="could not be found"):
        open_deck(tmp_path / "gone.pptx")
