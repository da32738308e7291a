"""The corpus pass's shortcuts give what the plain code they replace gives:
the word split with `re`, the line counts and the shared bucket heads of the
LSH candidates."""

import numpy as np
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.names import WORD_SPLIT_RE, split_at_words
from cleaners.patterns import BMP_END, WORD_CHAR_BEYOND_BMP_RE, WORD_CHAR_CLASS
from cleaners.neardup import LSH_BANDS, LSH_ROWS, MAX_BUCKET_LINKS, SIGNATURE_SIZE, _candidates
from cleaners.recurring import LineCounts, line_key

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Words and joiners of several scripts, marks, digits, letters beyond the
# Basic Multilingual Plane (which send a text to `regex`), possessives.
PIECES = st.sampled_from(
    ["Kassym-Jomart", "Tokayev", "met", "the", "O’Brien’s", "rock'n'roll", "ΟΔΟΣ", "Путин", "İ", "e\u0301", "7", "²",
     "東京", "𝐀", "😀", "’s", "'s", "-", "’", " ", ", ", ". ", "\n", "\r\n", "\u2028", "\t"]
)
TEXTS = st.lists(PIECES, max_size=200).map("".join)


@FAST
@given(TEXTS)
def test_the_word_split_is_that_of_word_split_re(text):
    assert split_at_words(text) == WORD_SPLIT_RE.split(text)


def test_every_character_of_the_plane_splits_as_with_regex():
    # Each character as a word character, after a joiner, and after a possessive ’s.
    for code in range(BMP_END):
        c = chr(code)
        for text in (f"a{c}b", f"a-{c}", f"a’s{c}", f"a's{c}b"):
            assert split_at_words(text) == WORD_SPLIT_RE.split(text), hex(code)


def test_word_characters_beyond_the_plane_send_the_text_to_regex():
    beyond = [chr(c) for c in range(BMP_END, 0x110000, 7)]  # a sample of every block beyond
    assert any(regex.match(WORD_CHAR_CLASS, c) for c in beyond) and not all(regex.match(WORD_CHAR_CLASS, c) for c in beyond)
    for c in beyond:
        is_word_char = bool(regex.match(WORD_CHAR_CLASS, c))
        assert bool(WORD_CHAR_BEYOND_BMP_RE.search(f"a {c}")) == is_word_char, hex(ord(c))
        for text in (f"a{c}b", f"a-{c}", f"a’s{c}"):
            assert split_at_words(text) == WORD_SPLIT_RE.split(text), hex(ord(c))


LINES = st.lists(st.sampled_from(["Share", "on", "Facebook", "Twitter", "ΟΔΟΣ", "2024", "A sentence ends here.", "x" * 160,
                                  "  ", "!"]), max_size=8).map(" ".join)


@FAST
@given(st.lists(LINES, max_size=12).map("\n".join))
def test_line_counts_count_each_keyed_line_once(text):
    plain = {line_key(line) for line in text.splitlines()} - {None}
    assert LineCounts.from_text(text).documents == dict.fromkeys(plain, 1)


def plain_candidates(matrix):
    """`_candidates` as it was: each row's bucket head added once per band."""
    out = {}
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
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            group = order[start : end + 1].tolist()
            for doc in group:
                out.setdefault(doc, set()).update(group[:MAX_BUCKET_LINKS])
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(2, 90), st.integers(1, 4))
def test_candidates_are_those_of_one_head_per_band(seed, documents, values):
    # Few distinct values per column, so buckets are shared across bands and
    # some hold more than MAX_BUCKET_LINKS rows.
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, values, (documents, SIGNATURE_SIZE)).astype(np.uint32)
    assert _candidates(matrix) == plain_candidates(matrix)
