"""canonicalize_layout: the canonical form of ARCHITECTURE.md.

Canonical text is NFC, with one paragraph a line, paragraphs separated by
exactly one blank line, single spaces, no space at either end of a line and
one final newline (an empty document is the empty string).

Every line of input is a paragraph: scrapers separate paragraphs by one
newline as often as by two (seed 001). The exception is hard-wrapped text
(html2text and e-mail-style dumps wrap at a fixed width): there a line break
where the next word would not have fitted on the line is a wrap, not a
paragraph end. The whole form comes from one rule about whitespace runs, so
it is idempotent by construction:

- a run at the start of the text goes;
- a run at the end becomes one newline;
- a single line break that is a hard wrap becomes one space;
- a run holding a line break becomes a blank line;
- any other run becomes one space.

Every other run of characters is put in NFC. Whitespace here is Unicode
whitespace (`\\s`): tabs, no-break spaces and the typographic spaces become
plain spaces too.
"""

from __future__ import annotations

import codecs
import unicodedata

import regex

from cleaners.edits import Edit, edits_from_diff

STEP = "canonicalize_layout"

# Whitespace runs and the runs between them; together they cover the text.
RUN_RE = regex.compile(r"(?P<space>\s+)|\S+")
# The whitespace runs that may need an edit: the one at the start, and every
# other (whole: (?<!\s)) run but a single space or a blank line with text after
# it. Those two are canonical wherever they stand (a hard wrap is one line
# break, so a blank line never is one), and they are 97% of the runs of the
# benchmark corpus.
EDITABLE_SPACE_RE = regex.compile(r"(?P<space>\A\s+|(?<!\s)(?! \S|\n\n\S)\s+)")
ENDS_IN_SPACE_RE = regex.compile(r"\s\Z")
# Whitespace that ends a line (a run holding one is a paragraph break).
LINE_BREAKS = r"\n\r\x0b\x0c\x85\u2028\u2029"
LINE_BREAK_RE = regex.compile(f"[{LINE_BREAKS}]")
# The same characters as a set (LINE_BREAKS spells them as regex escapes).
LINE_BREAK_CHARS = frozenset(codecs.decode(LINE_BREAKS, "unicode_escape"))
PARAGRAPH_BREAK = "\n\n"

RULES = {  # rule id -> reason
    "leading-space": "whitespace at the start of the document",
    "final-newline": "the document ends in exactly one newline",
    "paragraph-break": "paragraphs are separated by exactly one blank line",
    "space-run": "runs of spaces, tabs and no-break spaces become one space",
    "nfc": "Unicode normalization form C",
    "hard-wrap": "a line break made by wrapping at a fixed width joins the lines",
}

# Hard-wrapped text: of the lines at least MIN_WRAPPED_LINE_CHARS long that
# another line follows, at least MIN_WRAPPED_LINES, most (MIN_WRAPPED_SHARE)
# end within WRAP_SLACK characters of one width, and that width is a usual
# wrap column (html2text: 78; mail: 72-76). Text with one paragraph a line
# has such lines spread over hundreds of characters and is never taken for it.
MIN_WRAPPED_LINE_CHARS = 40
MIN_WRAPPED_LINES = 10
MIN_WRAPPED_SHARE = 0.6
WRAP_SLACK = 25
WRAP_WIDTHS = range(50, 121)
LINE_SPLIT_RE = regex.compile(r"\r\n|\r|\n")
# A line that starts a list item or heading is never a wrapped continuation.
BLOCK_START_RE = regex.compile(r"\s*(?:[*+>#|-]|\d+[.)])(?:\s|$)")


def canonicalize_layout(text: str, context: object = None) -> list[Edit]:
    """Edits that put text in canonical layout.

    >>> t = "  Title\\r\\nFirst  line.\\u00a0\\n\\n\\n Second.  "
    >>> from cleaners.edits import apply_edits
    >>> apply_edits(t, canonicalize_layout(t))
    'Title\\n\\nFirst line.\\n\\nSecond.\\n'
    >>> canonicalize_layout("Already canonical.\\n")
    []
    """
    width = hard_wrap_width(text)
    edits = []
    for run in _runs_that_may_change(text).finditer(text):
        before = run.group()
        if run.lastgroup != "space":
            if not unicodedata.is_normalized("NFC", before):
                after = unicodedata.normalize("NFC", before)
                edits += edits_from_diff(before, after, run.start(), STEP, "nfc", RULES["nfc"])
            continue
        rule, after = _whitespace_rule(run, before, text, width)
        if after != before:
            edits.append(Edit(STEP, rule, run.start(), run.end(), before, after, RULES[rule]))
    if text and not ENDS_IN_SPACE_RE.match(text, len(text) - 1):  # no final newline at all
        edits.append(Edit(STEP, "final-newline", len(text), len(text), "", "\n", RULES["final-newline"]))
    return edits


def _runs_that_may_change(text: str) -> regex.Pattern:
    """The pattern for the runs worth looking at: all of them, or in NFC text
    only the whitespace runs that may need an edit.

    Why NFC text needs no run-by-run NFC check: whitespace characters are
    starters that take part in no canonical composition, so normalization never
    reaches across the ends of a run between them (UAX #15, stable code
    points): when the whole text is NFC, so is each of those runs.
    tests/test_cheap_screens.py compares the two patterns' edits.
    """
    return EDITABLE_SPACE_RE if unicodedata.is_normalized("NFC", text) else RUN_RE


def _whitespace_rule(run: regex.Match, space: str, text: str, width: int | None) -> tuple[str, str]:
    """The rule for a whitespace run (`space` is its text) and what it becomes."""
    if run.start() == 0:
        return "leading-space", ""
    if run.end() == len(text):
        return "final-newline", "\n"
    if LINE_BREAK_CHARS.isdisjoint(space):  # a set test in C; the breaks are listed only for a wrap
        return "space-run", " "
    if width and _is_wrap(run, text, width, LINE_BREAK_RE.findall(space)):
        return "hard-wrap", " "
    return "paragraph-break", PARAGRAPH_BREAK


def hard_wrap_width(text: str) -> int | None:
    """The column the text was wrapped at, or None if it was not.

    >>> hard_wrap_width(("word " * 15 + "\\n") * 12)
    74
    >>> hard_wrap_width("A paragraph on one line.\\nAnother one.\\n") is None
    True
    """
    unified = _with_newlines_only(text)
    if _odd_line_break_runs(unified) < MIN_WRAPPED_LINES:
        return None  # fewer lines that a line follows than a count needs
    lines = unified.split("\n")
    lengths = sorted(
        len(line.rstrip()) for line, following in zip(lines, lines[1:])
        if following.strip() and len(line.rstrip()) >= MIN_WRAPPED_LINE_CHARS
    )
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(1 for n in lengths if width - WRAP_SLACK <= n <= width)
    if width not in WRAP_WIDTHS or near < MIN_WRAPPED_SHARE * len(lengths):
        return None
    return width


def _with_newlines_only(text: str) -> str:
    """The text with each line break of LINE_SPLIT_RE (CRLF, CR, LF) made one
    LF: splitting it at LF gives the lines LINE_SPLIT_RE.split gives. (Both
    read CRLF first, left to right, so they take the same CRs as CRLFs.)

    >>> _with_newlines_only("a\\r\\nb\\rc\\n\\r\\r\\nd")
    'a\\nb\\nc\\n\\n\\nd'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _odd_line_break_runs(text: str) -> int:
    """How many runs of LFs in the text are of odd length: at least as many
    as the non-empty lines that a non-empty line follows, since each such pair
    is joined by a run of one LF (the screen of hard_wrap_width).

    A run of n LFs adds n to the count of LFs and n // 2 to the count of LF
    pairs, so LFs - 2 * pairs is the number of odd runs: two C-level counts,
    not a walk over the lines.

    >>> _odd_line_break_runs("a\\nb\\n\\nc\\n\\n\\nd")
    2
    """
    return text.count("\n") - 2 * text.count("\n\n")


def _is_wrap(run: regex.Match, text: str, width: int, breaks: list[str]) -> bool:
    """One line break (CRLF counts as one) where the next word would not have fitted."""
    if not breaks or len(breaks) > 2 or (len(breaks) == 2 and "".join(breaks) != "\r\n"):
        return False
    line_start = max(text.rfind(c, 0, run.start()) for c in "\n\r") + 1
    line = text[line_start : run.start()]
    if not line.strip() or BLOCK_START_RE.match(text, run.end()):
        return False
    next_word = len(text[run.end() :].split(None, 1)[0])
    return len(line.rstrip()) + 1 + next_word > width