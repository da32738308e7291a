"""Boilerplate learned from the corpus: short lines that recur across documents.

CCNet's idea (Wenzek et al. 2019, section 3.3): a line that many documents of
a crawl share is a site's furniture (menu labels, sign-offs, footers), not
article text. In the corpus pass every document adds the keys of its short
lines to a `LineCounts`; counts of batches merge by addition. A line whose key
recurs in enough documents is deleted wherever it appears.

Real sentences recur too, when several outlets quote the same speech (the
seed corpus does), so only short or unpunctuated lines are ever counted.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from cleaners.patterns import MEMO_LINES, SENTENCE_END_RE, WORD_RE

RULE = "recurring-line"
REASON = "a short line that recurs in {documents} or more documents of the corpus (site furniture)"

# Lines longer than this are never learned. Furniture labels run one to six
# words (Share this, Most Popular, Related Stories); longer short lines are
# headlines and subheads, which copies of one story share, or quotations.
MAX_LEARNED_WORDS = 6
# A cheap bound first: twelve words of even 25 characters each.
MAX_LEARNED_CHARS = MAX_LEARNED_WORDS * 26
# ... and a line of at least this many words that ends like a sentence is a
# sentence (a quote shared by copies of one story), whatever its length.
MIN_SENTENCE_WORDS = 5
# A line is furniture when this many documents carry it. Three, not two: two
# copies of one story share their subheadings; three sites rarely share one
# unless it is a widget's label.
MIN_RECURRING_DOCS = 3
# Digits do not change a key ("Page 2 of 5" is one label).
DIGIT_RE = regex.compile(r"\d")
# WORD_RE's letters, marks and digits that are ASCII: most lines are ASCII,
# and the standard library lists these words in half the time.
ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def line_key(line: str) -> bytes | None:
    """A stable key for a short line, or None for a line that is never learned.
    Case, digits, punctuation and spacing do not change the key.

    >>> line_key("Share on Facebook") == line_key("SHARE  on facebook!")
    True
    >>> line_key("Putin said the talks were useful and would go on.") is None
    True
    """
    return None if len(line) > MAX_LEARNED_CHARS else _short_line_key(line)


# Keyed once per process (MEMO_LINES): furniture recurs across documents by
# definition, and so do blank lines and bullets; strip_boilerplate keys each
# short paragraph again.
@lru_cache(maxsize=MEMO_LINES)
def _short_line_key(line: str) -> bytes | None:
    lowered = line.lower()
    words = (ASCII_WORD_RE if lowered.isascii() else WORD_RE).findall(lowered)
    if not words or len(words) > MAX_LEARNED_WORDS:
        return None
    if len(words) >= MIN_SENTENCE_WORDS and SENTENCE_END_RE.search(line.rstrip()):
        return None
    normalized = DIGIT_RE.sub("0", " ".join(words))
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest()


@dataclass
class LineCounts:
    """In how many documents each short line occurs; merges by addition."""

    documents: Counter = field(default_factory=Counter)

    @classmethod
    def from_text(cls, text: str) -> "LineCounts":
        """The keys of a document's lines, each counted once.

        >>> LineCounts.from_text("Twitter\\n\\nTwitter\\n" + "A paragraph. " * 20).documents == {line_key("Twitter"): 1}
        True
        """
        # Each distinct line once (blank lines are half of all lines).
        keys = set(map(line_key, dict.fromkeys(text.splitlines())))
        keys.discard(None)
        return cls(Counter(keys))

    def merge(self, other: "LineCounts") -> "LineCounts":
        self.documents.update(other.documents)
        return self

    def recurring(self) -> frozenset[bytes]:
        """Keys of the lines that count as furniture.

        >>> counts = LineCounts()
        >>> for doc in ["News.\\nTwitter\\nA", "Other.\\nTwitter", "Third.\\nTwitter"]:
        ...     _ = counts.merge(LineCounts.from_text(doc))
        >>> counts.recurring() == {line_key("Twitter")}
        True
        """
        return frozenset(key for key, count in self.documents.items() if count >= MIN_RECURRING_DOCS)
