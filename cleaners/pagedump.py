"""Page-dump mode: navigation, footers and link lists in whole-page text.

Extractors that dump a whole page as text (html-text, inscriptis, html2text)
give the article among hundreds of menu items, one per line. This module finds
them with jusText's idea adapted to text lines: classify each paragraph by
length and sentence shape, revise the unsure ones by their neighbours, then
drop the navigation before the article and the footer after it as whole
runs, and menu runs inside it.

It only switches on for a document that looks like a page dump: many
paragraphs, most of them short and unpunctuated. Already-extracted article
text never does, so it is never touched by this mode.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator
from functools import lru_cache

import regex

from cleaners.patterns import MEMO_LINES, SENTENCE_END_RE, WORD_RE

RULE_LEADING = "page-navigation"
RULE_TRAILING = "page-footer"
RULE_MENU = "page-menu-run"
REASONS = {
    RULE_LEADING: "page-dump text before the article (navigation, header)",
    RULE_TRAILING: "page-dump text after the article (footer, related links)",
    RULE_MENU: "a run of menu or link lines inside a page dump",
}

# A page dump has at least this many paragraphs ...
MIN_PAGE_PARAGRAPHS = 20
# ... and at least this share of them are menu-like (short, unpunctuated).
# Measured on aeb-dev: whole-page dumps have a median share of 0.57-0.72 and
# a 10th percentile of 0.29-0.50; extracted article text has a median of
# 0.00-0.18 (one ground-truth article, a product list, reaches 0.48).
MIN_MENU_LIKE_SHARE = 0.5
# ... and so are this many first paragraphs: a page starts with navigation.
LEADING_WINDOW = 15
# A menu-like paragraph: this many words or fewer, no sentence-final mark.
MAX_MENU_WORDS = 4
# jusText's length limits (LENGTH_LOW_DEFAULT = 70, LENGTH_HIGH_DEFAULT = 200),
# in characters, for paragraphs that are sentences.
LENGTH_LOW = 70
LENGTH_HIGH = 200
# In cased scripts, body text is mostly lower-case words; menus and headlines
# are Title Case. Share of lower-case-initial words a good paragraph needs.
MIN_LOWERCASE_SHARE = 0.5
# Menu runs inside the article go when at least this many paragraphs long.
MIN_MENU_RUN = 3
# Menu items are kept in a memo (MEMO_LINES) up to this many characters.
MAX_MEMO_CHARS = 200
# Lines long enough to classify (LENGTH_LOW to MAX_MEMO_CHARS characters) are
# fewer per site than menu items, so their labels are kept for fewer (at most
# ~13 MB; 5,000 distinct lines in the page dumps of a 40 MB news corpus).
MEMO_SENTENCE_LINES = 1 << 14

# Run-in page dumps (beautifulsoup's get_text joins the whole page into one
# line): a paragraph this long whose text before its first run of sentences,
# or after its last, holds a menu run is cut down to the sentences.
MIN_RUN_IN_CHARS = 1500
# A menu run: a stretch between sentence marks of at least this many words,
# mostly capitalized (menus, link lists, tag clouds). Real sentences this long
# are mostly lower-case words.
MIN_MENU_RUN_WORDS = 50
# Article text: at least this many sentences in a row, each of these lengths.
MIN_SENTENCE_RUN = 2
SENTENCE_WORDS = range(4, 71)
SENTENCE_MARK_RE = regex.compile(r"[.!?。！？][\"”’»)\]]*(?:\s|$)")
# A run-in paragraph's segments: its sentences, and the stretches between
# them. A segment ends where a sentence does (a mark, any closing quotes or
# brackets, then a space) or at the paragraph's last non-space character;
# the next one starts at the next non-space character. A lone mark is no
# segment while a later end can close a longer one (as the pattern this
# replaced read them; tests/test_cheap_screens.py). Sentence ends are found
# by leaping to the marks, not by testing every character for one.
SEGMENT_END_RE = regex.compile(r"[.!?。！？][\"”’»)\]]*(?=\s)")
NON_SPACE_RE = regex.compile(r"\S")
LAST_NON_SPACE_RE = regex.compile(r"(?r)\S")


class Label(enum.Enum):
    GOOD = "good"  # article text
    NEAR_GOOD = "near-good"  # a short sentence: article text next to article text
    SHORT = "short"  # too short to tell alone
    BAD = "bad"  # boilerplate


def page_dump_junk(paragraphs: list[str]) -> dict[int, str]:
    """Indexes of page-dump paragraphs to drop, with the rule id for each.

    >>> menu = ["Home", "News", "Sport", "Weather", "Contact us"] * 5
    >>> body = ["The council approved the new budget on Tuesday, after a debate that lasted "
    ...         "well into the night and ended with a narrow vote. The mayor said the money "
    ...         "would go to schools, roads and the long-delayed library."] * 3
    >>> junk = page_dump_junk(menu + body + menu)
    >>> sorted(set(junk.values())), len(junk)
    (['page-footer', 'page-navigation'], 50)
    """
    if not looks_like_page_dump(paragraphs):
        return {}
    labels = revise([classify(p) for p in paragraphs])
    good = [i for i, label in enumerate(labels) if label is Label.GOOD]
    if not good:
        return {}
    junk = {i: RULE_LEADING for i in range(good[0])}
    junk.update({i: RULE_TRAILING for i in range(good[-1] + 1, len(paragraphs))})
    run: list[int] = []
    for i in range(good[0], good[-1] + 2):
        if i <= good[-1] and labels[i] is Label.BAD:
            run.append(i)
            continue
        if len(run) >= MIN_MENU_RUN:
            junk.update({j: RULE_MENU for j in run})
        run = []
    return junk


def run_in_junk(paragraph: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, rule id) of navigation and footer run into one long
    paragraph, for page dumps that put the whole page on one line. Only a
    paragraph that opens with a menu run counts as such a dump.

    >>> nav = " ".join(["Home News Sport Weather Travel Money Culture Lifestyle Books Music"] * 6)
    >>> body = "The council met on Tuesday and approved the budget. " * 20
    >>> text = nav + " " + body + nav
    >>> [(text[s:e][:12], rule) for s, e, rule in run_in_junk(text)]
    [('Home News Sp', 'page-navigation'), (' Home News S', 'page-footer')]
    """
    if len(paragraph) < MIN_RUN_IN_CHARS or not _opens_with_menu_run(paragraph):
        return []
    segments = list(_segments(paragraph))
    words = [WORD_RE.findall(paragraph[s:e]) for s, e in segments]
    good = [_is_sentence(paragraph[s:e], w) for (s, e), w in zip(segments, words)]
    runs = [i for i in range(len(segments) - MIN_SENTENCE_RUN + 1) if all(good[i : i + MIN_SENTENCE_RUN])]
    if not runs:
        return []
    first, last = runs[0], runs[-1] + MIN_SENTENCE_RUN - 1
    if not any(_is_menu_run(w) for w in words[:first]):
        return []  # a page starts with its navigation; an article may end in a list
    spans = [(0, segments[first][0], RULE_LEADING)]
    for i in range(first + 1, last):  # menu runs between the sentences, with the space before them
        if _is_menu_run(words[i]):
            spans.append((segments[i - 1][1], segments[i][1], RULE_MENU))
    if any(_is_menu_run(w) for w in words[last + 1 :]):
        spans.append((segments[last][1], len(paragraph), RULE_TRAILING))
    return spans


def _segments(paragraph: str) -> Iterator[tuple[int, int]]:
    """The spans of a one-line paragraph's segments (see SEGMENT_END_RE).

    >>> list(_segments(" One. Two “three.” ! Four. "))
    [(1, 5), (6, 18), (19, 26)]
    """
    start = NON_SPACE_RE.search(paragraph)
    for end in SEGMENT_END_RE.finditer(paragraph):
        if end.end() == start.start() + 1:
            continue  # a lone mark: the segment goes on to the next end
        yield start.start(), end.end()
        start = NON_SPACE_RE.search(paragraph, end.end())
        if start is None:  # whitespace after the last sentence
            return
    if start is not None:
        yield start.start(), LAST_NON_SPACE_RE.search(paragraph).end()


def _opens_with_menu_run(paragraph: str) -> bool:
    """Whether a menu run comes before the first run of sentences (read
    lazily: most long paragraphs are article text and stop at once)."""
    in_a_row = 0
    for start, end in _segments(paragraph):
        text = paragraph[start:end]
        words = WORD_RE.findall(text)
        if _is_menu_run(words):
            return True
        in_a_row = in_a_row + 1 if _is_sentence(text, words) else 0
        if in_a_row >= MIN_SENTENCE_RUN:
            return False
    return False


def _is_sentence(segment: str, words: list[str]) -> bool:
    return len(words) in SENTENCE_WORDS and bool(SENTENCE_END_RE.search(segment)) and _lowercase_share(words) >= MIN_LOWERCASE_SHARE


def _is_menu_run(words: list[str]) -> bool:
    return len(words) >= MIN_MENU_RUN_WORDS and _lowercase_share(words) < MIN_LOWERCASE_SHARE


def looks_like_page_dump(paragraphs: list[str]) -> bool:
    """Many paragraphs, most of them menu-like, and a page's navigation first:
    an article that ends in a long list (links, products) is not a page."""
    if len(paragraphs) < MIN_PAGE_PARAGRAPHS:
        return False
    head = paragraphs[:LEADING_WINDOW]  # the cheaper test first
    return _mostly_menu_like(head) and _mostly_menu_like(paragraphs)


def _mostly_menu_like(paragraphs: list[str]) -> bool:
    """Whether at least MIN_MENU_LIKE_SHARE of the paragraphs are menu-like.
    Counting stops as soon as the answer is known: when enough are, or when
    too few are left for enough to be. (The share is worked out as before,
    count / len, so the threshold's rounding cannot differ.)

    >>> _mostly_menu_like(["Home", "News", "It rained all day in the city."]), _mostly_menu_like(["It rained.", "Home"])
    (True, True)
    """
    total, found, left = len(paragraphs), 0, len(paragraphs)
    for paragraph in paragraphs:
        if found / total >= MIN_MENU_LIKE_SHARE or (found + left) / total < MIN_MENU_LIKE_SHARE:
            break
        found += _is_menu_like(paragraph)
        left -= 1
    return found / total >= MIN_MENU_LIKE_SHARE


def classify(paragraph: str) -> Label:
    """A paragraph's label from its own text.

    >>> classify("Share on Facebook"), classify("Officials said the plan, which has been delayed twice, would go ahead.")
    (<Label.SHORT: 'short'>, <Label.NEAR_GOOD: 'near-good'>)
    """
    if len(paragraph) < LENGTH_LOW:
        return Label.SHORT
    # Footer and sidebar lines recur on every page of a site: each distinct
    # one is classified once (the memo is pure: the label depends on the text).
    return _classify_recurring(paragraph) if len(paragraph) <= MAX_MEMO_CHARS else _classify_long(paragraph)


def _classify_long(paragraph: str) -> Label:
    """The label of a paragraph of LENGTH_LOW characters or more."""
    if not SENTENCE_MARK_RE.search(paragraph) or _lowercase_share(WORD_RE.findall(paragraph)) < MIN_LOWERCASE_SHARE:
        return Label.BAD
    return Label.GOOD if len(paragraph) >= LENGTH_HIGH else Label.NEAR_GOOD


_classify_recurring = lru_cache(maxsize=MEMO_SENTENCE_LINES)(_classify_long)


def revise(labels: list[Label]) -> list[Label]:
    """jusText's context revision: unsure paragraphs take the class of their
    surroundings. Near-good ones next to good text are good; short ones are
    good only with good text on both sides; the rest are bad.

    >>> G, N, S, B = Label.GOOD, Label.NEAR_GOOD, Label.SHORT, Label.BAD
    >>> revise([N, G, S, S, G, S, B, N]) == [G, G, G, G, G, B, B, B]
    True
    """
    revised, unsure, before = list(labels), [], None
    for i, label in enumerate([*labels, None]):  # None: the end, past the last sure label
        if label is Label.GOOD or label is Label.BAD or label is None:
            for j in unsure:  # the unsure run between the sure labels `before` and `label`
                revised[j] = _revised(labels[j], before, label)
            unsure, before = [], label
        else:
            unsure.append(i)
    return revised


def _revised(label: Label, before: Label | None, after: Label | None) -> Label:
    """An unsure label, revised by the sure labels on either side (None: no
    sure label on that side)."""
    if label is Label.NEAR_GOOD:
        return Label.GOOD if Label.GOOD in (before, after) else Label.BAD
    return Label.GOOD if before is Label.GOOD and after is Label.GOOD else Label.BAD


def _is_menu_like(paragraph: str) -> bool:
    # Menu items are short and recur on every page of a site: each distinct
    # one is looked at once (the memo is pure: the answer depends on the text).
    return _is_short_menu_like(paragraph) if len(paragraph) <= MAX_MEMO_CHARS else _looks_menu_like(paragraph)


def _looks_menu_like(paragraph: str) -> bool:
    # The sentence-end test first: it rules out most article paragraphs
    # without listing their words.
    # Words are read only until one too many: a long line is no menu item.
    return not SENTENCE_END_RE.search(paragraph) and _word_count_up_to(paragraph, MAX_MENU_WORDS + 1) <= MAX_MENU_WORDS


_is_short_menu_like = lru_cache(maxsize=MEMO_LINES)(_looks_menu_like)


def _word_count_up_to(text: str, limit: int) -> int:
    """How many words the text has, counted only up to `limit`.

    >>> _word_count_up_to("one two three", 2), _word_count_up_to("one two", 5)
    (2, 2)
    """
    return sum(1 for _ in itertools.islice(WORD_RE.finditer(text), limit))


def _lowercase_share(words: list[str]) -> float:
    """The share of lower-case initials among the words' cased initials.

    >>> _lowercase_share(["the", "Council", "met", "2024"]), _lowercase_share(["新闻"])
    (0.6666666666666666, 1.0)
    """
    initials = [w[0] for w in words]
    # A character is upper-case or lower-case or neither, never both.
    lower, upper = sum(map(str.islower, initials)), sum(map(str.isupper, initials))
    if not lower + upper:  # uncased script (Chinese, Japanese, Korean): no evidence either way
        return 1.0
    return lower / (lower + upper)
