"""How search reads words: tokens, folding, British/American spellings and stems.

One tokenizer is shared by indexing, querying and snippet marking, so they always agree. Each
word has three forms (:class:`WordForms`): folded (lowercase, Latin accents off), normalised (one
spelling for British and American variants, before the stemmer) and stemmed. Nothing here raises
on odd input. Whoosh is needed only for its Porter stemmer, imported on first use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- tokens -------------------------------------------------------------------------------

# Numbers keep their decimal point ("2.5"); words keep inner "&" and apostrophes ("A&E",
# "PDA’s"); a free-standing "&" is a word too, read as "and" ("Accident & Emergency").
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[&'’]\w+)*|(?<!\S)&(?!\S)")
_POSSESSIVE_RE = re.compile(r"['’]s$")

_LATIN_SPECIAL = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "þ": "th", "æ": "ae", "œ": "oe"})


def _is_latin(char: str) -> bool:
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code < 0x1F00


def fold(word: str) -> str:
    """Lowercase, fold accents on Latin letters, drop possessive 's and inner apostrophes.

    Only Latin letters lose their marks: folding Cyrillic or Japanese the same way would merge
    different words.
    """
    word = unicodedata.normalize("NFKC", word).casefold().translate(_LATIN_SPECIAL)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        kept = []
        base_latin = True
        for char in decomposed:
            if unicodedata.combining(char):
                if not base_latin:
                    kept.append(char)
                continue
            base_latin = _is_latin(char)
            kept.append(char)
        word = unicodedata.normalize("NFC", "".join(kept))
    if word == "&":
        return "and"
    word = _POSSESSIVE_RE.sub("", word)
    return word.replace("'", "").replace("’", "")


def split_words(text: str) -> list[str]:
    """The words of ``text`` as written, by the same rule the index uses."""
    return [m.group(0) for m in _TOKEN_RE.finditer(text)]


# --- British and American spellings ------------------------------------------------------
# Both spellings are mapped to one form at index and query time, before stemming. The form
# chosen does not matter for matching; where possible it is the British one the guidance uses.


def _pairs(bases: dict[str, str], suffixes: tuple[str, ...]) -> dict[str, str]:
    return {us + s: uk + s for us, uk in bases.items() for s in suffixes}


# fmt: off
_OUR = {  # American -or → British -our
    w: w[:-2] + "our"
    for w in (
        "armor", "behavior", "candor", "clamor", "color", "endeavor", "favor", "flavor",
        "harbor", "honor", "humor", "labor", "neighbor", "odor", "parlor", "rigor", "rumor",
        "savor", "splendor", "tumor", "valor", "vapor", "vigor",
    )
}
# fmt: on
# fmt: off
_OUR_SUFFIXES = (
    "", "s", "ed", "ing", "ful", "fully", "less", "al", "ally", "ist", "ists", "ite", "ites",
    "able", "ably", "er", "ers", "hood", "hoods", "ism", "isms", "y",
)
# fmt: on
# fmt: off
_RE = {  # American -er → British -re
    w: w[:-2] + "re"
    for w in (
        "center", "theater", "fiber", "liter", "meter", "caliber", "somber", "specter", "luster",
        "saber",
    )
}
# fmt: on
# fmt: off
_DOUBLE_L = (
    "counsel", "travel", "model", "label", "cancel", "signal", "fuel", "level", "marvel",
    "channel", "dial", "equal", "total", "tunnel", "jewel", "quarrel", "rival", "shovel",
    "pedal", "panel", "funnel", "libel",
)
# fmt: on

SPELLING_MAP: dict[str, str] = {
    **_pairs(_OUR, _OUR_SUFFIXES),
    **_pairs(_RE, ("", "s")),
    **{w + "ed": w[:-2] + "red" for w in _RE},  # centered → centred
    **{w + "ing": w[:-2] + "ring" for w in _RE},  # centering → centring
    **{w + s: w + "l" + s for w in _DOUBLE_L for s in ("ed", "ing", "er", "ers", "or", "ors")},
    **_pairs(
        {
            "program": "programme",
            "catalog": "catalogue",
            "dialog": "dialogue",
            "analog": "analogue",
            "judgment": "judgement",
            "acknowledgment": "acknowledgement",
            "fulfill": "fulfil",
            "enroll": "enrol",
            "skillful": "skilful",
            "willful": "wilful",
            "gray": "grey",
            "maneuver": "manoeuvre",
            "mold": "mould",
            "plow": "plough",
            "skeptic": "sceptic",
            "aluminum": "aluminium",
            "tire": "tyre",
        },
        ("", "s"),
    ),
    **_pairs({"defense": "defence", "offense": "offence", "pretense": "pretence"}, ("", "s")),
    "programs": "programmes",
    "programmed": "programmed",
    "fulfillment": "fulfilment",
    "enrollment": "enrolment",
    "enrollments": "enrolments",
    "mustache": "moustache",
    "check": "check",
    # licence/license and practice/practise: both countries use both, for noun and verb; one
    # form each, so either spelling finds the other.
    **_pairs({"licenc": "licens", "practis": "practic"}, ("e", "es", "ed", "ing", "ee", "ees")),
}

# Suffix rules for word families too big to list. American z → British s in -ize/-ization;
# British ae/oe → e in medical words (the reverse, e → ae, would turn "hemisphere" into nonsense).
_SUFFIX_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\w{2,})iz(e|es|ed|ing|er|ers|ation|ations|ational|able)$"), r"\1is\2"),
    (re.compile(r"^(\w{2,})yz(e|es|ed|ing|er|ers)$"), r"\1ys\2"),
)
_INFIX_RULES: tuple[tuple[str, str], ...] = (
    ("paed", "ped"),  # paediatric, orthopaedic, encyclopaedia
    ("haem", "hem"),  # haemorrhage, haematology, haemoglobin
    ("aemi", "emi"),  # anaemia, ischaemia, leukaemia, septicaemia, hypoglycaemia
    ("anaes", "anes"),  # anaesthetic, anaesthesia
    ("gynaec", "gynec"),
    ("aetiol", "etiol"),
    ("faec", "fec"),
    ("caesar", "cesar"),
    ("oesoph", "esoph"),
    ("oedem", "edem"),
    ("oestr", "estr"),
    ("rrhoea", "rrhea"),  # diarrhoea, gonorrhoea, amenorrhoea
    ("pnoea", "pnea"),  # dyspnoea, apnoea
    ("foet", "fet"),
    ("coeliac", "celiac"),
)


@lru_cache(maxsize=65536)
def normalise_spelling(word: str) -> str:
    """One spelling for British and American variants of a folded word."""
    if not word.isascii() or len(word) < 4:
        return word
    mapped = SPELLING_MAP.get(word)
    if mapped is not None:
        return mapped
    for pattern, repl in _SUFFIX_RULES:
        word = pattern.sub(repl, word)
    for old, new in _INFIX_RULES:
        if old in word:
            word = word.replace(old, new)
    return word


def prefix_variants(word: str) -> tuple[str, ...]:
    """Forms of a half-typed word to complete: as typed, and with its spelling normalised.

    "organiz" is on its way to "organization", indexed as "organisation"; "citiz" is on its way
    to "citizen", which no rule changes. Trying both forms serves either.
    """
    variants = [word, normalise_spelling(word)]
    partial = re.sub(r"^(\w{2,})iz(a|at|ati|atio|i|in|e)?$", r"\1is\2", word)
    variants.append(_infix_normalise(partial))
    return tuple(dict.fromkeys(v for v in variants if v))


def _infix_normalise(word: str) -> str:
    for old, new in _INFIX_RULES:
        if old in word:
            word = word.replace(old, new)
    return word


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Porter is English: only plain ASCII letters go through it ("a&e", "2012", Cyrillic stay).
    if not (word.isascii() and word.isalpha()) or len(word) < 3:
        return word
    from whoosh.lang.porter import stem

    return stem(word)


@dataclass(frozen=True)
class WordForms:
    """The three forms of one word: folded (for suggestions), normalised (for prefixes), stem."""

    folded: str
    norm: str
    stem: str


@lru_cache(maxsize=65536)
def word_forms(raw: str) -> WordForms:
    folded = fold(raw)
    norm = normalise_spelling(folded)
    return WordForms(folded, norm, _stem(norm))


def iter_tokens(text: str):
    """Yield ``(start, end, WordForms)`` for every word of ``text``."""
    return iter(tokens(text))


@lru_cache(maxsize=256)
def tokens(text: str) -> tuple[tuple[int, int, WordForms], ...]:
    """The words of ``text`` with their places, remembered for the last few hundred texts.

    Indexing reads each block's text three times (stems, completions, vocabulary) and search
    as you type marks the same top hits at every keystroke: each is tokenised once.
    """
    found = []
    for match in _TOKEN_RE.finditer(text):
        forms = word_forms(match.group(0))
        if forms.folded:
            found.append((match.start(), match.end(), forms))
    return tuple(found)


def stems(text: str) -> tuple[str, ...]:
    return tuple(forms.stem for _, _, forms in iter_tokens(text))
