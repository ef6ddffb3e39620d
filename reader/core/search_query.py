"""How search reads words: analysis of text and queries, spelling variants, the query language.

This room holds everything about *words* that the search index needs, without the index itself:
one tokenizer shared by indexing, querying and snippet marking (so they always agree), the
rule-based British/American spelling normaliser that runs before the stemmer, the paragraph
reference detector, the forgiving parser that turns whatever a clinician types or pastes into a
small query tree (AND by default, OR, NOT, "phrases", an as-you-type prefix, synonyms), and the
marker that finds the matched words in a hit's text and cuts its snippet. Nothing here raises on
odd input: problems come back as short hints. Whoosh is not needed here except its stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# --- limits -------------------------------------------------------------------------------

#: A pasted page is cut to this many characters (at a word boundary) before parsing.
MAX_QUERY_CHARS = 300
#: And to this many words: more would only slow the search without narrowing it further.
MAX_QUERY_WORDS = 24
#: The as-you-type prefix needs this many characters; one letter would match half the index.
MIN_PREFIX_CHARS = 2

# --- tokens -------------------------------------------------------------------------------

# Numbers keep their decimal point ("2.5"); words keep inner "&" and apostrophes ("A&E",
# "PDA’s"); a free-standing "&" is a word too, read as "and" ("Accident & Emergency").
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[&'’]\w+)*|(?<!\S)&(?!\S)")
_POSSESSIVE_RE = re.compile(r"['’]s$")

# Common words dropped from unquoted queries (never from the index, so phrases still work).
# fmt: off
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "this", "that", "to", "was", "were", "with",
))
# fmt: on

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
    for match in _TOKEN_RE.finditer(text):
        forms = word_forms(match.group(0))
        if forms.folded:
            yield match.start(), match.end(), forms


def stems(text: str) -> tuple[str, ...]:
    return tuple(forms.stem for _, _, forms in iter_tokens(text))


# --- paragraph references ----------------------------------------------------------------

_PARA_RE = re.compile(
    r"^\s*(?:¶|§|paras?\.?|paragraphs?|par\.|p\.)?\s*(\d{1,4})\s*"
    r"(?:\(\s*([a-z]{1,4})\s*\)|([a-z]))?\s*$",
    re.IGNORECASE,
)


def paragraph_ref(query: str) -> str | None:
    """'85', 'para 85', 'paragraph 85', '¶85', '85(b)', '85 (b)', '85b' → '85' or '85(b)'."""
    match = _PARA_RE.match(query or "")
    if not match:
        return None
    number = str(int(match.group(1)))
    if number == "0":
        return None
    sub = match.group(2) or match.group(3)
    return f"{number}({sub.lower()})" if sub else number


# --- the query tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One word of the query; ``prefix`` when it is the word still being typed."""

    raw: str
    prefix: bool = False

    @property
    def forms(self) -> WordForms:
        return word_forms(self.raw)


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class AllOf:
    items: tuple[Node, ...]


Node = Word | Phrase | AnyOf | AllOf


@dataclass
class ParsedQuery:
    """What the user asked for, ready to be turned into an index query."""

    text: str  # the query after cleaning and truncation
    must: list[Node] = field(default_factory=list)
    must_not: list[Node] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    # Each word the user typed with its place in ``text``, for "did you mean".
    spans: list[tuple[int, int, Word]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.must


HINT_LONG = "Only the first words of a long search were used."
HINT_QUOTE = "Close the quotation marks to search for an exact phrase."
HINT_WILDCARD = "Wildcards are not needed: words also match their other endings."
HINT_OPERATOR = "OR and NOT need a word on each side; they were ignored."
HINT_ONLY_NOT = "Add a word to search for: NOT only leaves words out."
HINT_NO_WORDS = "Type a word to search for."

_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_LEX_RE = re.compile(r'"[^"]*"?|[^\s"]+')


def clean(query: str) -> tuple[str, list[str]]:
    """Control characters out, curly quotes straightened, long pastes cut at a word boundary."""
    hints: list[str] = []
    if not isinstance(query, str):
        query = str(query or "")
    if len(query) > MAX_QUERY_CHARS * 4:
        query = query[: MAX_QUERY_CHARS * 4]  # keep the work below bounded before scanning
    chars = [
        " " if unicodedata.category(c) in _CONTROL_CATEGORIES and c not in "\u200d" else c
        for c in query
    ]
    text = "".join(chars).translate(_QUOTES)
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
        text = text.rstrip() + " "  # the cut word is whole, not being typed
        hints.append(HINT_LONG)
    return text, hints


def _pieces(chunk: str) -> list[str]:
    return [m.group(0) for m in _TOKEN_RE.finditer(chunk)]


def parse(query: str, synonyms: Synonyms = ()) -> ParsedQuery:
    """Turn typed text into a :class:`ParsedQuery`; never raises.

    ``synonyms`` come from :func:`prepare_synonyms`.
    """
    text, hints = clean(query)
    parsed = ParsedQuery(text=text, hints=hints)
    typing = bool(text) and not text[-1].isspace()

    # Clauses: each is a list of alternatives (OR), and a flag for NOT.
    clauses: list[tuple[list[Node], bool]] = []
    pending_or = False
    pending_not = False
    bad_operator = False
    words_used = 0
    matches = list(_LEX_RE.finditer(text))
    for index, match in enumerate(matches):
        chunk = match.group(0)
        is_last = index == len(matches) - 1
        node: Node | None = None
        if chunk.startswith('"'):
            closed = len(chunk) > 1 and chunk.endswith('"')
            inner = chunk[1:-1] if closed else chunk[1:]
            if not closed:
                hints.append(HINT_QUOTE)
            words = _pieces(inner)
            if closed and len(words) > 1:
                node = Phrase(tuple(words))
            elif words:
                # An open quote is read as plain words, so typing a phrase still finds things.
                prefix = not closed and is_last and typing
                nodes = [Word(w) for w in words[:-1]] + [Word(words[-1], prefix)]
                for word, start in zip(nodes, _starts(inner, words), strict=True):
                    offset = match.start() + 1 + start
                    parsed.spans.append((offset, offset + len(word.raw), word))
                node = nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))
        elif chunk in ("OR", "|", "||"):
            if not clauses or pending_or or is_last:
                bad_operator = True
            else:
                pending_or = True
            continue
        elif chunk in ("AND", "&&", "+"):
            continue
        elif chunk == "NOT" or chunk == "-":
            if pending_not or is_last:
                bad_operator = True
            pending_not = True
            continue
        else:
            negate = chunk.startswith("-") and len(chunk) > 1
            body = chunk.lstrip("-+")
            explicit_prefix = body.endswith("*") and len(body.rstrip("*?")) >= MIN_PREFIX_CHARS
            if "*" in body or "?" in body.rstrip("?"):
                hints.append(HINT_WILDCARD)
            words = _pieces(body.replace("*", " ").replace("?", " "))
            if not words:
                continue
            pending_not = pending_not or negate
            if len(words) > 1:
                # "e-learning", "85(b)", "decision-making": one chunk, several words, in order.
                node = Phrase(tuple(words))
            else:
                prefix = explicit_prefix or (is_last and typing and not body.endswith("?"))
                node = Word(words[0], prefix and not pending_not)
                start = match.start() + chunk.find(words[0])
                parsed.spans.append((start, start + len(words[0]), node))
        if node is None:
            continue
        words_used += _count_words(node)
        if words_used > MAX_QUERY_WORDS:
            if HINT_LONG not in hints:
                hints.append(HINT_LONG)
            break
        if pending_or and clauses and not pending_not and not clauses[-1][1]:
            clauses[-1][0].append(node)
        else:
            if pending_or:
                bad_operator = True
            clauses.append(([node], pending_not))
        pending_or = pending_not = False
    if pending_not or pending_or:
        bad_operator = True
    if bad_operator:
        hints.append(HINT_OPERATOR)

    positives = [alts for alts, negated in clauses if not negated]
    negatives = [alts for alts, negated in clauses if negated]
    parsed.must = _apply_synonyms(positives, synonyms)
    parsed.must = _drop_stop_words(parsed.must)
    parsed.must_not = [_one_of(alts) for alts in negatives]
    if not parsed.must:
        hints.append(HINT_ONLY_NOT if parsed.must_not else HINT_NO_WORDS)
        parsed.must_not = []
    parsed.hints = list(dict.fromkeys(hints))
    return parsed


def _starts(text: str, words: list[str]) -> list[int]:
    starts, pos = [], 0
    for word in words:
        pos = text.find(word, pos)
        starts.append(pos)
        pos += len(word)
    return starts


def _count_words(node: Node) -> int:
    if isinstance(node, Word):
        return 1
    if isinstance(node, Phrase):
        return len(node.words)
    children = node.options if isinstance(node, AnyOf) else node.items
    return sum(_count_words(c) for c in children)


def _one_of(alternatives: list[Node]) -> Node:
    return alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))


def _node_stems(node: Node) -> tuple[str, ...] | None:
    """The stems a node stands for, if it is a plain word, phrase or run of words."""
    if isinstance(node, Word):
        return (node.forms.stem,)
    if isinstance(node, Phrase):
        return tuple(word_forms(w).stem for w in node.words)
    if isinstance(node, AllOf) and all(isinstance(i, Word) for i in node.items):
        return tuple(i.forms.stem for i in node.items)  # type: ignore[union-attr]
    return None


@dataclass(frozen=True)
class Member:
    """One member of a synonym group: its words as written and their stems, for matching."""

    words: tuple[str, ...]
    key: tuple[str, ...]

    def node(self) -> Node:
        return Word(self.words[0]) if len(self.words) == 1 else Phrase(self.words)


Synonyms = tuple[tuple[Member, ...], ...]


def _expand(original: Node, key: tuple[str, ...], synonyms: Synonyms) -> Node:
    options: list[Node] = [original]
    for group in synonyms:
        if any(m.key == key for m in group):
            options.extend(m.node() for m in group if m.key != key)
    return options[0] if len(options) == 1 else AnyOf(tuple(dict.fromkeys(options)))


def _apply_synonyms(clauses: list[list[Node]], synonyms: Synonyms) -> list[Node]:
    """Expand words and runs of words that are members of a synonym group into an OR."""
    if not synonyms:
        return [_one_of(alts) for alts in clauses]
    keys = {m.key for group in synonyms for m in group}
    longest = max(len(k) for k in keys)
    result: list[Node] = []
    i = 0
    while i < len(clauses):
        # Runs of single plain words ("individual funding requests") may be a member.
        matched_run = 0
        for length in range(min(longest, len(clauses) - i), 1, -1):
            run = clauses[i : i + length]
            if not all(len(alts) == 1 and isinstance(alts[0], Word) for alts in run):
                continue
            words = tuple(alts[0] for alts in run)
            key = tuple(w.forms.stem for w in words)  # type: ignore[union-attr]
            if key in keys:
                result.append(_expand(AllOf(words), key, synonyms))
                matched_run = length
                break
        if matched_run:
            i += matched_run
            continue
        alternatives = []
        for node in clauses[i]:
            key = _node_stems(node)
            alternatives.append(_expand(node, key, synonyms) if key in keys else node)
        result.append(_one_of(alternatives))
        i += 1
    return result


def _drop_stop_words(nodes: list[Node]) -> list[Node]:
    """Leave out "the", "of", "and"... unless they are all there is, or part of a phrase."""

    def is_stop(node: Node) -> bool:
        return isinstance(node, Word) and node.forms.folded in STOP_WORDS

    kept = [n for n in nodes if not is_stop(n)]
    kept = [
        AllOf(tuple(i for i in n.items if not is_stop(i)) or n.items) if isinstance(n, AllOf) else n
        for n in kept
    ]
    return kept or nodes


def prepare_synonyms(groups) -> Synonyms:
    """Synonym groups of strings (from ``synonyms.txt``) → groups of :class:`Member`."""
    result = []
    for group in groups or ():
        members: dict[tuple[str, ...], Member] = {}
        for text in group:
            words = tuple(_pieces(str(text)))
            key = tuple(word_forms(w).stem for w in words)
            if key:
                members.setdefault(key, Member(words, key))
        if len(members) > 1:
            result.append(tuple(members.values()))
    return tuple(result)


SNIPPET_CHARS = 220
SNIPPET_LEAD = 50  # characters of context kept before the first marked word
Segments = tuple[tuple[str, bool], ...]


# --- marking matches and cutting snippets ----------------------------------------------------


class Marker:
    """Finds the words of a block that a query matched, and cuts a snippet around them."""

    def __init__(self, parsed: ParsedQuery) -> None:
        self.stems: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[str, ...]] = []
        for node in parsed.must:
            self._collect(node)

    def _collect(self, node: Node) -> None:
        if isinstance(node, Word):
            forms = node.forms
            self.stems.add(forms.stem)
            if node.prefix and len(forms.folded) >= MIN_PREFIX_CHARS:
                self.prefixes.extend(prefix_variants(forms.folded))
        elif isinstance(node, Phrase):
            stems = tuple(word_forms(w).stem for w in node.words)
            if len(stems) == 1:
                self.stems.add(stems[0])
            else:
                self.phrases.append(stems)
        else:
            for child in node.options if isinstance(node, AnyOf) else node.items:
                self._collect(child)

    def spans(self, text: str) -> list[tuple[int, int]]:
        tokens = list(iter_tokens(text))
        marked = [False] * len(tokens)
        prefixes = tuple(self.prefixes)
        for i, (_, _, forms) in enumerate(tokens):
            if forms.stem in self.stems or (prefixes and forms.norm.startswith(prefixes)):
                marked[i] = True
        if self.phrases:
            stem_list = [forms.stem for _, _, forms in tokens]
            for phrase in self.phrases:
                n = len(phrase)
                for i in range(len(tokens) - n + 1):
                    if tuple(stem_list[i : i + n]) == phrase:
                        marked[i : i + n] = [True] * n
        return [(s, e) for (s, e, _), m in zip(tokens, marked, strict=True) if m]

    def snippet(self, text: str) -> tuple[Segments, tuple[str, ...]]:
        spans = self.spans(text)
        terms = tuple({text[s:e].lower(): text[s:e] for s, e in reversed(spans)}.values())[::-1]
        start, end = _window(text, spans)
        segments: list[tuple[str, bool]] = []
        pos = start
        merged: list[list[int]] = []
        for s, e in spans:
            if s < start or e > end:
                continue
            if merged and not text[merged[-1][1] : s].strip():
                merged[-1][1] = e  # "open and honest" is one marked piece, not three
            else:
                merged.append([s, e])
        for s, e in merged:
            if s > pos:
                segments.append((text[pos:s], False))
            segments.append((text[s:e], True))
            pos = e
        if pos < end:
            segments.append((text[pos:end], False))
        if start > 0:
            segments.insert(0, ("…", False))
        if end < len(text):
            segments.append(("…", False))
        return tuple(segments), terms


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The stretch of text to show: the one holding the most different matched words."""
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    best_start, best_count = 0, -1
    for anchor, _ in spans[:50]:
        start = max(0, anchor - SNIPPET_LEAD)
        inside = {text[s:e].lower() for s, e in spans if s >= start and e <= start + SNIPPET_CHARS}
        if len(inside) > best_count:
            best_start, best_count = start, len(inside)
    start = best_start
    if start > 0:
        space = text.find(" ", start, start + SNIPPET_LEAD)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start + SNIPPET_CHARS // 2, end)
        end = space if space != -1 else end
    return start, end
