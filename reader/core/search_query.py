"""The query language: what a clinician types or pastes, read into a small query tree.

A forgiving parser (AND by default, OR, NOT, "phrases", an as-you-type prefix, synonyms) and the
paragraph reference detector ("para 85", "85(b)"). Nothing here raises on odd input: problems
come back as short hints. How single words are read (tokens, spellings, stems) lives in
:mod:`reader.core.search_words`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reader.core.search_words import WordForms, split_words, word_forms

# --- limits -------------------------------------------------------------------------------

#: A pasted page is cut to this many characters (at a word boundary) before parsing.
MAX_QUERY_CHARS = 300
#: And to this many words: more would only slow the search without narrowing it further.
MAX_QUERY_WORDS = 24
#: The as-you-type prefix needs this many characters; one letter would match half the index.
MIN_PREFIX_CHARS = 2

# Common words dropped from unquoted queries (never from the index, so phrases still work).
# fmt: off
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "this", "that", "to", "was", "were", "with",
))
# fmt: on


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
            words = split_words(inner)
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
            words = split_words(body.replace("*", " ").replace("?", " "))
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
            words = tuple(split_words(str(text)))
            key = tuple(word_forms(w).stem for w in words)
            if key:
                members.setdefault(key, Member(words, key))
        if len(members) > 1:
            result.append(tuple(members.values()))
    return tuple(result)
