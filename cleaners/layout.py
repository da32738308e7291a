"""canonicalize_layout: the canonical form of ARCHITECTURE.md.

Canonical text is NFC, with one paragraph a line, paragraphs separated by
exactly one blank line, single spaces, no space at either end of a line and
one final newline (an empty document is the empty string).

Every line of input is a paragraph: scrapers separate paragraphs by one
newline as often as by two (seed 001), and a line break inside a paragraph is
rare in extracted news text. The whole form comes from one rule about
whitespace runs, so it is idempotent by construction:

- a run at the start of the text goes;
- a run at the end becomes one newline;
- a run holding a line break becomes a blank line;
- any other run becomes one space.

Every other run of characters is put in NFC. Whitespace here is Unicode
whitespace (`\\s`): tabs, no-break spaces and the typographic spaces become
plain spaces too.
"""

from __future__ import annotations

import unicodedata

import regex

from cleaners.edits import Edit, edits_from_diff

STEP = "canonicalize_layout"

# Whitespace runs and the runs between them; together they cover the text.
RUN_RE = regex.compile(r"(?P<space>\s+)|\S+")
# Whitespace that ends a line (a run holding one is a paragraph break).
LINE_BREAKS = r"\n\r\x0b\x0c\x85\u2028\u2029"
LINE_BREAK_RE = regex.compile(f"[{LINE_BREAKS}]")
PARAGRAPH_BREAK = "\n\n"

RULES = {  # rule id -> reason
    "leading-space": "whitespace at the start of the document",
    "final-newline": "the document ends in exactly one newline",
    "paragraph-break": "paragraphs are separated by exactly one blank line",
    "space-run": "runs of spaces, tabs and no-break spaces become one space",
    "nfc": "Unicode normalization form C",
}


def canonicalize_layout(text: str, context: object = None) -> list[Edit]:
    """Edits that put text in canonical layout.

    >>> t = "  Title\\r\\nFirst  line.\\u00a0\\n\\n\\n Second.  "
    >>> from cleaners.edits import apply_edits
    >>> apply_edits(t, canonicalize_layout(t))
    'Title\\n\\nFirst line.\\n\\nSecond.\\n'
    >>> canonicalize_layout("Already canonical.\\n")
    []
    """
    edits, run = [], None
    for run in RUN_RE.finditer(text):
        before = run.group()
        if run.lastgroup != "space":
            if not unicodedata.is_normalized("NFC", before):
                after = unicodedata.normalize("NFC", before)
                edits += edits_from_diff(before, after, run.start(), STEP, "nfc", RULES["nfc"])
            continue
        rule, after = _whitespace_rule(run, len(text))
        if after != before:
            edits.append(Edit(STEP, rule, run.start(), run.end(), before, after, RULES[rule]))
    if run is not None and run.lastgroup != "space":  # no final newline at all
        edits.append(Edit(STEP, "final-newline", len(text), len(text), "", "\n", RULES["final-newline"]))
    return edits


def _whitespace_rule(run: regex.Match, length: int) -> tuple[str, str]:
    if run.start() == 0:
        return "leading-space", ""
    if run.end() == length:
        return "final-newline", "\n"
    if LINE_BREAK_RE.search(run.group()):
        return "paragraph-break", PARAGRAPH_BREAK
    return "space-run", " "
