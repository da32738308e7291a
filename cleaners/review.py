"""The review list: spans that look garbled but are not safe to repair.

These are reported, never changed: they go to the manifest's `warnings` with
offsets into the clean text, for a person (or a stricter filter) to decide.

- glued-words: two words run together at a lost space (`StratalDiplomatic`);
- stray-capital: a function word capitalized mid-sentence, as link text
  leaves it (`Shocking losses On the battlefield`);
- sentence-fragment: a sentence that starts in lower case after a full stop
  (`address. said in opening remarks`);
- unbalanced-quotes: a paragraph whose quote marks do not pair up, and that
  does not run a quotation on into the next paragraph.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import regex

from cleaners.edits import paragraphs


@dataclass(frozen=True, slots=True)
class ReviewWarning:
    """A span of clean text that looks garbled; reported, never changed."""

    start: int
    end: int
    kind: str
    text: str

    def to_record(self) -> dict:
        return asdict(self)


# Two capitalized words glued: each part has three or more lower-case letters,
# which spares iPhone, McDonald, LeBron, DeSantis and MacBook-style names.
GLUED_WORDS_RE = regex.compile(r"(?<![\p{L}\p{M}#@])\p{Lu}\p{Ll}{3,}\p{Lu}\p{Ll}{3,}(?![\p{L}\p{M}])")
# Camel-case names that are common enough to know (trade names, not glue).
KNOWN_CAMEL_CASE = frozenset({"YouTube", "PlayStation", "WhatsApp", "PayPal", "LinkedIn", "JavaScript", "WordPress", "GlaxoSmithKline", "BlackBerry", "SoftBank", "OpenAI", "DreamWorks", "SpaceX", "FedEx", "HarperCollins", "ExxonMobil", "PricewaterhouseCoopers", "AstraZeneca", "SmithKline"})
# A capitalized function word after a lower-case word, then a lower-case word.
STRAY_CAPITAL_RE = regex.compile(
    r"(?<=\p{Ll}[,]? )(?:On|In|Of|The|And|For|With|To|At|From|By|Into|Over|After|Before|About|Against|Between)(?= \p{Ll})"
)
# A full stop, then a sentence in lower case. The word before the stop must
# not be an abbreviation (U.S., a.m., No., etc.), so it needs three letters.
SENTENCE_FRAGMENT_RE = regex.compile(r"(?<=(?<![\p{L}.])\p{Ll}{3,}\.) (?P<fragment>\p{Ll}[\p{Ll}'’-]*(?=[ ,;]|$)(?: \S+){0,3})")
ABBREVIATIONS = frozenset("etc vol approx dept est fig inc ltd corp nos gen govt sept".split())
# A straight double quote, unless it follows a digit: there it is an inch
# mark (5'11", a 12" pizza), which pairs with nothing.
STRAIGHT_QUOTE_RE = regex.compile(r'(?<!\d)"')


def review_warnings(text: str) -> list[ReviewWarning]:
    """Spans of canonical text that look garbled, for a person to check.

    >>> [(w.kind, w.text) for w in review_warnings("Beijing StratalDiplomatic support.\\n")]
    [('glued-words', 'StratalDiplomatic')]
    >>> [(w.kind, w.text) for w in review_warnings("Forces suffered Shocking losses On the battlefield.\\n")]
    [('stray-capital', 'On')]
    >>> [(w.kind, w.text) for w in review_warnings("Putin said in his address. said in opening remarks, he\\n")]
    [('sentence-fragment', 'said in opening remarks,')]
    """
    warnings = []
    for match in GLUED_WORDS_RE.finditer(text):
        if match.group() not in KNOWN_CAMEL_CASE:
            warnings.append(ReviewWarning(match.start(), match.end(), "glued-words", match.group()))
    for match in STRAY_CAPITAL_RE.finditer(text):
        warnings.append(ReviewWarning(match.start(), match.end(), "stray-capital", match.group()))
    for match in SENTENCE_FRAGMENT_RE.finditer(text):
        word_before = text[: match.start()].rsplit(None, 1)[-1].rstrip(".").lower()
        if word_before not in ABBREVIATIONS:
            span = match.span("fragment")
            warnings.append(ReviewWarning(span[0], span[1], "sentence-fragment", match.group("fragment")))
    warnings += unbalanced_quotes(text)
    return sorted(warnings, key=lambda w: (w.start, w.kind))


def unbalanced_quotes(text: str) -> list[ReviewWarning]:
    """Paragraphs whose double quotes do not pair up. A paragraph that opens a
    quotation and leaves it open is fine when the next paragraph opens with a
    quote mark (the convention for quotations over several paragraphs).

    >>> [w.kind for w in unbalanced_quotes("He said “yes and left.\\n\\nThen it rained.\\n")]
    ['unbalanced-quotes']
    >>> unbalanced_quotes("“First part of the speech.\\n\\n“Second part,” he said.\\n")
    []
    """
    found = list(paragraphs(text))
    warnings = []
    for index, paragraph in enumerate(found):
        body = paragraph.group()
        if "„" in body:  # German-style: „ opens, “ or ” closes
            opens, closes = body.count("„"), body.count("“") + body.count("”")
        else:
            opens, closes = body.count("“"), body.count("”")
        straight = _straight_quotes(body)
        following = found[index + 1].group() if index + 1 < len(found) else ""
        runs_on = opens == closes + 1 and following.startswith(("“", '"'))
        if (opens != closes and not runs_on) or (straight % 2 and not following.startswith('"')):
            warnings.append(ReviewWarning(paragraph.start(), paragraph.end(), "unbalanced-quotes", body[:80]))
    return warnings


def _straight_quotes(paragraph: str) -> int:
    """How many straight double quotes a paragraph has (inch marks aside).

    Most paragraphs have none, and `in` tells so much faster than a regex
    scan can.

    >>> _straight_quotes('He said "yes" to a 12" pizza.'), _straight_quotes("No quotes.")
    (2, 0)
    """
    return len(STRAIGHT_QUOTE_RE.findall(paragraph)) if '"' in paragraph else 0
