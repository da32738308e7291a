"""The fast path of review_warnings gives what the plain code gave.

unbalanced_quotes counts straight quotes only in paragraphs that have one,
with a compiled pattern; checked here against the code it replaced, on text
made of quote marks, digits (inch marks) and paragraph breaks.
"""

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.edits import paragraphs
from cleaners.review import ReviewWarning, _straight_quotes, unbalanced_quotes

PIECES = st.sampled_from(['"', "“", "”", "„", "5", "x", " ", "\n", "\n\n", "said"])
TEXTS = st.lists(PIECES, max_size=40).map("".join)


def plain_unbalanced_quotes(text: str) -> list[ReviewWarning]:
    """unbalanced_quotes as it was: a regex.findall with a pattern string on every paragraph."""
    found = list(paragraphs(text))
    warnings = []
    for index, paragraph in enumerate(found):
        body = paragraph.group()
        if "„" in body:
            opens, closes = body.count("„"), body.count("“") + body.count("”")
        else:
            opens, closes = body.count("“"), body.count("”")
        straight = len(regex.findall(r'(?<!\d)"', body))
        following = found[index + 1].group() if index + 1 < len(found) else ""
        runs_on = opens == closes + 1 and following.startswith(("“", '"'))
        if (opens != closes and not runs_on) or (straight % 2 and not following.startswith('"')):
            warnings.append(ReviewWarning(paragraph.start(), paragraph.end(), "unbalanced-quotes", body[:80]))
    return warnings


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_straight_quotes_are_those_the_pattern_finds(text):
    assert _straight_quotes(text) == len(regex.findall(r'(?<!\d)"', text))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_unbalanced_quotes_are_those_the_plain_code_finds(text):
    assert unbalanced_quotes(text) == plain_unbalanced_quotes(text)
