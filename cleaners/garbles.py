"""repair_garbles: broken quoting, doubled dashes and misspelled names.

Spinners, translators and careless scrapers leave quote marks doubled
(`“”No`), turned the wrong way, glued to the next word (`limits“Partnership`),
closed with the wrong mark (`“no-limits’`) or missing where a paragraph opens
with quoted speech (`China is willing," Xi remarked`); dashes doubled
(`— —`), spaces before punctuation, `$ 5`, and words said twice.
Quote repairs work paragraph by paragraph, following which quotes are open;
orientation is only repaired on curly marks. Names are repaired from corpus
consensus (`cleaners.names`). Spans that look garbled but are not safe to
repair are left to `cleaners.review`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import lru_cache

import regex

from cleaners.edits import Edit, apply_edits, edit_from_match, paragraphs
from cleaners.names import NameLexicon, repair_names
from cleaners.unicode import repair_unicode

STEP = "repair_garbles"

OPEN, CLOSE = "“", "”"
# A run of curly double quotes; a run of two or more is a doubled mark.
DOUBLE_QUOTE_RUN_RE = regex.compile(r"[“”]+")
# A right single quote that may close a scare quote opened with a double one.
RIGHT_SINGLE_RE = regex.compile(r"(?<=[\p{L}\p{N}.,!?])’(?=[\s,.;:!?)]|$)")
# Two or more dashes standing between spaces say one dash twice. Only spaced
# dashes: "——" unspaced is the ordinary dash in Chinese text.
DOUBLED_DASH_RE = regex.compile(r"(?<= )([—–])(?: ?[—–])+(?= )")
# A scare quote closed by a single mark is short; longer spans are speech
# whose closing mark is missing, and a lone ’ in them is an apostrophe.
MAX_SCARE_QUOTE_WORDS = 6
WORD_CHAR_RE = regex.compile(r"[\p{L}\p{M}\p{N}]")
# German, Polish, Czech and Hungarian open with a low mark and close with “,
# which is right there: such paragraphs are not ours to re-orient.
LOW_OPENING_MARKS = ("„", "‚")

# A paragraph that opens with quoted speech whose opening mark was lost: its
# first quote mark closes a quote (`willing,"`) and a speech verb follows
# within a few words (`Xi remarked`, `he said`).
MISSING_OPENER_RE = regex.compile(
    r"""^[^"“”]{1,300}?[,.!?](?P<mark>["”])\s+(?:[\p{L}.'’-]+\s+){0,3}"""
    r"(?:said|says|told|added|remarked|stated|asked|noted|explained|wrote|insisted|warned|declared|replied|continued)\b"
)
# Spacing and punctuation left by spinners and translators: (rule, pattern,
# replacement). Each pattern matches only spaces or marks, never words.
SPACE_BEFORE_PUNCTUATION_RE = regex.compile(r"(?<=[\p{L}\p{N}\"”’)])[ ]+(?=[,.;:!?](?:\s|$|[\"”’]))")
# French sets a space before ; : ! ? on purpose: a paragraph that does so this
# often (or uses guillemets) follows that convention and is left alone. (The
# letter is looked behind for: a pattern that opens with a letter is tried at
# nearly every character, one that opens with « » or a space is not.)
FRENCH_SPACING_RE = regex.compile(r"[«»]|(?<=\p{L}) [;:!?]")
MIN_FRENCH_SPACINGS = 2
CURRENCY_SPACE_RE = regex.compile(r"(?<=(?:^|[\s(])[$€£¥])[ ]+(?=\d)")
# A lower-case word said twice in a row, as spinners and broken line joins
# leave it; doubles that English uses on purpose are listed.
REPEATED_WORD_RE = regex.compile(r"(?<![\p{L}\p{N}'’-])(?P<word>\p{Ll}+)(?P<again>(?: (?P=word))+)(?![\p{L}\p{N}'’-])")
LEGITIMATE_DOUBLES = frozenset(
    "had that is was do does did very so no yes ha bye knock chop tut pom far long many much more now blah la dum".split()
)

# Screens. Most paragraphs need no local repair, and these find the ones that
# may, far faster than the repairs' own patterns. Most use the standard `re`
# engine, which scans such simple patterns several times faster than `regex`;
# its Unicode tables are not `regex`'s, so those hold only literal or ASCII
# classes. Each finds a superset of what its repair needs, so a paragraph it
# does not find is one the repair leaves alone (tests/test_garbles_speed.py).
#
# SPACE_BEFORE_PUNCTUATION_RE needs a space right before the mark, and
# CURRENCY_SPACE_RE one right after the sign.
SPACE_THEN_PUNCTUATION_RE = re.compile(" [,.;:!?]")
CURRENCY_THEN_SPACE_RE = re.compile("[$€£¥] ")
# REPEATED_WORD_RE: a word of lower-case letters said twice starts at the
# paragraph's start or after a character that is no letter or digit, and none
# follows it. The screens are read with a space before the paragraph, so its
# first word has such a character too. They open with that character, which
# the engine leaps to, then read a word and compare the next. A word begins
# only where a letter follows a character that is no letter or digit, so each
# character is read once, in one word (linear time; and fast, where a pattern
# that opens with `(?<!...)` is tried at every character). Where the letters
# are all ASCII the word is a-z, which `re` reads faster; elsewhere the screen
# is `regex`'s, with REPEATED_WORD_RE's Unicode tables.
ASCII_REPEATED_WORD_RE = re.compile(r"[^A-Za-z0-9]([a-z]++) \1(?![A-Za-z0-9])")
UNICODE_REPEATED_WORD_RE = regex.compile(r"[^\p{L}\p{N}](\p{Ll}++) \1(?![\p{L}\p{N}])")
# A character that may be a lower-case letter outside ASCII, which the ASCII
# screen cannot see: anything outside ASCII but the usual quote marks, dashes,
# ellipsis and no-break space (none of them a letter).
NON_ASCII_LETTER_RE = re.compile(r"[^\x00-\x7f’‘“”—–…\u00a0]")
# Every local repair but the repeated word needs a curly double quote
# (repair_quotes), a double quote (missing_opening_quote), a dash
# (DOUBLED_DASH_RE), a currency sign with a space after it (CURRENCY_SPACE_RE)
# or a space before a mark (SPACE_THEN_PUNCTUATION_RE). Searched as two
# patterns that each open with characters `re` can leap to; one alternation of
# the two would be tried at every character.
REPAIR_MARK_RE = re.compile(r'[“”"—–$€£¥](?:(?<![$€£¥])| )')

# Syndicated articles reach a corpus many times over and get the same
# repairs: whether a repaired paragraph is stable is worked out once (it
# depends on its text and the paragraph before it alone). Kept for this many
# pairs of at most this many characters (at most 32 MB in 4-byte characters;
# in a 40 MB news corpus, 1,957 repaired paragraphs were 640 distinct ones).
MEMO_PARAGRAPHS = 1 << 9
MAX_MEMO_CHARS = 1 << 14

REASONS = {
    "missing-opening-quote": "a paragraph opens with quoted speech but its opening mark is missing",
    "space-before-punctuation": "a space before a punctuation mark",
    "currency-space": "a space between a currency sign and its amount",
    "repeated-word": "a word said twice in a row",
    "doubled-quote": "a quote mark doubled where one is meant",
    "quote-orientation": "a quote mark turned the wrong way for where it stands",
    "glued-quote": "a closing quote glued to the next word",
    "mismatched-quote": "a double quote closed with a single mark",
    "doubled-dash": "a dash doubled where one is meant",
}


def repair_garbles(text: str, lexicon: NameLexicon | None = None, index: dict | None = None) -> list[Edit]:
    """Edits that repair quoting, doubled dashes and (with a lexicon) names.

    >>> from cleaners.edits import apply_edits
    >>> t = "In February, “”No limits“Partnership began — — and ended.\\n"
    >>> apply_edits(t, repair_garbles(t))
    'In February, “No limits” Partnership began — and ended.\\n'
    """
    edits, previous = [], ""
    for p in paragraphs(text):
        paragraph = p.group()
        if _may_need_local_repair(paragraph):
            edits += _local_repairs(paragraph, previous, p.start())
        previous = paragraph
    if lexicon is not None:
        edits += repair_names(text, lexicon, index if index is not None else lexicon.consensus_index())
    if not edits:
        return []
    edits = _without_overlaps(edits)
    starts = [e.start for e in edits]
    stable, previous = [], ""
    for p in paragraphs(text):
        mine = edits[bisect.bisect_left(starts, p.start()) : bisect.bisect_right(starts, p.end())]
        if mine and _stable(p, mine, previous):
            stable += mine
        previous = p.group()
    return stable


def _local_repairs(paragraph: str, previous: str, offset: int = 0) -> list[Edit]:
    """The repairs that need only the paragraph (and the one before it)."""
    return (
        repair_quotes(paragraph, offset)
        + missing_opening_quote(paragraph, previous, offset)
        + repair_spacing(paragraph, offset)
        + [_edit(m, "doubled-dash", m.group(1), offset) for m in DOUBLED_DASH_RE.finditer(paragraph)]
    )


def _may_need_local_repair(paragraph: str) -> bool:
    """False only for a paragraph in which `_local_repairs` finds nothing (a
    fast screen; see REPAIR_MARK_RE).

    >>> _may_need_local_repair("A plain sentence."), _may_need_local_repair("It was the the end.")
    (False, True)
    """
    if REPAIR_MARK_RE.search(paragraph) or SPACE_THEN_PUNCTUATION_RE.search(paragraph):
        return True
    return _may_repeat_a_word(paragraph)


def _may_repeat_a_word(paragraph: str) -> bool:
    """False only for a paragraph in which REPEATED_WORD_RE finds nothing.

    >>> _may_repeat_a_word("It was the the end."), _may_repeat_a_word("«да да»"), _may_repeat_a_word("The theme.")
    (True, True, False)
    """
    letters_are_ascii = paragraph.isascii() or not NON_ASCII_LETTER_RE.search(paragraph)
    screen = ASCII_REPEATED_WORD_RE if letters_are_ascii else UNICODE_REPEATED_WORD_RE
    return screen.search(" " + paragraph) is not None


def _stable(paragraph: regex.Match, mine: list[Edit], previous: str) -> bool:
    """Whether a paragraph's edits leave text that neither repair_unicode nor
    these repairs would change again: a re-oriented quote next to "â€" can
    spell fresh mojibake, a closed scare quote can glue to the next mark. The
    chain must be idempotent, so such a paragraph is left as it was."""
    shifted = [replace(e, start=e.start - paragraph.start(), end=e.end - paragraph.start()) for e in mine]
    fixed = apply_edits(paragraph.group(), shifted)
    if len(fixed) + len(previous) <= MAX_MEMO_CHARS:
        return _remembered_left_alone(fixed, previous)
    return _left_alone(fixed, previous)


def _left_alone(fixed: str, previous: str) -> bool:
    """Whether repair_unicode and the local repairs leave a repaired
    paragraph alone (after `previous`).

    >>> _left_alone("“Fine,” she said.", ""), _left_alone("Russiaâ€™s war", "")
    (True, False)
    """
    return not repair_unicode(fixed) and not _local_repairs(fixed, previous)


_remembered_left_alone = lru_cache(maxsize=MEMO_PARAGRAPHS)(_left_alone)


def missing_opening_quote(paragraph: str, previous: str = "", offset: int = 0) -> list[Edit]:
    """An edit that restores the opening mark of a paragraph that starts with
    quoted speech, in the style of its closing mark.

    >>> [(e.start, e.after) for e in missing_opening_quote('China is willing," Xi remarked.')]
    [(0, '"')]
    >>> missing_opening_quote('He is willing," Xi remarked.', previous='“The first part of the quote,')
    []
    """
    if not paragraph[:1].isupper():
        return []
    match = MISSING_OPENER_RE.match(paragraph)
    if match is None:
        return []
    if _ends_inside_quote(previous):
        return []  # a quotation running on from the paragraph before
    opener = '"' if match.group("mark") == '"' else OPEN
    rule = "missing-opening-quote"
    return [Edit(STEP, rule, offset, offset, "", opener, REASONS[rule])]


def _ends_inside_quote(paragraph: str) -> bool:
    curly = paragraph.count(OPEN) > paragraph.count(CLOSE)
    straight = paragraph.count('"') % 2 == 1
    return curly or straight


def repair_spacing(paragraph: str, offset: int = 0) -> list[Edit]:
    """Edits that remove spaces before punctuation and after currency signs,
    and a word said twice.

    >>> t = "Prices rose to $ 5 , the the highest level ."
    >>> [(e.rule, e.before) for e in repair_spacing(t)]
    [('space-before-punctuation', ' '), ('space-before-punctuation', ' '), ('currency-space', ' '), ('repeated-word', ' the')]
    """
    edits = []
    if SPACE_THEN_PUNCTUATION_RE.search(paragraph):
        edits += [_edit(m, "space-before-punctuation", "", offset) for m in SPACE_BEFORE_PUNCTUATION_RE.finditer(paragraph)]
        if edits and len(FRENCH_SPACING_RE.findall(paragraph)) >= MIN_FRENCH_SPACINGS:
            edits = []  # French spacing, on purpose
    if CURRENCY_THEN_SPACE_RE.search(paragraph):
        edits += [_edit(m, "currency-space", "", offset) for m in CURRENCY_SPACE_RE.finditer(paragraph)]
    if _may_repeat_a_word(paragraph):
        for m in REPEATED_WORD_RE.finditer(paragraph):
            if m.group("word") not in LEGITIMATE_DOUBLES:
                edits.append(_edit(m, "repeated-word", "", offset, group="again"))
    return edits


def _without_overlaps(edits: list[Edit]) -> list[Edit]:
    """Edits sorted by position; of two that overlap, the first stays."""
    kept, end = [], -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start >= end:
            kept.append(edit)
            end = edit.end
    return kept


def repair_quotes(paragraph: str, offset: int = 0) -> list[Edit]:
    """Edits that repair curly double quotes in one paragraph.

    >>> [(e.rule, e.before, e.after) for e in repair_quotes("their “no-limits’ pact and “more”.")]
    [('mismatched-quote', '’', '”')]
    >>> repair_quotes("“We agree,” he said. “Fully.”")
    []
    >>> repair_quotes("Er sagte „Nein“ und ging.")
    []
    """
    if any(mark in paragraph for mark in LOW_OPENING_MARKS):
        return []
    edits: list[Edit] = []
    opened_at = None  # where the open double quote ends, if one is open
    for run in DOUBLE_QUOTE_RUN_RE.finditer(paragraph):
        role = _role(paragraph, run.start(), run.end())
        if role == "glued":
            role = "glued-close" if opened_at is not None else "open"
        if role == "open" and opened_at is not None:
            edits += _close_scare_quote(paragraph, opened_at, run.start(), offset)
        mark = {"open": OPEN, "close": CLOSE, "glued-close": CLOSE + " "}.get(role)
        if mark is None:  # free-standing: cannot tell
            continue
        if run.group() != mark.strip() or role == "glued-close":
            rule = (
                "glued-quote" if role == "glued-close"
                else "doubled-quote" if len(run.group()) > 1
                else "quote-orientation"
            )
            edits.append(Edit(STEP, rule, offset + run.start(), offset + run.end(), run.group(), mark, REASONS[rule]))
        opened_at = run.end() if role == "open" else None
    if opened_at is not None:
        edits += _close_scare_quote(paragraph, opened_at, len(paragraph), offset)
    return edits


def _role(text: str, start: int, end: int) -> str:
    """open, close, glued (word on both sides) or free (space on both sides)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    word_before, word_after = bool(WORD_CHAR_RE.match(before)), bool(WORD_CHAR_RE.match(after))
    if word_before and word_after:
        return "glued"
    if not before.isspace() and (after.isspace() or not word_after):
        return "close"
    if not after.isspace():
        return "open"
    return "free"


def _close_scare_quote(paragraph: str, start: int, end: int, offset: int) -> list[Edit]:
    """A double quote opened at `start` and never closed before `end`: if a
    right single quote closes a short span, it was meant as the closing mark."""
    match = RIGHT_SINGLE_RE.search(paragraph, start, end)
    if match is None or "‘" in paragraph[start : match.start()]:
        return []
    if len(paragraph[start : match.start()].split()) > MAX_SCARE_QUOTE_WORDS:
        return []
    rule = "mismatched-quote"
    return [Edit(STEP, rule, offset + match.start(), offset + match.end(), "’", CLOSE, REASONS[rule])]


def _edit(match: regex.Match, rule: str, after: str, offset: int = 0, group: int | str = 0) -> Edit:
    edit = edit_from_match(match, STEP, rule, REASONS[rule], after, group)
    return replace(edit, start=edit.start + offset, end=edit.end + offset) if offset else edit
