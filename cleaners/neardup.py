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

Hashing is multiply-shift (Dietzfelbinger et al. 1997), a universal family
that numpy evaluates for all permutations at once; it is deterministic, so
cluster ids do not change from run to run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
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


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a document, or None when it is too short.

    >>> text = " ".join(f"word{i}" for i in range(30))
    >>> signature(text).shape, signature("Too short.") is None
    ((128,), True)
    """
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # 8 bytes of blake2b per shingle: stable across runs and platforms (unlike hash()).
    x = np.frombuffer(b"".join(hashlib.blake2b(g, digest_size=8).digest() for g in grams), dtype=np.uint64)
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
        sig = signature(text) if doc_id is not None else None
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
    next to each other: time n log n per band, memory n per band.
    """
    out: dict[int, set[int]] = {}
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
            for doc in group:
                out.setdefault(doc, set()).update(group[:MAX_BUCKET_LINKS])
    return out
