"""The fast paths of repair_garbles give what the plain code gave.

The screens in `cleaners.garbles` and `cleaners.names` skip work wherever it
cannot find anything; these tests check that claim: exhaustively where it
rests on Unicode tables, on random text where it rests on reasoning. The
reference functions below are the plain versions the fast ones replaced.
"""

import re
import sys
from collections import Counter
from unittest import mock

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners import garbles, names
from cleaners.names import WORD_RE, NameLexicon

FAST = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def every_character():
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def test_every_upper_case_character_has_the_uppercase_property(every_character):
    """NAME_CANDIDATE_RE finds every word `_is_name` accepts only if `regex`
    calls Uppercase each character Python's str.isupper() accepts."""
    uppercase = set(regex.findall(r"\p{Uppercase}", every_character))
    assert {c for c in every_character if c.isupper()} <= uppercase


def test_the_characters_the_letter_screen_passes_over_are_no_lower_case_letters(every_character):
    """NON_ASCII_LETTER_RE may skip a character only if REPEATED_WORD_RE's
    words (\\p{Ll}+) cannot hold it; in ASCII those letters are a-z."""
    skipped = {c for c in every_character if not garbles.NON_ASCII_LETTER_RE.match(c)}
    lower = set(regex.findall(r"\p{Ll}", every_character))
    assert not (skipped - set(map(chr, range(128)))) & lower
    assert {c for c in lower if c.isascii()} == set("abcdefghijklmnopqrstuvwxyz")


# -- local repairs ---------------------------------------------------------

GARBLE_PIECES = st.sampled_from(
    ["“", "”", "‘", "’", '"', "'", "—", "–", "-", " ", "  ", ",", ".", ";", ":", "!", "?", "(", ")", "$", "€", "5",
     "the", "the the", "The", "is", "no", "ça", "ça ça", "да", "да да", "é", "Éthe", "x", "\u00a0", "…", "«", " ;",
     "said", "Xi remarked", "Er sagte „Nein“", "_", "’the the", "(the the)", "1 1", "\u00ad", "\u200b", "\u1c8a",
     "a\u1c8a a\u1c8a", "ß ß", "中文 中文", "\t", "$ ", "€5", "“”"]
)
PARAGRAPHS = st.one_of(
    st.text().map(lambda t: t.replace("\n", " ")),
    st.lists(st.one_of(GARBLE_PIECES, st.text(max_size=3)), max_size=30).map("".join).map(lambda t: t.replace("\n", " ")),
)


@FAST
@given(PARAGRAPHS, PARAGRAPHS)
def test_a_paragraph_the_screen_skips_needs_no_local_repair(paragraph, previous):
    if not garbles._may_need_local_repair(paragraph):
        assert garbles._local_repairs(paragraph, previous) == []


@FAST
@given(PARAGRAPHS)
def test_each_spacing_screen_covers_its_pattern(paragraph):
    if not garbles.SPACE_THEN_PUNCTUATION_RE.search(paragraph):
        assert not garbles.SPACE_BEFORE_PUNCTUATION_RE.search(paragraph)
    if not garbles.CURRENCY_THEN_SPACE_RE.search(paragraph):
        assert not garbles.CURRENCY_SPACE_RE.search(paragraph)
    if not garbles._may_repeat_a_word(paragraph):
        assert not garbles.REPEATED_WORD_RE.search(paragraph)


LOWER_CASE_WORDS = st.text(st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=4) | st.sampled_from(
    ["the", "a\u1c8a", "\ua7cd"]  # letters newer than Python's Unicode tables
)


@FAST
@given(PARAGRAPHS, LOWER_CASE_WORDS, st.sampled_from(["", " ", "_", "(", "“", "1", "a", "\u00ad", "中"]), PARAGRAPHS)
def test_a_word_said_twice_is_never_screened_out(before, word, mark, after):
    paragraph = f"{before}{mark}{word} {word}{mark}{after}"
    if garbles.REPEATED_WORD_RE.search(paragraph):
        assert garbles._may_repeat_a_word(paragraph)


# The one-pattern mark screen it replaced, tried at every character.
REFERENCE_REPAIR_MARK_RE = re.compile(r'[“”"—–]| [,.;:!?]|[$€£¥] ')


@FAST
@given(PARAGRAPHS)
def test_the_mark_screens_find_what_the_one_pattern_found(paragraph):
    fast = garbles.REPAIR_MARK_RE.search(paragraph) or garbles.SPACE_THEN_PUNCTUATION_RE.search(paragraph)
    assert bool(fast) == bool(REFERENCE_REPAIR_MARK_RE.search(paragraph))


# The French-spacing pattern it replaced, which opened with the letter.
REFERENCE_FRENCH_SPACING_RE = regex.compile(r"[«»]|[\p{L}] [;:!?]")


@FAST
@given(PARAGRAPHS)
def test_french_spacings_are_counted_as_before(paragraph):
    assert len(garbles.FRENCH_SPACING_RE.findall(paragraph)) == len(REFERENCE_FRENCH_SPACING_RE.findall(paragraph))


@FAST
@given(st.lists(st.one_of(PARAGRAPHS, st.sampled_from(["“No limits’ pact", "Russiaâ€™s “war’ and", "the the end"])), max_size=6))
def test_remembering_which_repairs_are_stable_changes_no_edit(paragraphs):
    """Documents that share paragraphs, as syndicated copies do, get the
    edits they get without the memo."""
    documents = ["\n".join(paragraphs), "\n".join(reversed(paragraphs)), "\n".join(paragraphs)]
    remembered = [garbles.repair_garbles(d) for d in documents]
    with mock.patch.object(garbles, "_remembered_left_alone", garbles._left_alone):
        assert remembered == [garbles.repair_garbles(d) for d in documents]


# -- names -------------------------------------------------------------------


def reference_names_in(text):
    """names._names_in as it was: paragraph by paragraph, word by word."""
    found = {}
    for paragraph in text.split("\n"):
        words = list(WORD_RE.finditer(paragraph))
        for i, word in enumerate(words):
            name = word.group()
            j = word.start() - 1
            while j >= 0 and paragraph[j].isspace():
                j -= 1
            if not names._is_name(name) or j < 0 or paragraph[j] in names.SENTENCE_OPENERS:
                continue
            context = found.setdefault(name, set())
            before = words[i - 1].group() if i > 0 else None
            after = words[i + 1].group() if i + 1 < len(words) else None
            context.update(w for w in (before, after) if w)
            if before and after:
                context.add(f"{before} {after}")
    return found


def reference_repair_names(text, lexicon, index):
    """names.repair_names as it was: every word counted, every name read."""
    suspects = {}
    for word, uses in Counter(WORD_RE.findall(text)).items():
        if uses <= names.MAX_VARIANT_USES and len(word) >= names.MIN_NAME_CHARS:
            if lexicon.documents[word] <= names.MAX_VARIANT_DOCS and names._is_name(word):
                if near := names._spellings_near(word, index):
                    suspects[word] = near
    fixes = {}
    for variant, neighbours in reference_names_in(text).items():
        if variant in suspects:
            near = {c for c in suspects[variant] if names._may_misspell(variant, c)}
            if (fix := names._consensus_spelling(variant, near, set(neighbours), lexicon)) is not None:
                fixes[variant] = fix
    return [(m.start(), m.group(), fixes[m.group()][0]) for m in WORD_RE.finditer(text) if m.group() in fixes]


NAME_PIECES = st.sampled_from(
    ["Tokayev", "Togayev", "Tokayevs", "Kassym-Jomart", "Jomart", "O’Brien", "Brien", "China’s", "’s", "'s", "While",
     "Whale", "Whole", "NATO", "Xi", "met", "the", "said", " ", " ", " ", ". ", ", ", "\n", "\n\n", "(", "—", "-", "’",
     "“", "5", "Ⅻ", "ǅemal", "Ǆemal", "e\u0301", "\u2028", "\u2003", "\r", "\t", "*"]
)
DOCUMENTS = st.one_of(st.text(), st.lists(st.one_of(NAME_PIECES, st.text(max_size=3)), max_size=40).map("".join))


@FAST
@given(DOCUMENTS)
def test_the_name_candidates_hold_every_name(text):
    assert set(names._names_in(text)) <= set(names.NAME_CANDIDATE_RE.findall(text))


@FAST
@given(DOCUMENTS)
def test_names_in_finds_what_the_word_by_word_reading_found(text):
    assert names._names_in(text) == reference_names_in(text)


@FAST
@given(st.lists(DOCUMENTS, min_size=1, max_size=4), DOCUMENTS)
def test_repair_names_repairs_what_the_plain_version_repaired(corpus, text):
    lexicon = NameLexicon()
    for document in [*corpus, *corpus, text]:
        lexicon.merge(NameLexicon.from_text(document))
    index = lexicon.consensus_index()
    fast = [(e.start, e.before, e.after) for e in names.repair_names(text, lexicon, index)]
    assert fast == reference_repair_names(text, lexicon, index)


@FAST
@given(st.lists(DOCUMENTS, min_size=1, max_size=4), DOCUMENTS)
@example(["Kassym-Jomart Tokayev met Xi.", "Xi met Kassym-Jomart Tokayev."], "Kassym-Jomart Togayev met Xi.")  # a repair
def test_leaving_short_names_out_of_the_lexicon_changes_no_repair(corpus, text):
    def every_name(document):  # the lexicon as it was: names of any length ("Xi" among NAME_PIECES)
        found = names._names_among(*names._words_and_gaps(document))
        return NameLexicon(Counter(found.keys()), found)

    short_left_out, every = NameLexicon(), NameLexicon()
    for document in [*corpus, *corpus, text]:
        short_left_out.merge(NameLexicon.from_text(document))
        every.merge(every_name(document))
    assert (names.repair_names(text, short_left_out, short_left_out.consensus_index())
            == names.repair_names(text, every, every.consensus_index()))


def test_the_lexicon_counts_no_name_too_short_to_repair():
    lexicon = NameLexicon.from_text("They met Xi, Li and President Tokayev in Kyiv.")
    assert sorted(lexicon.documents) == ["President", "Tokayev"]
    assert set(lexicon.neighbours) == {"President", "Tokayev"}


def test_a_rare_spelling_that_opens_a_sentence_is_no_suspect():
    lexicon = NameLexicon()
    for document in ["They met Tokayev today.", "Then met Tokayev today.", "Togayev met them today."]:
        lexicon.merge(NameLexicon.from_text(document))
    assert names._rare_spellings("Togayev met them today.", lexicon, lexicon.consensus_index()) == {}
    assert names._rare_spellings("We met Togayev today.", lexicon, lexicon.consensus_index()) == {"Togayev": {"Tokayev"}}


def test_merging_lexicons_adds_their_counts_and_leaves_the_added_one_alone():
    one, two = NameLexicon.from_text("We met Tokayev today."), NameLexicon.from_text("They saw Tokayev today.")
    total = NameLexicon().merge(one).merge(two)
    assert total.documents["Tokayev"] == 2
    assert total.neighbours["Tokayev"] == {"met", "saw", "today", "met today", "saw today"}
    assert one.neighbours["Tokayev"] == {"met", "today", "met today"}
