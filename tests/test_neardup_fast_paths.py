"""Shingles and signatures come out as the plain, one-shingle-at-a-time code
gives them (signatures are compared across runs, so they must never change)."""

import unicodedata

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.neardup import (
    _A,
    _B,
    LINE_BREAK_RE,
    MIN_LINE_WORDS,
    MIN_SHINGLES,
    SHINGLE_WORDS,
    shingle_keys,
    shingles,
    signature,
    word_hash,
)
from cleaners.patterns import WORD_RE

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Short words, separators of every kind (line breaks splitlines knows, marks,
# punctuation) and letters whose lower case is longer or depends on context.
PIECES = st.sampled_from(["a", "B", "cd", "ΟΔΟΣ", "İ", "e\u0301", "7", " ", "  ", ", ", "-", "\n", "\r\n", "\u2028", "\x85", "’"])
TEXTS = st.lists(PIECES, max_size=120).map("".join)


def plain_shingles(text: str) -> set[bytes]:
    out = set()
    for line in text.splitlines():
        words = [w.lower() for w in WORD_RE.findall(line)]
        if len(words) < MIN_LINE_WORDS:
            continue
        out.update(" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1))
    return out


def plain_signature(text: str) -> np.ndarray | None:
    grams = plain_shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # One shingle at a time: its words' hashes, keyed as one run of words.
    x = np.array(
        [shingle_keys(np.array([word_hash(w.decode()) for w in g.split(b" ")], dtype=np.uint64))[0] for g in grams],
        dtype=np.uint64,
    )
    with np.errstate(over="ignore"):
        hashed = (x[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype(np.uint32)


@FAST
@given(TEXTS)
def test_shingles_are_those_of_the_plain_code(text):
    assert shingles(text) == plain_shingles(text)


LINES = st.lists(st.sampled_from(["river", "Rose", "ΟΔΟΣ", "mayor", "said", "2024", "é", "the"]), max_size=40).map(" ".join)


@FAST
@given(st.lists(LINES, max_size=8).map("\n".join))
def test_signatures_are_those_of_the_plain_code(text):
    fast, plain = signature(text), plain_signature(text)
    assert (fast is None and plain is None) or fast.tobytes() == plain.tobytes()


def test_line_breaks_are_those_of_splitlines():
    for code in range(0x110000):
        c = chr(code)
        if unicodedata.category(c) != "Cs":
            assert (len(f"a{c}b".splitlines()) == 2) == bool(LINE_BREAK_RE.search(c)), hex(code)


def test_signatures_ignore_case_and_split_words_as_word_re_does():
    text = " ".join(f"Kassym-Jomart word{i} O’Brien’s" for i in range(12))
    assert signature(text).tobytes() == plain_signature(text).tobytes() == signature(text.lower()).tobytes()


JOINED_LINES = st.lists(
    st.sampled_from(["Kassym-Jomart", "O’Brien’s", "rock'n'roll", "ΟΔΟΣ", "İ", "e\u0301", "2024", "said", "the"]), max_size=40
).map(" ".join)
BREAKS = st.sampled_from(["\n", "\r\n", "\u2028", "\x85", "\x1c", ". \n\n"])


@FAST
@given(st.lists(st.tuples(JOINED_LINES, BREAKS), max_size=8).map(lambda pairs: "".join(a + b for a, b in pairs)))
def test_signatures_of_joined_words_and_any_line_break_are_those_of_the_plain_code(text):
    fast, plain = signature(text), plain_signature(text)
    assert (fast is None and plain is None) or fast.tobytes() == plain.tobytes()
