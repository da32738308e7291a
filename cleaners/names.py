"""Corpus-consensus spelling of names.

In the corpus pass every document adds the capitalized words it uses inside
sentences (names, mostly) to a `NameLexicon`: in how many documents each
spelling occurs and which words stand next to it. Lexicons of batches merge by
addition (and union). `repair_names` then replaces a spelling that only one document uses
when another spelling, one letter away, is used by several documents next to
the same words: "Kassym-Jomart Togayev" in one copy of a story, "Kassym-Jomart
Tokayev" in the others.

Candidates are found SymSpell-style: every frequent spelling is indexed under
its one-letter deletions, so a rare spelling looks up only its own deletions
and never compares itself with the whole lexicon.

Both passes read every document, so they are written to keep Python off the
many lower-case words: a document is split into words once, by one regex, and
only its capitalized words are looked at one by one. `repair_names` first
reads the capitalized words inside sentences alone (one regex that skips
everything else) and splits the document into words only when one of them
may be a misspelling.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import regex
from rapidfuzz.distance import OSA

from cleaners.edits import Edit
from cleaners.patterns import WORD_CHAR_CLASS, bmp_class, words_all_in_bmp

STEP = "repair_garbles"
RULE = "consensus-name"

# Hyphen and apostrophe parts belong to a word (Kassym-Jomart, O’Brien), a
# possessive or contracted ’s does not (China’s is China).
JOINED_PART = r"(?:-|[’'](?!s(?![\p{L}\p{M}])))[\p{L}\p{M}\p{N}]+"
WORD_RE = regex.compile(rf"{WORD_CHAR_CLASS}+(?:{JOINED_PART})*")
LETTER_OR_MARK_CLASS = r"[\p{L}\p{M}]"
# The same words with the text between them: split() gives gap, word, gap,
# word, ..., gap, every character of the text in order.
WORD_SPLIT_RE = regex.compile(f"({WORD_RE.pattern})")
# Every corpus document is split into words, twice as fast with `re`:
# WORD_SPLIT_RE's pattern with its classes spelled out for the BMP
# (cleaners.patterns.bmp_class) and its quantifiers possessive (`++`, `*+`),
# which `re` runs without keeping backtracking points: none is ever used,
# since a run of word characters is followed by a joiner or the end of the
# pattern, and the end always matches.
_FAST_WORD_SPLIT_RE = re.compile(
    WORD_SPLIT_RE.pattern.replace(WORD_CHAR_CLASS + "+", bmp_class(WORD_CHAR_CLASS) + "++")
    .replace(LETTER_OR_MARK_CLASS, bmp_class(LETTER_OR_MARK_CLASS))
    .replace(")*)", ")*+)")
)
assert r"\p" not in _FAST_WORD_SPLIT_RE.pattern and _FAST_WORD_SPLIT_RE.pattern.count("]++") == 2, (
    "WORD_SPLIT_RE changed: spell its new pattern out for _FAST_WORD_SPLIT_RE"
)


def split_at_words(text: str) -> list[str]:
    """`WORD_SPLIT_RE.split(text)`: gap, word, gap, ..., gap.

    >>> split_at_words("Kassym-Jomart met O’Brien in China’s capital.")
    ['', 'Kassym-Jomart', ' ', 'met', ' ', 'O’Brien', ' ', 'in', ' ', 'China', '’', 's', ' ', 'capital', '.']
    """
    if words_all_in_bmp(text):
        return _FAST_WORD_SPLIT_RE.split(text)
    return WORD_SPLIT_RE.split(text)


# A capital after these (or at a paragraph start) may just start a sentence,
# so such words are not counted as names.
SENTENCE_OPENERS = frozenset(".!?:;\"“”‘’([—–-")
# A capitalized word inside a sentence: a word (no letter, mark or digit
# before it) starting with an upper-case letter, after spaces or tabs and a
# character that is no sentence opener. This finds every name `_names_in`
# finds, whole, without reading the words between: every character Python
# calls upper-case has the Uppercase property here (tests/test_garbles_speed.py
# checks them all), and reading back over spaces and tabs alone stops at the
# character `_starts_sentence` looks at, or at other white space before it,
# which is no opener either. It finds some more: parts of words (Jomart in
# Kassym-Jomart) and words after such white space; callers check what it finds.
NAME_CANDIDATE_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\p{{N}}])(?<=[^{''.join(sorted(map(regex.escape, SENTENCE_OPENERS)))} \t\n][ \t]*)"
    rf"(?=\p{{Uppercase}}){WORD_RE.pattern}"
)

# Names shorter than this are never repaired: Xi/Li, Kyiv/Kiev are different
# names one letter apart, and short names have too many neighbours.
MIN_NAME_CHARS = 5
# A spelling is a suspected misspelling only if at most this many documents use it.
MAX_VARIANT_DOCS = 1
# A misspelling is a slip: a document that writes a spelling more often than
# this follows a house style (Reuters writes Zelenskiy where others write
# Zelensky, even when it quotes someone who writes Zelensky), left alone.
MAX_VARIANT_USES = 1
# ... and the consensus spelling must be used by at least this many documents.
MIN_CONSENSUS_DOCS = 2
# Neighbours that say nothing about which name is meant.
STOPWORDS = frozenset(
    "a an and are as at be but by for from had has have he her his in is it its of on or she that the their "
    "they this to was were which who will with said says told".split()
)


@dataclass
class NameLexicon:
    """Spellings of capitalized words across the corpus; merges by addition
    (of document counts) and union (of neighbours)."""

    documents: Counter = field(default_factory=Counter)  # spelling -> documents using it
    # spelling -> the words next to it in some document (which, not how often:
    # the repair asks only whether two spellings share a neighbour)
    neighbours: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> "NameLexicon":
        """The lexicon of one document.

        >>> lexicon = NameLexicon.from_text("He met Xi and President Kassym-Jomart Tokayev today.")
        >>> sorted(lexicon.documents)
        ['Kassym-Jomart', 'President', 'Tokayev']
        >>> sorted(lexicon.neighbours["Tokayev"])
        ['Kassym-Jomart', 'Kassym-Jomart today', 'today']
        """
        return cls.from_parts(split_at_words(text))

    @classmethod
    def from_parts(cls, parts: list[str]) -> "NameLexicon":
        """`from_text` of the text WORD_SPLIT_RE split into `parts` (the
        corpus pass splits each document once for all its statistics).

        Only names of MIN_NAME_CHARS or more are counted: the repair asks the
        lexicon about no other, as a variant or as a consensus spelling. In
        the 40 MB benchmark corpus, 39% of the capitalized words are shorter
        (0.49 of 1.27 million), and leaving them out saves their neighbours'
        sets here and in every merge."""
        names = _names_among(parts[1::2], parts[0:-1:2], MIN_NAME_CHARS)
        return cls(Counter(names.keys()), names)

    def merge(self, other: "NameLexicon") -> "NameLexicon":
        """Add another lexicon's counts and neighbours to this one (in place)
        and return it."""
        self.documents.update(other.documents)
        for name, words in other.neighbours.items():
            mine = self.neighbours.get(name)
            if mine is None:
                self.neighbours[name] = set(words)  # a copy: later merges must not change `other`
            else:
                mine |= words
        return self

    def consensus_index(self) -> dict[str, list[str]]:
        """Frequent spellings by their one-letter deletions (and themselves),
        each list in sorted order: the same index whatever order the
        lexicons were merged in (the corpus pass merges batches as they
        finish).

        >>> lexicon = NameLexicon(Counter({"Tokayev": 2, "Tokaev": 3, "Togayev": 1}))
        >>> lexicon.consensus_index()["Tokaev"]
        ['Tokaev', 'Tokayev']
        """
        frequent = sorted(name for name, count in self.documents.items()
                          if count >= MIN_CONSENSUS_DOCS and len(name) >= MIN_NAME_CHARS)
        index: dict[str, list[str]] = {}
        for name in frequent:
            for key in _deletions(name):
                index.setdefault(key, []).append(name)
        return index


def repair_names(text: str, lexicon: NameLexicon, index: dict[str, list[str]]) -> list[Edit]:
    """Edits that replace rare misspellings of names the corpus agrees on.

    >>> lexicon = NameLexicon()
    >>> for doc in ["Kassym-Jomart Tokayev met Xi.", "Xi met Kassym-Jomart Tokayev.", "Kassym-Jomart Togayev met Xi."]:
    ...     _ = lexicon.merge(NameLexicon.from_text(doc))
    >>> [(e.before, e.after) for e in repair_names("Kassym-Jomart Togayev met Xi.", lexicon, lexicon.consensus_index())]
    [('Togayev', 'Tokayev')]
    """
    candidates = _rare_spellings(text, lexicon, index)
    if not candidates:  # most documents: no rare spelling near a frequent one
        return []
    words, gaps = _words_and_gaps(text)
    # Used more often: a house style (Zelenskiy), not a slip; never: a part of a word.
    suspects = {w for w in candidates if 0 < words.count(w) <= MAX_VARIANT_USES}
    fixes = {}
    for variant, neighbours in _names_at(words, gaps, [i for i, w in enumerate(words) if w in suspects]).items():
        fix = _consensus_spelling(variant, candidates[variant], neighbours, lexicon)
        if fix is not None:
            fixes[variant] = fix
    edits = []
    if fixes:
        for match in WORD_RE.finditer(text):
            if match.group() in fixes:
                target, evidence = fixes[match.group()]
                edits.append(Edit(STEP, RULE, match.start(), match.end(), match.group(), target, evidence))
    return edits


def _rare_spellings(text: str, lexicon: NameLexicon, index: dict[str, list[str]]) -> dict[str, set[str]]:
    """Capitalized words inside sentences of `text` that at most
    MAX_VARIANT_DOCS documents use, each with the frequent spellings it may
    misspell.

    Reads only such words (NAME_CANDIDATE_RE), so it may also return a part of
    a word or a word used more than once; the caller counts.
    """
    found = {}
    for word in set(NAME_CANDIDATE_RE.findall(text)):
        if len(word) >= MIN_NAME_CHARS and lexicon.documents.get(word, 0) <= MAX_VARIANT_DOCS and _is_name(word):
            if near := {c for c in _spellings_near(word, index) if _may_misspell(word, c)}:
                found[word] = near
    return found


def _may_misspell(variant: str, candidate: str) -> bool:
    """Whether `variant` can be a slip for `candidate`: one edit apart, and
    not a plural, possessive, longer name or a spelling convention."""
    if candidate.startswith(variant) or variant.startswith(candidate):
        return False
    return OSA.distance(variant, candidate) == 1 and not _same_up_to_convention(variant, candidate)


def _consensus_spelling(variant, candidates, neighbours, lexicon) -> tuple[str, str] | None:
    """The one candidate spelling (each one `variant` may misspell) the
    evidence supports, with that evidence."""
    found = []
    for candidate in candidates:
        shared = sorted(
            w for w in neighbours & lexicon.neighbours.get(candidate, set()) if " " in w or w.lower() not in STOPWORDS
        )
        if shared:
            found.append((candidate, shared))
    if len(found) != 1:
        return None  # none, or no single consensus
    candidate, shared = found[0]
    evidence = (
        f"rare spelling {variant!r} ({lexicon.documents[variant]} document) where "
        f"{lexicon.documents[candidate]} documents write {candidate!r}, also next to {', '.join(map(repr, shared[:3]))}"
    )
    return candidate, evidence


def _spellings_near(variant: str, index: dict[str, list[str]]) -> set[str]:
    """Frequent spellings that share a one-deletion key with `variant`."""
    return {c for key in _deletions(variant) for c in index.get(key, ())} - {variant}


def _names_in(text: str) -> dict[str, set[str]]:
    """Names used inside sentences, each with the words next to it."""
    return _names_among(*_words_and_gaps(text))


def _names_among(words: list[str], gaps: list[str], min_chars: int = 1) -> dict[str, set[str]]:
    """`_names_in` of the text `_words_and_gaps` split into `words` and
    `gaps`, names of MIN_CHARS or more only."""
    # A cheap first cut, then the full test.
    capitalized = [i for i, word in enumerate(words) if word[0].isupper() and len(word) >= min_chars]
    return _names_at(words, gaps, [i for i in capitalized if _is_name(words[i])])


def _words_and_gaps(text: str) -> tuple[list[str], list[str]]:
    """The words of `text` (WORD_RE's) and the text before each word, back to
    the word before it.

    >>> _words_and_gaps("He met Xi.\\nThen")
    (['He', 'met', 'Xi', 'Then'], ['', ' ', ' ', '.\\n'])
    """
    parts = split_at_words(text)
    return parts[1::2], parts[0:-1:2]


def _names_at(words: list[str], gaps: list[str], positions: list[int]) -> dict[str, set[str]]:
    """The names (`_is_name`) at `positions` in `words` that do not open a
    sentence, each with the words next to it in its paragraph (a gap with a
    line break in it ends a paragraph)."""
    names: dict[str, set[str]] = {}
    last = len(words) - 1
    for i in positions:
        gap = gaps[i]
        if gap == " " and i > 0:  # two names in three (a 40 MB corpus): no sentence starts, no paragraph ends
            before = words[i - 1]
        elif _starts_sentence(gap, i == 0):
            continue
        else:
            before = words[i - 1] if i > 0 and "\n" not in gap else None
        after = words[i + 1] if i < last and "\n" not in gaps[i + 1] else None
        context = names.get(words[i])
        if context is None:
            context = names[words[i]] = set()
        if before:
            context.add(before)
        if after:
            context.add(after)
        if before and after:  # both neighbours together: evidence even when both are common words
            context.add(f"{before} {after}")
    return names


def _is_name(word: str) -> bool:
    """Capitalized, with a lower-case letter somewhere (so not an acronym).

    >>> _is_name("O’Brien"), _is_name("NATO"), _is_name("the")
    (True, False, False)
    """
    return word[0].isupper() and any(map(str.islower, word))


def _same_up_to_convention(a: str, b: str) -> bool:
    """Whether two spellings differ only by a spelling convention: British and
    American (Organisation/Organization, Labour/Labor), or punctuation.

    >>> _same_up_to_convention("Organisation", "Organization"), _same_up_to_convention("Togayev", "Tokayev")
    (True, False)
    """
    def key(word: str) -> str:
        return regex.sub(r"[^\p{L}\p{N}]", "", word.lower()).replace("our", "or").replace("s", "z")

    return key(a) == key(b)


def _starts_sentence(gap: str, opens_text: bool) -> bool:
    """Whether a word opens its paragraph or a sentence, from the text between
    it and the word before (`opens_text`: there is no word before).

    >>> _starts_sentence(". ", False), _starts_sentence(" ", False), _starts_sentence(" (", False)
    (True, False, True)
    >>> _starts_sentence("\\n", False), _starts_sentence("", True), _starts_sentence("* ", True)
    (True, True, False)
    """
    _, newline, line = gap.rpartition("\n")  # only the part in the word's own paragraph
    mark = line.rstrip()[-1:]
    if mark:
        return mark in SENTENCE_OPENERS
    return opens_text or bool(newline)  # nothing before it in its paragraph; else a word (never an opener)


def _deletions(word: str) -> set[str]:
    """The word and every string one deletion away (SymSpell's index key).

    >>> sorted(_deletions("abc"))
    ['ab', 'abc', 'ac', 'bc']
    """
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
