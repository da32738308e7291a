"""The fast paths of dedupe_paragraphs give what the plain comparisons give.

Each fast path (token strings instead of word tuples, one rapidfuzz call
before the one-by-one comparisons, one search before the containment check)
is checked here against the straightforward code it replaces, on documents
made to repeat paragraphs, sentences and runs of words with small changes.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from cleaners import repeats
from cleaners.repeats import (
    MAX_CONTAINED_WORDS,
    MIN_CONTAINED_WORDS,
    NEAR_REPEAT_SIMILARITY,
    NEAR_SENTENCE_SIMILARITY,
    _as_tokens,
    _contained_repeats,
    _joined,
    _near_any,
    _near_group,
    _sentences,
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


@FAST
@given(documents())
def test_token_strings_and_word_tuples_give_the_same_edits(text):
    with_tokens = dedupe_paragraphs(text)
    saved = repeats.MAX_VOCABULARY
    repeats.MAX_VOCABULARY = 0  # every document "too large": words stay tuples
    try:
        assert dedupe_paragraphs(text) == with_tokens
    finally:
        repeats.MAX_VOCABULARY = saved


@FAST
@given(documents())
def test_tokens_are_the_lower_cased_words_one_character_each(text):
    sentences = [_sentences(p.group()) for p in repeats.paragraphs(text)]
    tokens = _as_tokens(sentences)
    pairs = {}
    for parts, token_parts in zip(sentences, tokens):
        for (_, _, words), (_, _, token) in zip(parts, token_parts):
            assert len(words) == len(token)
            for word, char in zip(words, token):
                assert pairs.setdefault(word.lower(), char) == char
    assert len(set(pairs.values())) == len(pairs)


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
    sentences = [words for p in repeats.paragraphs(text) for _, _, words in _sentences(p.group())]
    sentences = [tuple(w.lower() for w in words) for words in sentences]
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
