"""The cheap screens of the text cleaners give what the slow paths give.

Each screen proves, for a whole text or a line, that some work can change
nothing, and skips it. These properties run the slow path beside the fast one.
"""

import itertools
from unittest import mock

import ftfy
import regex
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad
from ftfy.chardata import CONTROL_CHARS, LIGATURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners import layout, unicode
from cleaners.boilerplate import RuleSet
from cleaners.patterns import WORD_RE
from cleaners.recurring import ASCII_WORD_RE
from cleaners.unicode import FTFY_CONFIG, PLAIN_TYPOGRAPHY, needs_ftfy
from cleaners.layout import canonicalize_layout

# Pieces that exercise every layout rule: each kind of whitespace and line
# break, runs that are canonical and runs that are not, composed and
# decomposed accents, whitespace that NFC changes (U+2000), and lines long
# enough that a stack of them reads as hard-wrapped text.
LAYOUT_PIECES = st.sampled_from(
    [" ", "  ", "\n", "\n\n", "\n\n\n", "\r\n", "\r", "\t", "\u00a0", "\u2000", "\u2028", "\x85", " \n", "\n ",
     "e\u0301", "\u0301", "é", "Ω", "- item", "1. item", "word", "A line that is long enough to be taken for a wrapped one"]
)
LAYOUT_TEXTS = st.one_of(st.text(), st.lists(st.one_of(LAYOUT_PIECES, st.text(max_size=3)), max_size=80).map("".join))
FAST = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(LAYOUT_TEXTS)
def test_layout_looks_at_every_run_only_where_it_matters(text):
    """In NFC text only the editable whitespace runs are visited; visiting
    every run gives the same edits."""
    with mock.patch.object(layout, "_runs_that_may_change", lambda _: layout.RUN_RE):
        every_run = canonicalize_layout(text)
    assert canonicalize_layout(text) == every_run


# Text around the boilerplate rules: markup, credits, notices, and the words
# the rules' early checks look for, in and out of the places they count.
BOILERPLATE_PIECES = st.sampled_from(
    ["<br/>", "&lt;b&gt;", "[embed]", "[caption id=1]", "<", "&", "[", "]", ">", " ", "word ", "Share", "(AP)",
     "Reporting by Jane Doe", "contributed reporting", "Contributed to this report", "contribut", "Associated Press",
     "All Rights Reserved.", "all rights", "© 2024 ", "(Photo: AP)", ".", "\u00a0", "\t"]
)
BOILERPLATE_TEXTS = st.one_of(st.text(), st.lists(BOILERPLATE_PIECES, max_size=30).map("".join))
RULES = RuleSet.load()


@FAST
@given(BOILERPLATE_TEXTS)
def test_the_combined_rule_patterns_match_where_one_rule_does(text):
    """The one-pattern screens skip a paragraph only when no rule matches it."""
    assert bool(RULES.any_inline_rule.search(text)) == any(p.search(text) for _, p in RULES.inline_rules)
    assert bool(RULES.any_paragraph_rule.fullmatch(text)) == any(p.fullmatch(text) for _, p in RULES.paragraph_rules)


# Lookaheads added to slow rules only to fail early; without them the rule
# must match exactly the same paragraphs.
EARLY_CHECKS = {"copyright-line": "(?=.*?all rights reserved)", "contributor-credit": "(?=.*?contribut)"}


@FAST
@given(BOILERPLATE_TEXTS)
def test_early_checks_in_rules_change_no_match(text):
    for rule, pattern in RULES.paragraph_rules:
        if rule.id in EARLY_CHECKS:
            without = regex.compile(rule.pattern.replace(EARLY_CHECKS[rule.id], ""))
            assert without.pattern != rule.pattern
            assert bool(pattern.fullmatch(text)) == bool(without.fullmatch(text))


# Lines repair_unicode does not show to ftfy: the plain screen's characters
# (any whitespace, "&" with or without an entity after it) and the Russian
# screen's, with the pieces of entities and of the mojibake sequences that
# come nearest (вЂ, Р“Р, ГўВЂВ).
ASCII = [chr(c) for c in range(0x20, 0x7F)]
WHITESPACE = ["\t", "\u00a0", "\u2009", "\u3000", "  "]
ENTITY_PIECES = ["&", "&amp;", "&#39;", "&nbsp", "&lt;b&gt;", ";", "#"]
RUSSIAN = [chr(c) for c in range(ord("А"), ord("я") + 1)] + ["Ё", "ё"]
PLAIN_LINES = st.lists(st.sampled_from(ASCII + WHITESPACE + ENTITY_PIECES + list(PLAIN_TYPOGRAPHY))).map("".join)
RUSSIAN_LINES = st.lists(st.sampled_from(ASCII + WHITESPACE + ENTITY_PIECES + RUSSIAN + list("’–—…") + ["вЂ", "Р“Р", "ГўВЂВ"])).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(PLAIN_LINES, RUSSIAN_LINES))
def test_lines_the_screens_pass_over_are_lines_ftfy_leaves_alone(line):
    laid_out = regex.sub(r"\s+", " ", line)
    if not needs_ftfy(line):
        assert ftfy.fix_and_explain(laid_out, FTFY_CONFIG).text == laid_out


# Lines that do reach the second test: letters of many scripts, every
# character of ftfy's step tables and mojibake categories, decomposed accents,
# entities, and real mojibake (UTF-8 read as cp1252, latin-1, mac_roman).
def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", "replace")


MOJIBAKE_PIECES = [_mojibake(w) for w in ["é", "’", "“", "ü", "—", "Путин", "東京", "€", "\u00a0"]] + [
    "é".encode().decode("latin-1"), "ü".encode().decode("mac_roman"), "\x1b[31m", "e\u0301", "\ud83d", "\x85"]
FTFY_CHARACTERS = [chr(c) for c in sorted({*CONTROL_CHARS, *LIGATURES})] + [
    c for chars in MOJIBAKE_CATEGORIES.values() for c in regex.findall(r".", chars) if c != "-"]
LETTERS = list("äöüßÄÖÜéèàçñøåłśžÆæŒœ") + RUSSIAN[::4] + list("αβγΩπ東京のを。、「」한국어ประเทศ°×²³")
SCREENED_LINES = st.lists(st.sampled_from(
    ASCII[::3] + WHITESPACE + ENTITY_PIECES + LETTERS + FTFY_CHARACTERS + MOJIBAKE_PIECES + list(PLAIN_TYPOGRAPHY)
), max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(SCREENED_LINES)
def test_lines_ftfy_may_change_are_all_that_ftfy_changes(line):
    if not unicode.ftfy_may_change(line):
        assert ftfy.fix_and_explain(line, FTFY_CONFIG).text == line


def test_the_badness_screen_is_built_from_the_pinned_ftfy():
    assert unicode.MAY_BE_BAD_RE is not None, "BADNESS_RE changed shape: is_bad is now asked about every line"
    assert unicode.MAY_BE_BAD_RE.search("Grüne Wiese in München, 東京") is None
    assert unicode.MAY_BE_BAD_RE.search(_mojibake("Grüße")) and unicode.MAY_BE_BAD_RE.search("a\x85b")


@settings(max_examples=3000, deadline=None)
@given(SCREENED_LINES)
def test_every_line_is_bad_finds_bad_is_found_by_the_screen(line):
    if is_bad(line):
        assert unicode.MAY_BE_BAD_RE.search(line)


def test_every_mojibake_character_between_two_neighbours_is_screened_as_is_bad_finds_it():
    neighbours = list(" aZ.,(\n1") + ["\u00a0", "é", "ü", "東", "я"]
    for middle in FTFY_CHARACTERS + LETTERS:
        for before, after in itertools.product(neighbours, repeat=2):
            line = before + middle + after
            if is_bad(line):
                assert unicode.MAY_BE_BAD_RE.search(line), line


def test_no_mojibake_sequence_is_spelled_in_russian_letters_alone():
    """Every string of up to three of these characters; ftfy's longer
    sequences (ГўВЂВ.) hold Ђ, which is not among them."""
    alphabet = RUSSIAN + list("’–—… aA.&")
    for length in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=length):
            assert not is_bad("".join(chars))


LINE_PIECES = st.sampled_from(["\n", "\r\n", "\u2028", "\x0c", " ", "\u00a0", "Ã©", "â€™", "&amp;", "& ", "Путин", "«", "ok", "“q”"])


@FAST
@given(st.one_of(st.text(), st.lists(st.one_of(LINE_PIECES, st.text(max_size=3)), max_size=40).map("".join)))
def test_the_lines_found_by_searching_are_the_lines_that_need_ftfy(text):
    found = [(m.span(), m.group()) for m in unicode._lines_needing_ftfy(text)]
    assert found == [(m.span(), m.group()) for m in unicode.LINE_RE.finditer(text) if needs_ftfy(m.group())]


def test_ascii_words_are_the_ascii_part_of_word_re():
    ascii_word_chars = {chr(c) for c in range(128) if WORD_RE.fullmatch(chr(c))}
    assert ascii_word_chars == {chr(c) for c in range(128) if ASCII_WORD_RE.fullmatch(chr(c))}


# Page-dump lines: menu items, sentences, lines without words, long lines.
MENU_PIECES = st.sampled_from(["Home", "News", "Contact us", "It rained all day.", "“Yes.”", "1 2 3 4 5", "—", "",
                               "one two three four five six", "A" * 250, "a b c d e f " * 40])


@FAST
@given(st.lists(st.one_of(MENU_PIECES, st.text(max_size=8)), min_size=1, max_size=40))
def test_the_menu_like_share_stops_counting_only_when_the_answer_is_known(paragraphs):
    """The early-stopping count decides as the full share did, and the memo
    answers as the plain test does."""
    from cleaners import pagedump

    share = sum(1 for p in paragraphs if pagedump._looks_menu_like(p)) / len(paragraphs)
    assert pagedump._mostly_menu_like(paragraphs) == (share >= pagedump.MIN_MENU_LIKE_SHARE)
    for p in paragraphs:
        words = len(WORD_RE.findall(p))
        plain = not pagedump.SENTENCE_END_RE.search(p) and words <= pagedump.MAX_MENU_WORDS
        assert pagedump._is_menu_like(p) == plain


@FAST
@given(BOILERPLATE_TEXTS)
def test_the_boilerplate_memo_answers_as_the_rules_do(text):
    from cleaners import boilerplate

    assert boilerplate._fullmatches(RULES.any_paragraph_rule, text) == bool(RULES.any_paragraph_rule.fullmatch(text))


# The pattern run-in page dumps were segmented with: its lookahead was tried
# at every character of the paragraph.
REFERENCE_SEGMENT_RE = regex.compile(r"\S(?:.*?\S)?(?=\s*$|(?<=[.!?。！？][\"”’»)\]]*)\s)")
SEGMENT_PIECES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000", "\u2028", "\r", "\x1c", "\x85", ".", "!", "?", "。",
                                  "！", "？", "…", '"', "”", "’", "»", ")", "]", "(", "“", "word", "Home", "a.b", "x"])


@FAST
@given(st.one_of(st.text(), st.lists(st.one_of(SEGMENT_PIECES, st.text(max_size=3)), max_size=40).map("".join)))
def test_segments_found_from_sentence_ends_are_the_pattern_s(text):
    """Paragraphs are lines, so the text holds no line feed."""
    from cleaners import pagedump

    line = text.replace("\n", " ")
    assert list(pagedump._segments(line)) == [m.span() for m in REFERENCE_SEGMENT_RE.finditer(line)]


def reference_lowercase_share(words):
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    if not cased:
        return 1.0
    return sum(1 for w in cased if w[0].islower()) / len(cased)


@FAST
@given(st.lists(st.text(min_size=1, max_size=3)))
def test_the_lowercase_share_counts_initials_as_before(words):
    from cleaners import pagedump

    assert pagedump._lowercase_share(words) == reference_lowercase_share(words)


def test_no_character_is_both_upper_and_lower_case():
    assert not [c for c in map(chr, range(0x110000)) if c.isupper() and c.islower()]


def reference_revise(labels):
    """pagedump.revise as it was: each unsure label looks up its sure neighbours."""
    import bisect

    from cleaners.pagedump import Label

    sure = [i for i, label in enumerate(labels) if label in (Label.GOOD, Label.BAD)]
    revised = list(labels)
    for i, label in enumerate(labels):
        if label in (Label.GOOD, Label.BAD):
            continue
        k = bisect.bisect(sure, i)
        sides = [labels[sure[j]] for j in (k - 1, k) if 0 <= j < len(sure)]
        if label is Label.NEAR_GOOD:
            revised[i] = Label.GOOD if Label.GOOD in sides else Label.BAD
        else:
            revised[i] = Label.GOOD if sides == [Label.GOOD, Label.GOOD] else Label.BAD
    return revised


@FAST
@given(st.lists(st.sampled_from(["good", "near-good", "short", "bad"]), max_size=30))
def test_revising_in_one_pass_gives_the_neighbours_labels(values):
    from cleaners.pagedump import Label, revise

    labels = [Label(v) for v in values]
    assert revise(labels) == reference_revise(labels)


@FAST
@given(st.lists(st.one_of(MENU_PIECES, st.text(max_size=8)), min_size=1, max_size=40).map(" ".join))
def test_the_classify_memo_labels_as_the_text_does(paragraph):
    from cleaners import pagedump

    plain = pagedump.Label.SHORT if len(paragraph) < pagedump.LENGTH_LOW else pagedump._classify_long(paragraph)
    assert pagedump.classify(paragraph) == plain


def _reference_hard_wrap_width(text):
    """hard_wrap_width as it was before its screen: every line looked at."""
    lines = layout.LINE_SPLIT_RE.split(text)
    lengths = sorted(
        len(line.rstrip()) for line, following in zip(lines, lines[1:])
        if following.strip() and len(line.rstrip()) >= layout.MIN_WRAPPED_LINE_CHARS
    )
    if len(lengths) < layout.MIN_WRAPPED_LINES:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if width - layout.WRAP_SLACK <= n <= width)
    if width not in layout.WRAP_WIDTHS or near < layout.MIN_WRAPPED_SHARE * len(lengths):
        return None
    return width


# Line breaks of every kind between lines of every length that matters to
# the wrap count: blank, short, long enough to count, and whitespace-only.
WRAP_PIECES = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\r\n", "\n\r", " ", "\u2028", "\x0c", "x" * 45, "word " * 14, "y"])
WRAPPED_LINES = st.lists(
    st.tuples(st.sampled_from(["word " * 14, "word " * 13, "x" * 45, "short", "", "  "]), st.sampled_from(["\n", "\r\n", "\r", "\n\n"])),
    min_size=8, max_size=30,
).map(lambda pairs: "".join(line + end for line, end in pairs))
WRAP_TEXTS = st.one_of(LAYOUT_TEXTS, st.lists(WRAP_PIECES, max_size=120).map("".join), WRAPPED_LINES)


@FAST
@given(WRAP_TEXTS)
def test_the_wrap_width_screen_skips_only_texts_with_too_few_lines(text):
    """The lines split at LF after unifying line breaks are LINE_SPLIT_RE's,
    the odd-run count bounds the lines a count takes, and the width found is
    the one found by reading every line."""
    unified = layout._with_newlines_only(text)
    lines = layout.LINE_SPLIT_RE.split(text)
    assert unified.split("\n") == lines
    followed = sum(1 for line, following in zip(lines, lines[1:]) if line and following)
    assert followed <= layout._odd_line_break_runs(unified)
    assert layout.hard_wrap_width(text) == _reference_hard_wrap_width(text)


# Documents of boilerplate paragraphs: the same paragraph at several offsets,
# so the verdict memo answers for one what it worked out for another. Some
# are deleted by a rule, some recur, some keep markup or a credit to delete
# inside them, some are too long to be a recurring line or to be kept in a memo.
PARAGRAPHS = st.one_of(
    BOILERPLATE_TEXTS.map(lambda t: " ".join(t.split())).filter(bool),
    st.sampled_from(["Share", "Leave a Reply", "Home", "Rain fell <br/> all day.", "It rained. (Photo: AP)",
                     "Officials said the plan would go ahead. " * 5, "Storm [embed] hits the coast &lt;b&gt;hard.",
                     "Rain fell <br/> all day. " * 20, "It rained. " * 400 + "(Photo: AP)"]),
)
BOILERPLATE_DOCUMENTS = st.lists(PARAGRAPHS, min_size=1, max_size=8).map(
    lambda paragraphs: "".join(p + "\n\n" for p in paragraphs + paragraphs[::-1])[:-1]
)


class CountedLookups(frozenset):
    """A set of recurring-line keys that lists the lookups made in it."""

    def __new__(cls, keys):
        made = super().__new__(cls, keys)
        made.lookups = []
        return made

    def __contains__(self, key):
        self.lookups.append(key)
        return super().__contains__(key)


def _reference_judge(body, start, rules, recurring):
    """boilerplate._judge as it was before its memo: every rule asked afresh."""
    from cleaners import boilerplate as b
    from cleaners.pagedump import run_in_junk
    from cleaners.recurring import line_key

    suffixes = b._suffix_edits(body, start, rules)
    rest = body[: suffixes[-1].start - start] if suffixes else body
    rule = b._paragraph_rule(rest, rules)
    if rule is not None:
        return (rule.id, rule.reason), []
    if suffixes and len(rest.split()) <= b.MAX_CAPTION_WORDS:
        return (b.CAPTION_RULE, b.CAPTION_REASONS["credited"]), []
    if recurring and line_key(body) in recurring:
        return b.RECURRING_VERDICT, []
    run_in = run_in_junk(body)
    if run_in:
        suffixes = [] if run_in[-1][2] == b.RULE_TRAILING else suffixes
        return None, suffixes + [
            b.Edit(b.STEP, rule_id, start + s, start + e, body[s:e], "", b.PAGE_DUMP_REASONS[rule_id]) for s, e, rule_id in run_in
        ]
    return None, b._inline_edits(rest, start, rules) + suffixes


@FAST
@given(BOILERPLATE_DOCUMENTS, st.data())
def test_memoized_verdicts_are_the_rules_verdicts(text, data):
    """strip_boilerplate with the verdict memo gives the edits, and makes the
    lookups in the recurring lines, that judging every paragraph afresh does."""
    from cleaners import boilerplate
    from cleaners.recurring import line_key

    keys = {line_key(p) for p in text.split("\n\n")} - {None}
    recurring = data.draw(st.sets(st.sampled_from(sorted(keys))) if keys else st.just(set())) | {b"not a line key"}
    fresh_lookups, memo_lookups = CountedLookups(recurring), CountedLookups(recurring)
    with mock.patch.object(boilerplate, "_judge", _reference_judge):
        fresh = boilerplate.strip_boilerplate(text, RULES, fresh_lookups)
    boilerplate.strip_boilerplate(text, RULES, frozenset())  # the memo warm, then asked again
    assert boilerplate.strip_boilerplate(text, RULES, memo_lookups) == fresh
    assert memo_lookups.lookups == fresh_lookups.lookups


def test_copies_of_a_rule_set_share_its_hash_and_a_different_set_does_not():
    import dataclasses
    import pickle

    copy, unpickled = dataclasses.replace(RULES), pickle.loads(pickle.dumps(RULES))
    assert copy == RULES and hash(copy) == hash(RULES)
    assert unpickled.fingerprint == RULES.fingerprint
    fewer = dataclasses.replace(RULES, inline_rules=RULES.inline_rules[1:])
    assert fewer != RULES and fewer.fingerprint != RULES.fingerprint


def test_the_line_break_set_holds_the_characters_of_the_line_break_pattern():
    assert all((layout.LINE_BREAK_RE.match(chr(c)) is not None) == (chr(c) in layout.LINE_BREAK_CHARS) for c in range(0x110000))
