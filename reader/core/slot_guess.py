"""Which document slot an added file fills, guessed from its own title and file name.

The guess needs real evidence (whole words, never stop words, a keyword phrase or more than one
weak hint); when unsure the file stays an extra document that the reader can file by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.model import ContentPack, Slot

# Words that say nothing about which document a file is: "for" in an unrelated paper's title
# once filed it as the GMC guidance.
_NOT_EVIDENCE = frozenset(
    (  # noqa: SIM905 (a word list reads best as words)
        "a about all an and are as at be by for from in into is it of on or the their to with "
        "pdf doc docx final v1 v2 copy draft"
    ).split()
)
# What a guess needs: one keyword phrase, or two separate signals. A single shared word is not
# enough, and when unsure the document stays an extra one that the user can file.
_ENOUGH = 2.0


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - _NOT_EVIDENCE


def _has_phrase(haystack: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", haystack) is not None


def guess_slot(pack: ContentPack, kind: str, title: str, file_name: str) -> Slot | None:
    """The slot whose keywords and title the document's own title and file name show, if the
    evidence is real: whole words, never stop words, and more than one weak hint."""
    stem = Path(file_name).stem.replace("_", " ").replace("-", " ")
    haystack = " ".join(f"{title} {stem}".lower().split())
    words = _words(haystack)
    best: tuple[float, Slot] | None = None
    for slot in pack.slots:
        if slot.kind != kind:
            continue
        score = 0.0
        for keyword in (k.lower() for k in slot.keywords):
            phrase_words = len(_words(keyword))
            if phrase_words and _has_phrase(haystack, keyword):
                # A phrase of several words is strong evidence; one word is a hint.
                score += 2.0 * phrase_words if phrase_words > 1 else 1.0
        score += 0.5 * len(_words(slot.title) & words)
        if best is None or score > best[0]:
            best = (score, slot)
    if best is None:
        return None
    # A deck has one slot; a PDF is filed only on enough evidence, else left to the user.
    if kind == "pptx" or best[0] >= _ENOUGH:
        return best[1]
    return None
