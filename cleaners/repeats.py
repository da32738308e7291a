"""dedupe_paragraphs: paragraphs and sentences a document says twice.

Re-scraped and spun pages repeat paragraphs, exactly or with a few words
changed, repeat a sentence of the article as a caption or pull quote, repeat
the headline as the first paragraph, and some extractors give a whole run of
paragraphs two or three times. The first copy always stays (it is where the
writer put it); later copies go.

In order: whole paragraphs (exact and near copies, the headline, runs the
extractor repeated), then sentences. A sentence that repeats an earlier one
is cut out of its paragraph; when nothing worth keeping is left, the
paragraph goes. A one-sentence paragraph that restates an earlier sentence
and adds only a clause goes too. A paragraph that only partly overlaps an
earlier one otherwise keeps everything but the repeated sentence.

Paragraphs and sentences are compared as sequences of lower-cased words, so
quote style, punctuation and spacing do not hide a repeat.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict

import regex
from rapidfuzz import process
from rapidfuzz.distance import Indel

from cleaners.edits import Edit, delete_paragraphs, paragraphs
from cleaners.patterns import WORD_CHAR_CLASS, WORD_RE, bmp_class, words_all_in_bmp

STEP = "dedupe_paragraphs"

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
# The headline is the first paragraph when it is this short (headlines run
# 5-20 words); a copy of it among the next few paragraphs is a scraper
# putting the <h1> and the page title both into the text.
MIN_HEADLINE_WORDS = 4
MAX_HEADLINE_WORDS = 30
HEADLINE_WINDOW = 3
# A sentence boundary: end punctuation (and closing quotes), space, then a
# capital, opening quote or digit; not after an initial ("U.S. House",
# "George R.R. Martin") or a common abbreviation ("Mr.", "Aug. 10"). A
# boundary missed only makes a repeat harder to find; a boundary invented
# could cut half a sentence. The match is the space alone.
#
# The end punctuation and closing marks are matched, then dropped from the
# match (\K), rather than looked behind for: a pattern that starts with a
# character class lets the scan skip to the next end punctuation instead of
# trying a lookbehind at every character (40% less time). The boundaries are
# the same: between end punctuation and the space there are only closing
# marks, none of them end punctuation or a space, so the punctuation a
# boundary follows is found exactly once, never inside an earlier match
# (which ends at its space). The abbreviations are tried only after that.
ABBREVIATIONS = "Mr|Mrs|Ms|Dr|Jr|Sr|St|Prof|Gov|Sen|Rep|Gen|Col|Lt|Sgt|Capt|No|Vol|Inc|Corp|Co|Ltd|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
SENTENCE_END_RE = regex.compile(
    rf"[.!?…][”’\"')\]]*\K(?<!\b\p{{Lu}}\.|\b(?:{ABBREVIATIONS})\.) (?=[\p{{Lu}}“‘\"'(\p{{N}}])"
)
# Every word of a text and every line break, in order: _tokenized reads a
# document whose sentences each sit on a line of their own.
WORD_OR_LINE_BREAK_RE = regex.compile(WORD_RE.pattern + "|\n")
# The same for `re`, which reads words faster, and alike in a text whose word
# characters are all in the BMP (cleaners.patterns.bmp_class).
FAST_WORD_OR_LINE_BREAK_RE = re.compile(bmp_class(WORD_CHAR_CLASS) + "+|\n")

# Only sentences of running prose are what a later sentence may repeat: a
# paragraph of two or more sentences that ends like a sentence and is no list
# item. One-line paragraphs are headings, list items and pull quotes
# ("“Had he taken ... George R.R. Martin.” — Neil Gaiman", "2. Don’t throw
# yourself in the deep end on Day 1"), which the text then says in full
# (aeb-dev ground truth): both copies stay. Ending like a sentence is ending
# with end punctuation and then any closing quotes or brackets (at the end of
# the text, which str methods find without a regex scan of all of it).
SENTENCE_END_PUNCTUATION = (".", "!", "?", "…")
CLOSING_MARKS = "”’\"')]"
LIST_ITEM_RE = regex.compile(r"^(?:[•*·▪–—-]|\p{N}{1,2}[.)])\s")
# Sentences shorter than this are not compared: shorter ones repeat on
# purpose (list items, product names; a 13-word contest announcement the
# writer put at the top and the bottom of an aeb-dev ground-truth article).
MIN_SENTENCE_WORDS = 14
# A sentence repeats an earlier one at this word-level similarity. Spun
# copies with one word in ten changed score ~0.9; the closest distinct
# sentences of the aeb-dev ground truth (list items about different people,
# a tweet quoted in the text) score 0.81.
NEAR_SENTENCE_SIMILARITY = 0.85
# What is left of a paragraph after its repeated sentences are cut is
# dropped with them when shorter than this ("Pic.", a dangling "Photo:");
# three words ("The bottom line ...") can be the writer's.
MIN_KEPT_WORDS = 3
# Restatement: a one-sentence paragraph holding a near copy (contiguous
# words, similarity >= NEAR_REPEAT_SIMILARITY) of an earlier sentence of at
# least MIN_RESTATED_WORDS, where the copy is at least half of it, adds only
# a clause (seed 000: "The meeting came at a potentially significant moment
# ..., as Russian troops retreated en masse, losing ..."). No ground-truth
# paragraph of aeb-dev matches this.
MIN_RESTATED_WORDS = 12
MIN_RESTATED_SHARE = 0.5
# ... and "a clause" is at most this many words besides the copy (seed 000
# adds 15); more is a sentence of its own run together with the copy.
MAX_RESTATED_ADDED_WORDS = 16
# A near copy of a paragraph is not deleted whole when one of its sentences
# (of MIN_KEPT_WORDS or more) shares less than this share of its words, in
# order, with the first copy: it adds a sentence, so only the repeated
# sentences go (sentence level).
MIN_SENTENCE_COVERAGE = 0.5

REASONS = {
    "repeated-paragraph": "the same paragraph appears earlier in the document",
    "near-repeat": "a near copy of an earlier paragraph",
    "contained-repeat": "repeats, word for word, part of an earlier paragraph (caption or pull quote)",
    "repeated-headline": "repeats the headline (the first paragraph)",
    "repeated-block": "part of a run of paragraphs the extractor gave more than once",
    "repeated-sentence": "the same sentence (or a near copy) appears earlier in the document",
    "repeated-sentences": "every sentence of the paragraph appears earlier in the document",
    "restated-paragraph": "restates an earlier sentence and adds only a clause",
}


def dedupe_paragraphs(text: str) -> list[Edit]:
    """Edits that delete later copies of repeated paragraphs and sentences.

    >>> t = "Putin met Xi in Samarkand on Thursday for talks on trade.\\n\\nOther text.\\n\\nPutin met Xi in Samarkand on Thursday for talks on trade.\\n"
    >>> [(e.rule, e.before) for e in dedupe_paragraphs(t)]
    [('repeated-paragraph', '\\nPutin met Xi in Samarkand on Thursday for talks on trade.\\n')]
    """
    spans = list(paragraphs(text))
    sentences, words = _tokenized(text, spans)
    doomed = _repeated_paragraphs(spans, words, sentences)
    sentence_edits = _repeated_sentences(spans, sentences, doomed)
    if not doomed:  # most documents; their sentence edits come paragraph by paragraph, in order
        return sentence_edits
    return sorted(delete_paragraphs(text, doomed, STEP) + sentence_edits, key=lambda e: e.start)


# Words are compared as token strings: one character per distinct lower-cased
# word of the document, the same character for the same word. rapidfuzz
# compares strings many times faster than tuples of words (no word to hash on
# each call), and every comparison made here (equality, length, Indel
# similarity, slices, sets, containment of a run of words) gives the same
# answer on either form. Code points start just above the newline, at which
# _tokenized splits sentences and which _contained_repeats puts between
# paragraphs: the first 245 distinct words get code points below 256, which
# rapidfuzz looks up in a table instead of a hash map (1.5x faster
# comparisons). A document with more distinct words than code points keeps
# its words as tuples.
FIRST_TOKEN = ord("\n") + 1
MAX_VOCABULARY = 0x110000 - FIRST_TOKEN
# The lower-cased words of a sentence or paragraph, in one of those two forms.
Words = str | tuple[str, ...]


def _tokenized(text: str, spans: list[regex.Match]) -> tuple[list[list], list[Words]]:
    """The (start, end, words) sentences of each paragraph (`spans`), words
    lower-cased, as token strings (see FIRST_TOKEN), or as tuples of words
    when the document has too many distinct words; and each paragraph's words
    in the same form (a sentence boundary is one space, so a paragraph's words
    are its sentences' words).

    The document is read in one go rather than sentence by sentence: each
    sentence boundary becomes a line break (one character for another, so
    offsets stay), one findall gives every word and line break in order, and
    the document's token string splits at its line breaks into sentences.
    A boundary never sees past its paragraph's line (none of the characters
    it looks at is a line break), so these are the paragraphs' own sentences.

    >>> text = "Rain. Rain fell.\\n\\nFell."
    >>> _tokenized(text, list(paragraphs(text)))
    ([[(0, 5, '\\x0b'), (6, 16, '\\x0b\\x0c')], [(0, 5, '\\x0c')]], ['\\x0b\\x0b\\x0c', '\\x0c'])
    """
    lined = SENTENCE_END_RE.sub("\n", text)
    in_order = _lower_words(lined)
    # Fewer items than MAX_VOCABULARY: fewer distinct words too, no need to count them.
    if len(in_order) > MAX_VOCABULARY and len(set(in_order) - {"\n"}) > MAX_VOCABULARY:
        line_words = _split_at_line_breaks(in_order)
    else:
        line_words = "".join(map(_token_table().__getitem__, in_order)).split("\n")
    lines = lined.split("\n")
    # Hand the words back sentence by sentence, paragraph by paragraph.
    sentences, paragraph_words, line, after_last = [], [], 0, 0
    for span in spans:
        start, end = span.span()
        line += start - after_last  # only line breaks between two paragraphs
        last = line + lined.count("\n", start, end)
        if last == line:  # one sentence, the paragraph (most paragraphs)
            sentences.append([(0, end - start, line_words[line])])
            paragraph_words.append(line_words[line])
        else:
            parts, begin = [], 0
            for sentence, words in zip(lines[line : last + 1], line_words[line : last + 1]):
                parts.append((begin, begin + len(sentence), words))
                begin += len(sentence) + 1
            sentences.append(parts)
            paragraph_words.append(_concatenated(line_words[line : last + 1]))
        line, after_last = last, end
    return sentences, paragraph_words


def _token_table() -> defaultdict[str, str]:
    """Word -> token: the next code point from FIRST_TOKEN for each new word
    (one dictionary look-up a word), the line break for itself (no token is
    one: see FIRST_TOKEN). A new word's token comes from an iterator of code
    points called from C, so no word costs a Python call (a __missing__
    method was one call in three words).

    >>> tokens = _token_table()
    >>> [tokens[word] for word in ["rain", "\\n", "fell", "rain"]] == [chr(FIRST_TOKEN), "\\n", chr(FIRST_TOKEN + 1), chr(FIRST_TOKEN)]
    True
    """
    return defaultdict(map(chr, itertools.count(FIRST_TOKEN)).__next__, {"\n": "\n"})


def _lower_words(text: str) -> list[str]:
    """The words and line breaks of a text, in order, words lower-cased.

    The words of the lower-cased text, one str.lower call instead of one per
    word: the same as lower-casing each word, since str.lower maps each
    character on its own and every character it changes becomes characters
    that are word characters (or line breaks) exactly when it was one
    (checked for every code point in tests/test_repeats_fast_paths.py). The
    one exception is the capital sigma, whose lower case depends on the
    letters around it, which can lie beyond the word's end: a text with one
    is lower-cased word by word.

    >>> _lower_words("The Río\\nGrande's ΟΔΟΣ-ΣΑ.")
    ['the', 'río', '\\n', 'grande', 's', 'οδος', 'σα']
    """
    if "Σ" in text:
        return _lower_each(_words_and_line_breaks(text))
    return _words_and_line_breaks(text.lower())


def _words_and_line_breaks(text: str) -> list[str]:
    """WORD_OR_LINE_BREAK_RE.findall(text), with `re` when it reads the text
    alike.

    >>> _words_and_line_breaks("Río\\nde\\u0301-2") == ["Río", "\\n", "de\\u0301", "2"]
    True
    """
    if words_all_in_bmp(text):
        return FAST_WORD_OR_LINE_BREAK_RE.findall(text)
    return WORD_OR_LINE_BREAK_RE.findall(text)


def _split_at_line_breaks(items: list[str]) -> list[tuple[str, ...]]:
    """The words of each line, from the words and line breaks in order.

    >>> _split_at_line_breaks(["a", "\\n", "\\n", "b", "c"])
    [('a',), (), ('b', 'c')]
    """
    lines, line = [], []
    for item in items:
        if item == "\n":
            lines.append(tuple(line))
            line = []
        else:
            line.append(item)
    lines.append(tuple(line))
    return lines


def _concatenated(parts: list[Words]) -> Words:
    """The words of several sentences as one sequence, in the same form."""
    return "".join(parts) if isinstance(parts[0], str) else tuple(itertools.chain.from_iterable(parts))


def _lower_each(words: list[str]) -> list[str]:
    """Each word lower-cased, in one str.lower call instead of one per word.

    The same as [w.lower() for w in words]: words hold no space and no word
    character lowers to one, so splitting at the spaces gives the words back;
    and the one mapping that depends on the letters around (final sigma)
    looks no further than the word, since a space is neither cased nor
    case-ignorable.

    >>> _lower_each(["ΟΔΟΣ", "İstanbul", "Σ"])
    ['οδος', 'i̇stanbul', 'σ']
    """
    return " ".join(words).lower().split(" ") if words else []


def _repeated_paragraphs(
    spans: list[regex.Match], words: list[Words], sentences: list[list]
) -> dict[int, tuple[str, str]]:
    """Paragraph index -> (rule, reason) for whole paragraphs that repeat."""
    doomed = {}
    for group in _copy_groups(words):
        if _is_refrain(group, words):
            continue
        first = words[group[0]]
        block = _spread_out(group)  # would be a refrain, but its neighbours repeat too
        for index in group[1:]:
            rule = "repeated-paragraph" if words[index] == first else "near-repeat"
            if rule == "near-repeat" and _adds_a_sentence(sentences[index], first, spans[index].group()):
                continue
            if block:
                rule = "repeated-block"
            doomed[index] = (rule, REASONS[rule])
    for index in _headline_copies(words, sentences, spans):
        doomed.setdefault(index, ("repeated-headline", REASONS["repeated-headline"]))
    for index in _contained_repeats(words, doomed):
        doomed[index] = ("contained-repeat", REASONS["contained-repeat"])
    return doomed


def _contained_repeats(words: list[Words], doomed: dict[int, tuple[str, str]]) -> list[int]:
    """Paragraphs not doomed yet that repeat, word for word, part of a longer
    earlier paragraph that stays (see MIN_CONTAINED_WORDS).

    >>> _contained_repeats([tuple("abcdefgh"), tuple("cdefgh"), tuple("xcdefgh")], {0: ("near-repeat", "")})
    []
    >>> _contained_repeats([tuple("abcdefgh"), tuple("cdefgh"), tuple("xcdefgh")], {})
    [1]
    """
    joined = [_joined(paragraph) for paragraph in words]
    # Every paragraph, kept or not, one after another: a run of words found in
    # none of the paragraphs before this one is in none of those kept (the
    # newline between two keeps a run from spanning both). Most paragraphs
    # repeat nothing, so one search rules them out before the paragraph by
    # paragraph check below.
    document = "\n".join(joined)
    earlier: list[tuple[int, str]] = []  # (word count, " w1 w2 ... ") of the paragraphs kept so far
    contained, start = [], 0
    for index, paragraph in enumerate(words):
        if index not in doomed:
            if (
                MIN_CONTAINED_WORDS <= len(paragraph) <= MAX_CONTAINED_WORDS
                and document.find(joined[index], 0, start) >= 0
                and any(count > len(paragraph) and joined[index] in other for count, other in earlier)
            ):
                contained.append(index)
            else:
                earlier.append((len(paragraph), joined[index]))
        start += len(joined[index]) + 1
    return contained


def _headline_copies(words: list[Words], sentences: list[list], spans: list[regex.Match]) -> list[int]:
    """Paragraphs among the first few after the headline that repeat it (and
    add no sentence of their own)."""
    if not words or not MIN_HEADLINE_WORDS <= len(words[0]) <= MAX_HEADLINE_WORDS or len(sentences[0]) > 1:
        return []
    headline = words[0]
    if words.count(headline) >= MIN_REFRAIN_COPIES:  # a refrain, not a headline
        return []
    return [
        index
        for index in range(1, min(len(words), HEADLINE_WINDOW + 1))
        if _lengths_allow(len(words[index]), len(headline))
        and Indel.normalized_similarity(words[index], headline) >= NEAR_REPEAT_SIMILARITY
        and not _adds_a_sentence(sentences[index], headline, spans[index].group())
    ]


def _adds_a_sentence(parts: list, first: Words, paragraph: str) -> bool:
    """Whether a near copy of `first` holds a sentence that `first` lacks (a
    credit such as "Photo: AP" does not end like a sentence and does not count)."""
    for start, end, words in parts:
        if len(words) >= MIN_KEPT_WORDS and _ends_like_a_sentence(paragraph[start:end]):
            shared = (len(words) + len(first) - Indel.distance(words, first)) / 2
            if shared < MIN_SENTENCE_COVERAGE * len(words):
                return True
    return False


def _repeated_sentences(
    spans: list[regex.Match], sentences: list[list], doomed: dict[int, tuple[str, str]]
) -> list[Edit]:
    """Edits that cut repeated sentences out of the paragraphs that stay.

    Deletes (adds to `doomed`) a paragraph left with nothing worth keeping,
    and a one-sentence paragraph that restates an earlier sentence.
    """
    counts = _SentenceCounts(sentences)
    earlier: list[Words] = []  # the long sentences of the prose kept so far
    earlier_by_length: dict[int, list] = {}  # the same with their sets of words, by word count
    edits = []
    for index, parts in enumerate(sentences):
        if index in doomed or not _has_long_sentence(parts):
            continue
        # Near an earlier one first: it almost never is, and a refrain's count matters only then.
        repeated = [
            len(words) >= MIN_SENTENCE_WORDS
            and _near_any(words, earlier, NEAR_SENTENCE_SIMILARITY)
            and counts[words] < MIN_REFRAIN_COPIES
            for _, _, words in parts
        ]
        if any(repeated) and sum(len(words) for (_, _, words), r in zip(parts, repeated) if not r) < MIN_KEPT_WORDS:
            doomed[index] = ("repeated-sentences", REASONS["repeated-sentences"])
            continue
        if (
            len(parts) == 1
            and _ends_like_a_sentence(spans[index].group())  # not a tweet embed ("... pic.twitter.com/x — @who Nov 20")
            and _restates_any(parts[0][2], earlier_by_length)
        ):
            doomed[index] = ("restated-paragraph", REASONS["restated-paragraph"])
            continue
        if any(repeated):
            edits += _cut_sentences(spans[index], parts, repeated)
        if _is_prose(spans[index].group(), parts):
            for (_, _, words), r in zip(parts, repeated):
                if not r and len(words) >= MIN_SENTENCE_WORDS:
                    earlier.append(words)
                    earlier_by_length.setdefault(len(words), []).append((words, set(words)))
    return edits


class _SentenceCounts:
    """How many times each long sentence (MIN_SENTENCE_WORDS words or more)
    occurs in a document, counted when first asked: only a sentence near an
    earlier one asks, and most documents have none.

    >>> counts = _SentenceCounts([[(0, 1, "a" * 14)], [(0, 1, "a" * 14), (2, 3, "b")]])
    >>> counts["a" * 14], counts["b"]
    (2, 0)
    """

    def __init__(self, sentences: list[list]) -> None:
        self._sentences = sentences
        self._counts: Counter | None = None

    def __getitem__(self, words: Words) -> int:
        if self._counts is None:
            self._counts = Counter(w for parts in self._sentences for _, _, w in parts if len(w) >= MIN_SENTENCE_WORDS)
        return self._counts[words]


def _is_prose(paragraph: str, parts: list) -> bool:
    """Whether a paragraph is running prose (see LIST_ITEM_RE).

    >>> _is_prose("It rained. Roads closed.", [(0, 10, "ab"), (11, 24, "cd")])
    True
    >>> _is_prose("1. It rained. Roads closed", [(0, 12, "ab"), (13, 26, "cd")])
    False
    """
    return len(parts) > 1 and _ends_like_a_sentence(paragraph) and not LIST_ITEM_RE.match(paragraph)


def _ends_like_a_sentence(line: str) -> bool:
    """Whether a line (no line break in it) ends with end punctuation and
    then only closing marks: with those stripped, it ends with the punctuation
    (no end punctuation is a closing mark).

    >>> _ends_like_a_sentence("He left.”)"), _ends_like_a_sentence("Photo: AP"), _ends_like_a_sentence("”")
    (True, False, False)
    """
    return line.rstrip(CLOSING_MARKS).endswith(SENTENCE_END_PUNCTUATION)


def _near_sentence(a: Words, b: Words) -> bool:
    return _lengths_allow(len(a), len(b), NEAR_SENTENCE_SIMILARITY) and bool(
        Indel.normalized_similarity(a, b, score_cutoff=NEAR_SENTENCE_SIMILARITY)
    )


def _has_long_sentence(parts: list) -> bool:
    """Whether a paragraph has a sentence of MIN_SENTENCE_WORDS words or more.

    One that has none needs no look at the sentence level: shorter sentences
    are never compared, and none restates an earlier one (those have
    MIN_SENTENCE_WORDS words, a restatement more), so there is nothing to cut
    and nothing to remember.
    """
    return any(len(words) >= MIN_SENTENCE_WORDS for _, _, words in parts)


def _restates_any(sentence: Words, earlier_by_length: dict[int, list]) -> bool:
    """Whether `sentence` restates any earlier sentence (word count ->
    [(words, set of words)]). Only the lengths _restates allows are looked
    at (a clause, up to MAX_RESTATED_ADDED_WORDS words, shorter than the
    sentence), and its cheap test is made first with each set built once."""
    distinct = set(sentence)
    return any(
        len(other_distinct & distinct) >= NEAR_REPEAT_SIMILARITY * len(other_distinct) - 1 and _restates(sentence, other)
        for length in range(len(sentence) - MAX_RESTATED_ADDED_WORDS, len(sentence))
        for other, other_distinct in earlier_by_length.get(length, ())
    )


def _restates(sentence: Words, other: Words) -> bool:
    """Whether `sentence` holds a near copy of `other` (contiguous words) that
    is at least MIN_RESTATED_SHARE of it."""
    if len(other) < MIN_RESTATED_WORDS or not len(other) < len(sentence) <= len(other) + MAX_RESTATED_ADDED_WORDS:
        return False
    if len(other) < MIN_RESTATED_SHARE * len(sentence) * NEAR_REPEAT_SIMILARITY:
        return False
    if len(set(other) & set(sentence)) < NEAR_REPEAT_SIMILARITY * len(set(other)) - 1:  # cheap test first
        return False
    for width in range(max(1, int(len(other) * NEAR_REPEAT_SIMILARITY)), min(len(sentence), int(len(other) / NEAR_REPEAT_SIMILARITY)) + 1):
        if width < MIN_RESTATED_SHARE * len(sentence):
            continue
        for start in range(len(sentence) - width + 1):
            if Indel.normalized_similarity(sentence[start : start + width], other, score_cutoff=NEAR_REPEAT_SIMILARITY):
                return True
    return False


def _cut_sentences(span: regex.Match, parts, repeated: list[bool]) -> list[Edit]:
    """Edits that remove the repeated sentences of one paragraph, keeping
    single spaces between the rest and none at either end."""
    text, offset = span.group(), span.start()
    edits = []
    for n, ((start, end, _), cut) in enumerate(zip(parts, repeated)):
        if not cut:
            continue
        if n + 1 < len(parts):  # the sentence and the space after it
            end = parts[n + 1][0]
        else:  # the last sentence: the space before it
            start = parts[n - 1][1]
        edits.append(Edit(STEP, "repeated-sentence", offset + start, offset + end, text[start:end], "", REASONS["repeated-sentence"]))
    return _merge_adjacent(edits)


def _merge_adjacent(edits: list[Edit]) -> list[Edit]:
    """One edit per run of touching deletions (edits of a step never overlap)."""
    out: list[Edit] = []
    for edit in edits:
        if out and out[-1].end >= edit.start:
            last = out.pop()
            start, end = last.start, max(last.end, edit.end)
            before = last.before + edit.before[last.end - edit.start :]
            out.append(Edit(STEP, last.rule, start, end, before, "", last.reason))
        else:
            out.append(edit)
    return out


def _copy_groups(words: list[Words]) -> list[list[int]]:
    """Paragraph indices grouped with their exact and near copies, first copy
    first. Each paragraph is compared with each group's first copy only."""
    groups: list[list[int]] = []
    firsts: list[Words] = []  # the words of each group's first copy, in group order
    group_of: dict[int, list[int]] = {}
    exact: dict[Words, list[int]] = {}
    for index, paragraph in enumerate(words):
        if index and paragraph == words[index - 1] and len(paragraph) >= MIN_STUTTER_WORDS:
            group = group_of.get(index - 1)
            if group is None:
                group = group_of[index - 1] = [index - 1]
                groups.append(group)
                firsts.append(paragraph)
        elif len(paragraph) >= MIN_REPEAT_WORDS:
            group = exact.get(paragraph) or _near_group(paragraph, groups, firsts)
            if group is None:
                group = []
                groups.append(group)
                firsts.append(paragraph)
            exact.setdefault(paragraph, group)
        else:
            continue
        group.append(index)
        group_of[index] = group
    return [g for g in groups if len(g) > 1]


def _near_group(paragraph: Words, groups: list[list[int]], firsts: list[Words]) -> list[int] | None:
    """The first group whose first copy the paragraph nearly repeats.

    One rapidfuzz call first tells whether any first copy comes near (most
    paragraphs repeat none); only then are they compared one by one, in
    order, for the first. Lengths that rule the similarity out need no
    screen of their own: Indel similarity never exceeds 2 * min / (a + b).
    """
    if not _near_any(paragraph, firsts, NEAR_REPEAT_SIMILARITY):
        return None
    return next(
        group
        for group, first in zip(groups, firsts)
        if Indel.normalized_similarity(paragraph, first, score_cutoff=NEAR_REPEAT_SIMILARITY)
    )


def _near_any(words: Words, others: list[Words], similarity: float) -> bool:
    """Whether any of `others` has at least `similarity` with `words` (Indel
    ratio), in one rapidfuzz call.

    >>> _near_any("abcdefghij", ["klmnopqrst", "abcdefghiX"], 0.85), _near_any("abcdefghij", [], 0.85)
    (True, False)
    """
    return bool(others) and process.extractOne(words, others, scorer=Indel.normalized_similarity, score_cutoff=similarity) is not None


def _is_refrain(group: list[int], words: list[Words]) -> bool:
    """Three or more copies with other paragraphs between them, unless a
    neighbour of each copy repeats too: then the extractor gave a run of
    paragraphs several times (a refrain is followed by a different answer)."""
    if not _spread_out(group):
        return False
    return not any(all(_neighbour_repeats(words, group[0], index, step) for index in group[1:]) for step in (-1, 1))


def _spread_out(group: list[int]) -> bool:
    """Three or more copies, not all in one run."""
    return len(group) >= MIN_REFRAIN_COPIES and any(b - a > 1 for a, b in zip(group, group[1:]))


def _neighbour_repeats(words: list[Words], first: int, index: int, step: int) -> bool:
    a, b = first + step, index + step
    if not (0 <= a < len(words) and 0 <= b < len(words)) or len(words[a]) < MIN_REPEAT_WORDS:
        return False
    return words[a] == words[b] or _near_sentence(words[a], words[b])


def _joined(words: Words) -> str:
    """Words as one string in which a substring that is a joined run of words
    is found only as a run of whole words: a token string as it is (each
    word is one character), a tuple with a space around each word.

    >>> _joined(("big", "cat")), _joined("ab")
    (' big cat ', 'ab')
    """
    return words if isinstance(words, str) else " " + " ".join(words) + " "


def _lengths_allow(a: int, b: int, similarity: float = NEAR_REPEAT_SIMILARITY) -> bool:
    """Whether two word counts can reach `similarity` at all:
    2 * min / (a + b) is the best ratio sequences of these lengths reach."""
    return a + b > 0 and 2 * min(a, b) / (a + b) >= similarity
