"""Corpus-consensus spelling of names.

In the corpus pass every document adds the capitalized words it uses inside
sentences (names, mostly) to a `NameLexicon`: in how many documents each
spelling occurs and which words stand next to it. Lexicons of batches merge by
addition. `repair_names` then replaces a spelling that only one document uses
when another spelling, one letter away, is used by several documents next to
the same words: "Kassym-Jomart Togayev" in one copy of a story, "Kassym-Jomart
Tokayev" in the others.

Candidates are found SymSpell-style: every frequent spelling is indexed under
its one-letter deletions, so a rare spelling looks up only its own deletions
and never compares itself with the whole lexicon.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex
from rapidfuzz.distance import OSA

from cleaners.edits import Edit

STEP = "repair_garbles"
RULE = "consensus-name"

# Hyphen and apostrophe parts belong to a word (Kassym-Jomart, O’Brien), a
# possessive or contracted ’s does not (China’s is China).
JOINED_PART = r"(?:-|[’'](?!s(?![\p{L}\p{M}])))[\p{L}\p{M}\p{N}]+"
WORD_RE = regex.compile(rf"[\p{{L}}\p{{M}}\p{{N}}]+(?:{JOINED_PART})*")

# A capital after these (or at a paragraph start) may just start a sentence,
# so such words are not counted as names.
SENTENCE_OPENERS = frozenset(".!?:;\"“”‘’([—–-")

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
    """Spellings of capitalized words across the corpus; merges by addition."""

    documents: Counter = field(default_factory=Counter)  # spelling -> documents using it
    neighbours: dict[str, Counter] = field(default_factory=dict)  # spelling -> word -> documents

    @classmethod
    def from_text(cls, text: str) -> "NameLexicon":
        """The lexicon of one document.

        >>> lexicon = NameLexicon.from_text("He met President Kassym-Jomart Tokayev today.")
        >>> sorted(lexicon.documents)
        ['Kassym-Jomart', 'President', 'Tokayev']
        >>> sorted(lexicon.neighbours["Tokayev"])
        ['Kassym-Jomart', 'Kassym-Jomart today', 'today']
        """
        lexicon = cls()
        for name, context in _names_in(text).items():
            lexicon.documents[name] += 1
            lexicon.neighbours[name] = Counter(context)
        return lexicon

    def merge(self, other: "NameLexicon") -> "NameLexicon":
        """Add another lexicon's counts to this one (in place) and return it."""
        self.documents.update(other.documents)
        for name, words in other.neighbours.items():
            self.neighbours.setdefault(name, Counter()).update(words)
        return self

    def consensus_index(self) -> dict[str, list[str]]:
        """Frequent spellings by their one-letter deletions (and themselves)."""
        index: dict[str, list[str]] = {}
        for name, count in self.documents.items():
            if count >= MIN_CONSENSUS_DOCS and len(name) >= MIN_NAME_CHARS:
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
    suspects = {}  # rare spelling -> frequent spellings one letter away
    for word, uses in Counter(WORD_RE.findall(text)).items():
        if uses > MAX_VARIANT_USES:  # used more often: a house style (Zelenskiy), not a slip
            continue
        if len(word) >= MIN_NAME_CHARS and lexicon.documents[word] <= MAX_VARIANT_DOCS and _is_name(word):
            if near := _spellings_near(word, index):
                suspects[word] = near
    if not suspects:  # most documents: no rare spelling near a frequent one
        return []
    fixes = {}
    for variant, neighbours in _names_in(text).items():
        if variant not in suspects:
            continue
        fix = _consensus_spelling(variant, suspects[variant], set(neighbours), lexicon)
        if fix is not None:
            fixes[variant] = fix
    edits = []
    for match in WORD_RE.finditer(text):
        if match.group() in fixes:
            target, evidence = fixes[match.group()]
            edits.append(Edit(STEP, RULE, match.start(), match.end(), match.group(), target, evidence))
    return edits


def _consensus_spelling(variant, candidates, neighbours, lexicon) -> tuple[str, str] | None:
    """The one candidate spelling the evidence supports, with that evidence."""
    found = []
    for candidate in candidates:
        if candidate.startswith(variant) or variant.startswith(candidate):
            continue  # plural, possessive or a longer name, not a misspelling
        if OSA.distance(variant, candidate) != 1 or _same_up_to_convention(variant, candidate):
            continue
        shared = sorted(
            w for w in neighbours & set(lexicon.neighbours.get(candidate, ())) if " " in w or w.lower() not in STOPWORDS
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
    names: dict[str, set[str]] = {}
    for paragraph in text.split("\n"):
        words = list(WORD_RE.finditer(paragraph))
        for i, word in enumerate(words):
            name = word.group()
            if not _is_name(name) or _starts_sentence(paragraph, word.start()):
                continue
            context = names.setdefault(name, set())
            before = words[i - 1].group() if i > 0 else None
            after = words[i + 1].group() if i + 1 < len(words) else None
            context.update(w for w in (before, after) if w)
            if before and after:  # both neighbours together: evidence even when both are common words
                context.add(f"{before} {after}")
    return names


def _is_name(word: str) -> bool:
    """Capitalized, with a lower-case letter somewhere (so not an acronym).

    >>> _is_name("O’Brien"), _is_name("NATO"), _is_name("the")
    (True, False, False)
    """
    return word[0].isupper() and any(c.islower() for c in word)


def _same_up_to_convention(a: str, b: str) -> bool:
    """Whether two spellings differ only by a spelling convention: British and
    American (Organisation/Organization, Labour/Labor), or punctuation.

    >>> _same_up_to_convention("Organisation", "Organization"), _same_up_to_convention("Togayev", "Tokayev")
    (True, False)
    """
    def key(word: str) -> str:
        return regex.sub(r"[^\p{L}\p{N}]", "", word.lower()).replace("our", "or").replace("s", "z")

    return key(a) == key(b)


def _starts_sentence(paragraph: str, start: int) -> bool:
    """Whether the word at `start` opens the paragraph or a sentence.

    >>> _starts_sentence("Yes. Then", 5), _starts_sentence("and Then", 4)
    (True, False)
    """
    i = start - 1
    while i >= 0 and paragraph[i].isspace():
        i -= 1
    return i < 0 or paragraph[i] in SENTENCE_OPENERS


def _deletions(word: str) -> set[str]:
    """The word and every string one deletion away (SymSpell's index key).

    >>> sorted(_deletions("abc"))
    ['ab', 'abc', 'ac', 'bc']
    """
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
