"""dedupe_paragraphs: paragraphs a document says twice.

Re-scraped and spun pages repeat paragraphs, exactly or with a few words
changed, and repeat a sentence of the article as a caption or pull quote. The
first copy stays (it is where the writer put it); later copies go.

Paragraphs are compared as sequences of lower-cased words, so quote style,
punctuation and spacing do not hide a repeat.
"""

from __future__ import annotations

import regex
from rapidfuzz.distance import Indel

from cleaners.edits import Edit, delete_paragraphs, paragraphs

STEP = "dedupe_paragraphs"

WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# Scraper and spinner repeats are whole paragraphs. Shorter lines repeat on
# purpose: questions of an interview series, list items, "Here’s the thing:"
# (all seen in the aeb-dev ground truth), so only longer ones count.
MIN_REPEAT_WORDS = 10
# A paragraph given twice in a row is an extractor stutter even when short.
MIN_STUTTER_WORDS = 3
# A paragraph that comes back this many times, with other text between the
# copies, is a refrain of the page's structure (the same question put to each
# interviewee, "Vote for X on the last page!"), not a scraping accident.
MIN_REFRAIN_COPIES = 3
# Near repeats: word-level similarity (2 * matching words / total words, the
# Indel ratio) at or above this. Spun copies of a paragraph that swap a few
# words per sentence score 0.8-0.95 (seed 000: 0.91); distinct paragraphs of
# one article stay below 0.6 (measured on the aeb-dev ground truth).
NEAR_REPEAT_SIMILARITY = 0.8
# A paragraph repeated word for word inside a longer earlier one is a caption
# or pull quote when it is this short; a longer one would be a quotation the
# writer chose to give twice.
MIN_CONTAINED_WORDS = 6
MAX_CONTAINED_WORDS = 40

REASONS = {
    "repeated-paragraph": "the same paragraph appears earlier in the document",
    "near-repeat": "a near copy of an earlier paragraph",
    "contained-repeat": "repeats, word for word, part of an earlier paragraph (caption or pull quote)",
}


def dedupe_paragraphs(text: str) -> list[Edit]:
    """Edits that delete later copies of repeated paragraphs.

    >>> t = "Putin met Xi in Samarkand on Thursday for talks on trade.\\n\\nOther text.\\n\\nPutin met Xi in Samarkand on Thursday for talks on trade.\\n"
    >>> [(e.rule, e.before) for e in dedupe_paragraphs(t)]
    [('repeated-paragraph', '\\nPutin met Xi in Samarkand on Thursday for talks on trade.\\n')]
    """
    words = [tuple(w.lower() for w in WORD_RE.findall(p.group())) for p in paragraphs(text)]
    doomed = {}
    for group in _copy_groups(words):
        if _is_refrain(group):
            continue
        first = words[group[0]]
        for index in group[1:]:
            rule = "repeated-paragraph" if words[index] == first else "near-repeat"
            doomed[index] = (rule, REASONS[rule])
    earlier: list[tuple[str, ...]] = []
    for index, paragraph in enumerate(words):
        if index in doomed:
            continue
        if _contained_in_earlier(paragraph, earlier):
            doomed[index] = ("contained-repeat", REASONS["contained-repeat"])
        else:
            earlier.append(paragraph)
    return delete_paragraphs(text, doomed, STEP)


def _copy_groups(words: list[tuple[str, ...]]) -> list[list[int]]:
    """Paragraph indices grouped with their exact and near copies, first copy
    first. Each paragraph is compared with each group's first copy only."""
    groups: list[list[int]] = []
    group_of: dict[int, list[int]] = {}
    exact: dict[tuple[str, ...], list[int]] = {}
    for index, paragraph in enumerate(words):
        if index and paragraph == words[index - 1] and len(paragraph) >= MIN_STUTTER_WORDS:
            group = group_of.get(index - 1)
            if group is None:
                group = group_of[index - 1] = [index - 1]
                groups.append(group)
        elif len(paragraph) >= MIN_REPEAT_WORDS:
            group = exact.get(paragraph) or _near_group(paragraph, groups, words)
            if group is None:
                group = []
                groups.append(group)
            exact.setdefault(paragraph, group)
        else:
            continue
        group.append(index)
        group_of[index] = group
    return [g for g in groups if len(g) > 1]


def _near_group(paragraph, groups, words) -> list[int] | None:
    for group in groups:
        first = words[group[0]]
        if _lengths_allow(len(paragraph), len(first)) and Indel.normalized_similarity(
            paragraph, first, score_cutoff=NEAR_REPEAT_SIMILARITY
        ):
            return group
    return None


def _is_refrain(group: list[int]) -> bool:
    """Three or more copies with other paragraphs between them."""
    spread_out = any(b - a > 1 for a, b in zip(group, group[1:]))
    return len(group) >= MIN_REFRAIN_COPIES and spread_out


def _contained_in_earlier(paragraph: tuple[str, ...], earlier: list[tuple[str, ...]]) -> bool:
    if not MIN_CONTAINED_WORDS <= len(paragraph) <= MAX_CONTAINED_WORDS:
        return False
    needle = " " + " ".join(paragraph) + " "
    return any(len(other) > len(paragraph) and needle in " " + " ".join(other) + " " for other in earlier)


def _lengths_allow(a: int, b: int) -> bool:
    """Whether two word counts can reach NEAR_REPEAT_SIMILARITY at all:
    2 * min / (a + b) is the best ratio sequences of these lengths reach."""
    return 2 * min(a, b) / (a + b) >= NEAR_REPEAT_SIMILARITY
