"""The fast paths of dedupe_paragraphs give what the plain comparisons give.

Each fast path (token strings instead of word tuples, one rapidfuzz call
before the one-by-one comparisons, one search before the containment check,
lower-casing whole sentences, sentence boundaries matched rather than looked
behind for, sentence counts made only when asked, no sort when no paragraph
goes) is checked here against the straightforward code it replaces, on
documents made to repeat paragraphs, sentences and runs of words with small
changes.
"""

from collections import Counter

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from cleaners import repeats
from cleaners.patterns import WORD_RE
from cleaners.repeats import (
    MAX_CONTAINED_WORDS,
    MIN_CONTAINED_WORDS,
    NEAR_REPEAT_SIMILARITY,
    NEAR_SENTENCE_SIMILARITY,
    _contained_repeats,
    _joined,
    _lower_each,
    _lower_words,
    _near_any,
    _near_group,
    _restates,
    _restates_any,
    _tokenized,
    dedupe_paragraphs,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Few words, some differing only in case (and a final sigma), so that random
# sentences share many words and near copies are common.
WORDS = st.sampled_from(["the", "The", "THE", "river", "rose", "Rose", "ΟΔΟΣ", "οδος", "mayor", "said", "2024", "É", "é"])
SENTENCES = st.lists(WORDS, min_size=1, max_size=24).map(lambda words: " ".join(words).capitalize() + ".")


@st.composite
def documents(draw) -> str:
    """Paragraphs drawn from a few sentences, often again, sometimes with a word changed."""
    pool = draw(st.lists(SENTENCES, min_size=1, max_size=6))
    paragraphs = []
    for _ in range(draw(st.integers(1, 12))):
        sentences = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
        if draw(st.booleans()):
            words = " ".join(sentences).split(" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(WORDS)
            sentences = [" ".join(words)]
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def word_tuples(text: str) -> list[tuple[str, ...]]:
    """Each paragraph's lower-cased words, the way the code before token strings had them."""
    return [tuple(w.lower() for w in repeats.WORD_RE.findall(p.group())) for p in repeats.paragraphs(text)]


def same_edits_without(name: str, value, text: str) -> None:
    """dedupe_paragraphs gives the same edits with repeats.<name> set to `value`."""
    expected = dedupe_paragraphs(text)
    saved = getattr(repeats, name)
    setattr(repeats, name, value)
    try:
        assert dedupe_paragraphs(text) == expected
    finally:
        setattr(repeats, name, saved)


@FAST
@given(documents())
def test_token_strings_and_word_tuples_give_the_same_edits(text):
    same_edits_without("MAX_VOCABULARY", 0, text)  # every document "too large": words stay tuples


@FAST
@given(documents())
def test_looking_at_the_sentences_of_every_paragraph_gives_the_same_edits(text):
    same_edits_without("_has_long_sentence", lambda parts: True, text)


@FAST
@given(st.lists(st.sampled_from(["ΟΔΟΣ", "Σ", "ΣΑ", "İ", "ẞ", "ǅ", "ﬃ", "Ⅻ", "e\u0301", "ΑΣ\u0301", "ᾼ", "x"]).map("".join), max_size=6))
def test_lower_each_is_lower_word_by_word(words):
    assert _lower_each(words) == [w.lower() for w in words]


@FAST
@given(documents())
def test_tokens_from_the_first_code_point_above_the_latin1_range_give_the_same_edits(text):
    same_edits_without("FIRST_TOKEN", 0x100, text)  # no token below 256, none a space


def test_lower_casing_keeps_each_character_a_word_character_or_not():
    """What _lower_words rests on, for every code point: a character that
    str.lower changes becomes characters that are word characters exactly
    when it was one, and none of them a line break."""
    for code in range(0x110000):
        char = chr(code)
        lowered = char.lower()
        if lowered != char:
            is_word = WORD_RE.fullmatch(char) is not None
            assert all((WORD_RE.fullmatch(c) is not None) == is_word for c in lowered), hex(code)
            assert "\n" not in lowered, hex(code)


@FAST
@given(st.text(st.sampled_from("ΣσςΟΔΑİIıiẞß\u0301\u0345ﬃǅⅫ'’-. ,x\n")))
def test_lower_words_are_the_words_lower_cased_one_by_one(text):
    expected = [item.lower() for item in regex.findall(WORD_RE.pattern + "|\n", text)]
    assert _lower_words(text) == expected


def plain_sentences(text: str) -> list[list[tuple[int, int, list[str]]]]:
    """(start, end, lower-cased words) of each sentence, paragraph by
    paragraph and sentence by sentence, the way the code before _tokenized
    read a document."""
    out = []
    for paragraph in repeats.paragraphs(text):
        parts, start = [], 0
        for sentence in repeats.SENTENCE_END_RE.split(paragraph.group()):
            parts.append((start, start + len(sentence), [word.lower() for word in WORD_RE.findall(sentence)]))
            start += len(sentence) + 1
        out.append(parts)
    return out


def plain_tokens(text: str) -> tuple[list[list], list[str]]:
    """plain_sentences with each word as one character, FIRST_TOKEN for the
    first distinct word, the next code point for the next."""
    sentences = plain_sentences(text)
    code = {}
    for parts in sentences:
        for _, _, words in parts:
            for word in words:
                code.setdefault(word, chr(repeats.FIRST_TOKEN + len(code)))
    tokens = [[(start, end, "".join(map(code.get, words))) for start, end, words in parts] for parts in sentences]
    return tokens, ["".join(words for _, _, words in parts) for parts in tokens]


# Pieces of text that make sentence boundaries and words hard to find:
# initials and abbreviations, closing quotes, paragraphs with no word, runs
# of spaces, capital sigmas and letters whose lower case is longer.
PIECES = st.sampled_from(
    ["Mr.", "U.S.", "Aug. 10", " ", "  ", "\n", "\n\n", ".", "!", "?”", "…", ")", "’", "]", "The", "rain", "ΟΔΟΣ", "Σ", "İstanbul", "2024", "“Quote", "(x)", "'", '"', "-", "é", "e\u0301", "\r"]
)


@FAST
@given(st.one_of(documents(), st.lists(PIECES).map("".join)))
def test_tokenized_reads_the_sentences_of_each_paragraph_read_alone(text):
    spans = list(repeats.paragraphs(text))
    assert _tokenized(text, spans) == plain_tokens(text)


@FAST
@given(st.one_of(documents(), st.lists(PIECES).map("".join)))
def test_tokenized_words_are_tuples_when_the_vocabulary_is_too_large(text):
    saved, repeats.MAX_VOCABULARY = repeats.MAX_VOCABULARY, -1  # even no word is too many
    try:
        sentences, words = _tokenized(text, list(repeats.paragraphs(text)))
    finally:
        repeats.MAX_VOCABULARY = saved
    expected = [[(start, end, tuple(words)) for start, end, words in parts] for parts in plain_sentences(text)]
    assert (sentences, words) == (expected, [sum((w for _, _, w in parts), ()) for parts in expected])


@FAST
@given(documents())
def test_near_group_finds_the_first_group_the_plain_loop_finds(text):
    words = word_tuples(text)
    groups = [[index] for index in range(len(words))]
    for index, paragraph in enumerate(words):
        expected = None
        for group in groups[:index]:
            first, length = words[group[0]], len(paragraph)
            if 2 * min(length, len(first)) < NEAR_REPEAT_SIMILARITY * (length + len(first)):
                continue
            if Indel.normalized_similarity(paragraph, first, score_cutoff=NEAR_REPEAT_SIMILARITY):
                expected = group
                break
        assert _near_group(paragraph, groups[:index], words[:index]) == expected


@FAST
@given(documents())
def test_near_any_is_any_near_sentence(text):
    sentences = [tuple(words) for parts in plain_sentences(text) for _, _, words in parts]
    for index, sentence in enumerate(sentences):
        expected = any(repeats._near_sentence(sentence, other) for other in sentences[:index])
        assert _near_any(sentence, sentences[:index], NEAR_SENTENCE_SIMILARITY) == expected


@FAST
@given(documents(), st.sets(st.integers(0, 11)))
def test_contained_repeats_are_those_the_plain_loop_finds(text, doomed):
    words = word_tuples(text)
    doomed = {index: ("near-repeat", "") for index in doomed}
    expected, earlier = [], []
    for index, paragraph in enumerate(words):
        if index in doomed:
            continue
        needle = _joined(paragraph)
        if MIN_CONTAINED_WORDS <= len(paragraph) <= MAX_CONTAINED_WORDS and any(
            count > len(paragraph) and needle in joined for count, joined in earlier
        ):
            expected.append(index)
        else:
            earlier.append((len(paragraph), needle))
    assert _contained_repeats(words, doomed) == expected


@st.composite
def restatements(draw) -> list[str]:
    """Sentences (a letter a word), later ones often an earlier one with a
    word changed and a clause added before or after it."""
    words = st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=20).map("".join)
    sentences = [draw(st.lists(st.sampled_from("abcdefghij"), min_size=10, max_size=30).map("".join))]
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            sentences.append(draw(words))
            continue
        other = list(draw(st.sampled_from(sentences)))
        other[draw(st.integers(0, len(other) - 1))] = draw(st.sampled_from("abcdefghij"))
        clause = draw(words)
        sentences.append(clause + "".join(other) if draw(st.booleans()) else "".join(other) + clause)
    return sentences


@FAST
@given(restatements())
def test_restates_any_is_any_restates(sentences):
    for index, sentence in enumerate(sentences):
        by_length = {}
        for other in sentences[:index]:
            by_length.setdefault(len(other), []).append((other, set(other)))
        assert _restates_any(sentence, by_length) == any(_restates(sentence, other) for other in sentences[:index])


# The patterns as they were written before their parts were reordered,
# matched instead of looked behind for, or replaced by str methods, for the
# tests below.
SENTENCE_END_BEFORE = regex.compile(
    rf"(?<!\b\p{{Lu}}\.|\b(?:{repeats.ABBREVIATIONS})\.)(?<=[.!?…][”’\"')\]]*) (?=[\p{{Lu}}“‘\"'(\p{{N}}])"
)
PROSE_END_BEFORE = regex.compile(r"[.!?…][”’\"')\]]*$")


@FAST
@given(st.lists(PIECES).map("".join))
def test_sentence_boundaries_are_where_the_lookbehind_pattern_put_them(text):
    assert [m.span() for m in repeats.SENTENCE_END_RE.finditer(text)] == [m.span() for m in SENTENCE_END_BEFORE.finditer(text)]
    assert repeats.SENTENCE_END_RE.sub("\n", text) == SENTENCE_END_BEFORE.sub("\n", text)


@FAST
@given(st.lists(PIECES).map("".join).map(lambda text: text.replace("\n", "")))
def test_ending_like_a_sentence_is_what_the_regex_said(line):
    assert repeats._ends_like_a_sentence(line) == bool(PROSE_END_BEFORE.search(line))


@FAST
@given(st.text(st.sampled_from("aZ09_²½ªµʰΣσİ\u0301\u0483\u20dd\u3042\u4e00\U0001d400\U0001f600Ⅻ’“-. \n\t")))
def test_words_read_with_re_are_those_regex_reads(text):
    assert repeats._words_and_line_breaks(text) == repeats.WORD_OR_LINE_BREAK_RE.findall(text)


@FAST
@given(documents())
def test_sentence_edits_come_in_order_so_a_document_with_no_paragraph_to_delete_needs_no_sort(text):
    spans = list(repeats.paragraphs(text))
    sentences, _ = _tokenized(text, spans)
    edits = repeats._repeated_sentences(spans, sentences, {})
    assert edits == sorted(edits, key=lambda edit: edit.start)


@FAST
@given(documents())
def test_sentence_counts_counted_when_asked_are_the_counts_of_the_long_sentences(text):
    sentences, _ = _tokenized(text, list(repeats.paragraphs(text)))
    every = [words for parts in sentences for _, _, words in parts]
    expected = Counter(words for words in every if len(words) >= repeats.MIN_SENTENCE_WORDS)
    counts = repeats._SentenceCounts(sentences)
    assert [counts[words] for words in every] == [expected[words] for words in every]
