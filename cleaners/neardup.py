"""Near-duplicate documents across the corpus: MinHash signatures and LSH.

The corpus pass turns each document into a fixed-size MinHash signature of
its word shingles (`Signatures.from_text`); batches merge by taking the union
of their signatures, so memory per document is bounded (SIGNATURE_SIZE uint32
values, 512 bytes) whatever the document's length. `Signatures.clusters` finds
candidate pairs with LSH banding, checks each candidate on the signatures, and
groups documents around representatives: documents are visited in id order
and each joins the most similar earlier representative it matches, or becomes
one. Comparing with the representative only (not with any member) keeps a
chain of small changes from merging different articles into one cluster.

A shingle's hash combines the stable hashes of its words (blake2b, each
distinct word hashed once per process, not once per shingle), so the corpus
pass hashes words, not shingles, in Python and leaves the rest to numpy. The
permutations are multiply-shift (Dietzfelbinger et al. 1997), a universal
family that numpy evaluates for all of them at once. Everything is
deterministic, so cluster ids do not change from run to run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
from cleaners.names import split_at_words
from cleaners.patterns import WORD_RE

# Shingles of this many words. With about 10% of words changed, 3-word
# shingles of two copies still share Jaccard ~0.55, while two different
# articles share under 0.05 (bench/dedup.py); longer shingles lose the copies,
# single words find articles on the same topic.
SHINGLE_WORDS = 3
# Permutations per signature: the Jaccard estimate's standard error is
# sqrt(J(1-J)/128) <= 0.044, small next to the gap between copies and others.
SIGNATURE_SIZE = 128
# LSH banding: 42 bands of 3 rows. A pair with Jaccard 0.45 becomes a
# candidate with probability 1-(1-0.45^3)^42 = 0.98, one with 0.05 with 0.5%.
LSH_ROWS = 3
LSH_BANDS = SIGNATURE_SIZE // LSH_ROWS
# Estimated Jaccard at or above this makes a near duplicate: copies with ~10%
# of words changed score 0.45-0.7, different articles under 0.1.
NEAR_DUPLICATE_JACCARD = 0.35
# Lines shorter than this are left out of the signature: navigation, bylines
# and share buttons that one site repeats under every article.
MIN_LINE_WORDS = 8
# ... which takes at least this many characters (a character per word and one
# between each two), so shorter lines are passed over without looking for words.
MIN_LINE_CHARS = 2 * MIN_LINE_WORDS - 1
# A document with fewer shingles than this is too short to call a copy of
# anything (an empty page would match every other empty page).
MIN_SHINGLES = 20
# Each document in an LSH bucket is linked to the bucket's first this many
# documents only (id order), so a thousand copies of one page cost linear
# time; the representative is always among them, being the first.
MAX_BUCKET_LINKS = 32
# Fixed seed: the permutations, hence signatures and clusters, never change.
SEED = 20260923

_rng = np.random.default_rng(SEED)
# Multiply-shift: h(x) = (a*x + b) mod 2^64 >> 32, a odd.
_A = _rng.integers(1, 2**63, SIGNATURE_SIZE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, SIGNATURE_SIZE, dtype=np.uint64)
_EMPTY = np.full(SIGNATURE_SIZE, np.iinfo(np.uint32).max, dtype=np.uint32)
# A shingle's key: sum of its word hashes times these odd multipliers (mod
# 2^64), so the order of the words counts; drawn after _A and _B, which stay.
_SHINGLE_MULTIPLIERS = _rng.integers(1, 2**63, SHINGLE_WORDS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
# Line boundaries as str.splitlines knows them (tests/test_neardup_fast_paths.py checks every code point).
LINE_BREAK_RE = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# In an array of word hashes, this marks a line break (word hashes are odd).
_LINE_BREAK = 0
# The per-process table of part hashes is started afresh past this many
# entries (a few tens of MB): a news vocabulary's common words come back
# within a few documents, so the table keeps paying for itself.
MAX_CACHED_PARTS = 200_000


def shingles(text: str) -> set[bytes]:
    """The word shingles a document is compared by (lower-cased, long lines only).

    >>> sorted(shingles("One two three four five six seven eight.\\nMenu Home"))[:2]
    [b'five six seven', b'four five six']
    """
    out: set[bytes] = set()
    for line in text.splitlines():
        if len(line) < MIN_LINE_CHARS:
            continue
        words = WORD_RE.findall(line)
        if len(words) < MIN_LINE_WORDS:
            continue
        encoded = list(map(str.encode, map(str.lower, words)))
        # Each run of SHINGLE_WORDS neighbours, joined by spaces ("a b c" is
        # the encoding of the words joined, as UTF-8 encodes piece by piece).
        out.update(map(b" ".join, zip(*(encoded[k:] for k in range(SHINGLE_WORDS)))))
    return out


def word_hash(word: str) -> int:
    """A stable, odd 64-bit hash of a word, case ignored: 8 bytes of blake2b
    (stable across runs and platforms, unlike hash()), lowest bit set.

    >>> word_hash("Mayor") == word_hash("mayor"), word_hash("mayor") % 2
    (True, 1)
    """
    return int.from_bytes(hashlib.blake2b(word.lower().encode(), digest_size=8).digest(), "little") | 1


def shingle_keys(words: np.ndarray) -> np.ndarray:
    """One uint64 key per run of SHINGLE_WORDS neighbours in `words` (word
    hashes of one line or more, lines joined): the word hashes weighted and
    summed, then mixed by splitmix64's finaliser so that the keys of shingles
    sharing words are not linearly related before the permutations see them.
    Distinct shingles collide with probability about 2^-63.

    >>> keys = shingle_keys(np.array([word_hash(w) for w in "a b c a b".split()], dtype=np.uint64))
    >>> len(keys), bool(keys[0] == keys[-1])
    (3, False)
    """
    count = len(words) - SHINGLE_WORDS + 1
    x = np.zeros(max(count, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_WORDS):
            x += words[k : k + len(x)] * _SHINGLE_MULTIPLIERS[k]
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def packed_hashes(part: str) -> bytes:
    """A part of `split_at_words` as packed little-endian uint64 word hashes: a word as those
    of the WORD_RE words in it, a gap as one _LINE_BREAK or nothing (a gap
    holds no WORD_RE word: every letter, mark and digit is inside a word).

    >>> len(packed_hashes("Kassym-Jomart")), packed_hashes(".\\n"), packed_hashes(", ")
    (16, b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00', b'')
    """
    words = WORD_RE.findall(part)
    if words:
        return b"".join(word_hash(word).to_bytes(8, "little") for word in words)
    return _LINE_BREAK.to_bytes(8, "little") if LINE_BREAK_RE.search(part) else b""


class _PackedHashTable(dict):
    """Part -> `packed_hashes(part)`, filled on first use: each distinct part
    is hashed once per process, so Python touches a document's new parts only."""

    def __missing__(self, part: str) -> bytes:
        packed = self[part] = packed_hashes(part)
        return packed


_packed_hashes = _PackedHashTable()


def _word_hashes(parts: list[str]) -> np.ndarray:
    """The document's WORD_RE words as word hashes, line breaks as _LINE_BREAK."""
    global _packed_hashes
    table = _packed_hashes
    if len(table) > MAX_CACHED_PARTS:
        _packed_hashes = _PackedHashTable()  # rebound, not cleared: a call using the old one keeps it
    return np.frombuffer(b"".join(map(table.__getitem__, parts)), dtype="<u8")  # little-endian, as packed


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a document, or None when it is too short.

    >>> text = " ".join(f"word{i}" for i in range(30))
    >>> signature(text).shape, signature("Too short.") is None
    ((128,), True)
    """
    return signature_of_parts(split_at_words(text))


def signature_of_parts(parts: list[str]) -> np.ndarray | None:
    """`signature` of the document `split_at_words` gave `parts` for.

    The shingle keys are those of the shingles `shingles` lists: the same
    words (WORD_RE's, case ignored) of the same lines (at least MIN_LINE_WORDS
    words), each run of SHINGLE_WORDS neighbours in one line.
    """
    hashes = _word_hashes(parts)
    is_word = hashes != _LINE_BREAK
    line_of = np.cumsum(~is_word)[is_word]  # each word's line number
    words = hashes[is_word]
    long_line = np.bincount(line_of)[line_of] >= MIN_LINE_WORDS
    words, line_of = words[long_line], line_of[long_line]
    span = SHINGLE_WORDS - 1
    in_one_line = line_of[span:] == line_of[: len(line_of) - span]
    x = np.sort(shingle_keys(words)[in_one_line])
    # Each key once: the shingle set, as `shingles` gives it (x[:1] keeps an empty x empty).
    x = np.concatenate((x[:1], x[1:][x[1:] != x[:-1]]))
    if len(x) < MIN_SHINGLES:
        return None
    with np.errstate(over="ignore"):
        hashed = np.multiply.outer(x, _A)
        hashed += _B
    # The shift is monotone, so the minimum is taken before it, on one row.
    return (hashed.min(axis=0) >> np.uint64(32)).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two documents' shingle sets."""
    return float(np.count_nonzero(a == b)) / SIGNATURE_SIZE


@dataclass(frozen=True)
class Membership:
    """Where a document sits among near duplicates."""

    cluster: str  # "c0001", numbered by the representative's id order
    representative: str  # the cluster's first document by id
    similarity: float  # estimated Jaccard with the representative (1.0 for itself)


@dataclass
class Signatures:
    """Document id -> MinHash signature; merges by union (ids are unique)."""

    by_id: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_text(cls, doc_id: str | None, text: str) -> "Signatures":
        return cls.from_parts(doc_id, split_at_words(text)) if doc_id is not None else cls()

    @classmethod
    def from_parts(cls, doc_id: str | None, parts: list[str]) -> "Signatures":
        """`from_text` of the document `split_at_words` gave `parts` for."""
        sig = signature_of_parts(parts) if doc_id is not None else None
        return cls({doc_id: sig} if sig is not None else {})

    def merge(self, other: "Signatures") -> "Signatures":
        self.by_id.update(other.by_id)
        return self

    def clusters(self, threshold: float = NEAR_DUPLICATE_JACCARD) -> dict[str, Membership]:
        """Near-duplicate clusters of two or more documents, by document id.

        Documents in no cluster are absent.

        >>> text = " ".join(f"word{i}" for i in range(30))
        >>> sigs = Signatures().merge(Signatures.from_text("b", text)).merge(Signatures.from_text("a", text))
        >>> sigs.merge(Signatures.from_text("c", text.replace("word", "other")))
        Signatures(...)
        >>> sorted((k, m.cluster, m.representative) for k, m in sigs.clusters().items())
        [('a', 'c0001', 'a'), ('b', 'c0001', 'a')]
        """
        ids = sorted(self.by_id)
        if len(ids) < 2:
            return {}
        matrix = np.stack([self.by_id[i] for i in ids])
        candidates = _candidates(matrix)
        representative_of: dict[int, tuple[int, float]] = {}
        representatives: set[int] = set()
        for doc in range(len(ids)):  # id order: representatives come first
            best = None
            for other in sorted(candidates.get(doc, ())):
                if other < doc and other in representatives:
                    score = similarity(matrix[doc], matrix[other])
                    if score >= threshold and (best is None or score > best[1]):
                        best = (other, score)
            if best is None:
                representatives.add(doc)
            else:
                representative_of[doc] = best
        members: dict[int, list[tuple[int, float]]] = {}
        for doc, (rep, score) in representative_of.items():
            members.setdefault(rep, []).append((doc, score))
        out: dict[str, Membership] = {}
        for number, rep in enumerate(sorted(members), 1):
            name = f"c{number:04d}"
            out[ids[rep]] = Membership(name, ids[rep], 1.0)
            for doc, score in members[rep]:
                out[ids[doc]] = Membership(name, ids[rep], round(score, 3))
        return out

    def __repr__(self) -> str:
        return "Signatures(...)"


def _candidates(matrix: np.ndarray) -> dict[int, set[int]]:
    """Pairs of rows that share at least one LSH band, as row -> other rows.

    Each band's rows are hashed to one uint64 and sorted, so equal bands sit
    next to each other: time n log n per band, memory n per band. A row is
    linked to its bucket's head (first MAX_BUCKET_LINKS rows), the same for
    every row in the bucket; copies of one article share their buckets in
    most bands, so each distinct head is stored once and a row's candidates
    are the union of its distinct heads, not of one head per band.
    """
    head_number: dict[tuple[int, ...], int] = {}
    heads_of: dict[int, set[int]] = {}
    for band in range(LSH_BANDS):
        rows = matrix[:, band * LSH_ROWS : (band + 1) * LSH_ROWS].astype(np.uint64)
        key = np.zeros(len(matrix), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(LSH_ROWS):
                key = key * np.uint64(0x100000001B3) ^ rows[:, column]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        equal = np.concatenate(([0], (sorted_keys[1:] == sorted_keys[:-1]).astype(np.int8), [0]))
        edges = np.diff(equal)
        # A run of equal keys [start, end]: rows in id order (stable sort).
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            group = order[start : end + 1].tolist()
            head = head_number.setdefault(tuple(group[:MAX_BUCKET_LINKS]), len(head_number))
            for doc in group:
                heads_of.setdefault(doc, set()).add(head)
    heads = list(head_number)
    return {doc: set().union(*map(heads.__getitem__, numbers)) for doc, numbers in heads_of.items()}
