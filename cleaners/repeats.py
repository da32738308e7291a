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
# Shorter paragraphs repeat legitimately ("Yes.", "Q:", a refrain).
MIN_REPEAT_WORDS = 4
# Near repeats: word-level similarity (2 * matching words / total words, the
# Indel ratio) at or above this. Spun copies of a paragraph that swap a few
# words per sentence score 0.8-0.95; distinct paragraphs of one article stay
# below 0.6 (measured on the seed corpus and the aeb-dev ground truth).
NEAR_REPEAT_SIMILARITY = 0.8
# Near-repeat comparison needs enough words for a ratio to mean something.
MIN_NEAR_REPEAT_WORDS = 8
# A paragraph repeated word for word inside a longer earlier one is a caption
# or pull quote when it is this short; a longer one would be a quotation the
# writer chose to give twice.
MIN_CONTAINED_WORDS = 6
MAX_CONTAINED_WORDS = 40

REASONS = {
    "repeated-paragraph": "the same paragraph appears earlier in the document",
    "near-repeat": "a near copy of an earlier paragraph (similarity {similarity:.2f})",
    "contained-repeat": "repeats, word for word, part of an earlier paragraph (caption or pull quote)",
}


def dedupe_paragraphs(text: str) -> list[Edit]:
    """Edits that delete later copies of repeated paragraphs.

    >>> t = "Putin met Xi in Samarkand on Thursday.\\n\\nMore text here, quite different.\\n\\nPutin met Xi in Samarkand on Thursday.\\n"
    >>> [(e.rule, e.before) for e in dedupe_paragraphs(t)]
    [('repeated-paragraph', '\\nPutin met Xi in Samarkand on Thursday.\\n')]
    """
    seen: dict[tuple[str, ...], int] = {}
    earlier: list[tuple[str, ...]] = []
    doomed = {}
    for index, paragraph in enumerate(paragraphs(text)):
        words = tuple(w.lower() for w in WORD_RE.findall(paragraph.group()))
        verdict = _repeat_of(words, seen, earlier)
        if verdict is not None:
            doomed[index] = verdict
            continue
        seen.setdefault(words, index)
        earlier.append(words)
    return delete_paragraphs(text, doomed, STEP)


def _repeat_of(words, seen, earlier) -> tuple[str, str] | None:
    if len(words) < MIN_REPEAT_WORDS:
        return None
    if words in seen:
        return "repeated-paragraph", REASONS["repeated-paragraph"]
    if len(words) >= MIN_NEAR_REPEAT_WORDS:
        for other in earlier:
            if not _lengths_allow(len(words), len(other)):
                continue
            similarity = Indel.normalized_similarity(words, other, score_cutoff=NEAR_REPEAT_SIMILARITY)
            if similarity:
                return "near-repeat", REASONS["near-repeat"].format(similarity=similarity)
    if MIN_CONTAINED_WORDS <= len(words) <= MAX_CONTAINED_WORDS:
        needle = " " + " ".join(words) + " "
        for other in earlier:
            if len(other) > len(words) and needle in " " + " ".join(other) + " ":
                return "contained-repeat", REASONS["contained-repeat"]
    return None


def _lengths_allow(a: int, b: int) -> bool:
    """Whether two word counts can reach NEAR_REPEAT_SIMILARITY at all.

    2 * min / (a + b) is the best ratio two sequences of these lengths reach.
    """
    return 2 * min(a, b) / (a + b) >= NEAR_REPEAT_SIMILARITY
