"""Patterns more than one cleaner needs, defined once (ftfy keeps its tables
in one data module the same way). A pattern one module needs stays there.
"""

import re

import regex

# A word character: a letter, combining mark or digit, in any script.
WORD_CHAR_CLASS = r"[\p{L}\p{M}\p{N}]"
# A word: a run of them.
WORD_RE = regex.compile(WORD_CHAR_CLASS + "+")
# Short lines recur across documents: a site's furniture (menus, labels,
# share prompts) is the same line on every page, and syndicated copies repeat
# whole paragraphs. What a short line's text alone decides is worked out once
# per process and kept for this many distinct lines, in each memo (an
# lru_cache) that says so. Each memo bounds its lines' length too; at 200 to
# 300 characters that is at most 50-80 MB in 4-byte characters, and a few MB
# for real furniture (~40 characters).
MEMO_LINES = 1 << 16
# Text that ends like a sentence: a full stop, question or exclamation mark
# or ellipsis (Latin or CJK), then any closing quotes or brackets.
SENTENCE_END_RE = regex.compile(r"[.!?。！？…][\"”’»)\]]*$")

# The standard library's `re` scans about twice as fast as `regex` but knows
# no Unicode properties. Below this code point (the Basic Multilingual Plane:
# every alphabet, CJK, and the punctuation of news text) a `regex` class can
# be spelled out as the ranges `regex` itself matches (`bmp_class`), so that
# on a text with no word character beyond it an `re` pattern finds what the
# `regex` one does. Spelled out from `regex`'s own tables at import (about
# 10 ms), it follows that library's Unicode version.
BMP_END = 0x10000
# Any character beyond the BMP; then (the costlier test, for the few texts
# that have one, mostly emoji) a word character beyond it.
BEYOND_BMP_RE = regex.compile(f"[{chr(BMP_END)}-\\U0010ffff]")
WORD_CHAR_BEYOND_BMP_RE = regex.compile(f"[{WORD_CHAR_CLASS}&&{BEYOND_BMP_RE.pattern}]", regex.V1)


def bmp_class(char_class: str) -> str:
    """The characters below BMP_END that the `regex` class `char_class`
    matches, as an `re` class.

    >>> digits = re.compile(bmp_class(r"[\\p{N}]") + "+")
    >>> digits.fullmatch("2²٣½") is not None, digits.search("a.b") is None
    (True, True)
    """
    below = "".join(map(chr, range(BMP_END)))
    runs = (m.group() for m in regex.finditer(f"{char_class}+", below))
    return "[" + "".join(re.escape(r[0]) + (f"-{re.escape(r[-1])}" if len(r) > 1 else "") for r in runs) + "]"


def words_all_in_bmp(text: str) -> bool:
    """Whether every word character of TEXT is below BMP_END, where `re`
    patterns built with `bmp_class` match as their `regex` originals.

    >>> words_all_in_bmp("Río 🙂"), words_all_in_bmp("𝐀lgebra")
    (True, False)
    """
    return BEYOND_BMP_RE.search(text) is None or WORD_CHAR_BEYOND_BMP_RE.search(text) is None
