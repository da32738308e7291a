"""repair_unicode: mojibake, HTML entities, control characters, stray bytes.

ftfy does the repairs (`fix_and_explain`), line by line, with curly quotes
kept: models and readers rely on them, and datatrove and NeMo Curator turn
uncurling off for the same reason. Line breaks are left to
`canonicalize_layout`.
Each changed span becomes an edit whose rule names the ftfy steps applied.
"""

from __future__ import annotations

import ftfy
import regex

from cleaners.edits import Edit, edits_from_diff
from cleaners.layout import LINE_BREAKS

STEP = "repair_unicode"

# Full-width forms stay: （）and ＋ are the right punctuation in Chinese and
# Japanese news, which ftfy's fix_character_width would turn into ASCII.
# NFC stays on although canonicalize_layout owns it: ftfy must see composed
# text, or "a\u0301" + C1 bytes becomes mojibake only after layout composes it.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False)

# ftfy reads context ("\xa0Â\x80" and "Â\x80" are fixed differently), so it
# is shown each line as canonicalize_layout will present it: without the
# whitespace at its ends, with inner whitespace runs as one space. Otherwise a
# second run, seeing the laid-out line, could repair what the first did not.
LINE_RE = regex.compile(rf"\S(?:[^{LINE_BREAKS}]*\S)?")
NOT_A_PLAIN_SPACE_RE = regex.compile(r"[^\S ]|  ")
SPACE_RUN_RE = regex.compile(r"\s+")
# A line that needs no ftfy: printable ASCII (an "&" may start an HTML entity,
# controls and escapes are ftfy's) and these typographic marks. Mojibake of UTF-8 always holds a character that is
# not among them: the lead byte 0xC2-0xF4 reads as a letter in latin-1,
# cp1252 and the other cp125x (Â, â, в, ...) and as a letter or symbol in
# cp437; in mac_roman it may read as one of these marks (0xC9 …, 0xD0-0xD5
# –—“”‘’), but then the continuation byte, 0x80-0xBF, reads as a letter or
# symbol that is not (Ä, ü, •, ™). tests/test_properties.py checks that ftfy
# leaves such lines alone.
PLAIN_TYPOGRAPHY = "‘’“”–—…"
NEEDS_FTFY_RE = regex.compile(rf"[^\x20-\x25\x27-\x7e\t{PLAIN_TYPOGRAPHY}]")
# Bytes that were not valid UTF-8 come out of decoding as lone surrogates.
STRAY_BYTE_RE = regex.compile(r"[\udc80-\udcff]")
# ftfy names the steps of a mojibake repair after the codecs it went through.
CODEC_ACTIONS = {"encode", "decode", "transcode"}


def repair_unicode(text: str, context: object = None) -> list[Edit]:
    """Edits that repair mojibake and other Unicode damage, line by line.

    >>> [(e.before, e.after, e.rule) for e in repair_unicode("Russiaâ€™s war\\n")]
    [('â€™', '’', 'mojibake')]
    >>> repair_unicode("“Curly quotes stay”\\n")
    []
    """
    edits = []
    for line in LINE_RE.finditer(text):
        original = line.group()
        if not NEEDS_FTFY_RE.search(original):
            continue
        laid_out, spans = _as_laid_out(original)
        fixed = STRAY_BYTE_RE.sub(_stray_byte_char, laid_out)
        rules = ["stray-byte"] if fixed != laid_out else []
        repaired, explanation = ftfy.fix_and_explain(fixed, FTFY_CONFIG)
        rules += _rule_names(explanation or [])
        if repaired == laid_out:
            continue
        rule, reason = "+".join(rules), f"ftfy repair: {', '.join(rules)}"
        for edit in edits_from_diff(laid_out, repaired, 0, STEP, rule, reason):
            edits.append(_mapped_back(edit, spans, original, line.start()))
    return edits


def _as_laid_out(line: str) -> tuple[str, list[tuple[int, int]] | None]:
    """The line with whitespace runs as single spaces, and where each of its
    characters came from in `line` (None: nowhere but the same place)."""
    if not NOT_A_PLAIN_SPACE_RE.search(line):
        return line, None
    pieces, spans, cursor = [], [], 0
    for run in SPACE_RUN_RE.finditer(line):
        pieces += [line[cursor : run.start()], " "]
        spans += [(i, i + 1) for i in range(cursor, run.start())] + [run.span()]
        cursor = run.end()
    pieces.append(line[cursor:])
    spans += [(i, i + 1) for i in range(cursor, len(line))]
    return "".join(pieces), spans


def _mapped_back(edit: Edit, spans, original: str, offset: int) -> Edit:
    """An edit on the laid-out line, moved onto the original line."""
    if spans is None:
        start, end = edit.start, edit.end
    else:
        start = spans[edit.start][0] if edit.start < len(spans) else len(original)
        end = spans[edit.end - 1][1] if edit.end > edit.start else start
    return Edit(STEP, edit.rule, offset + start, offset + end, original[start:end], edit.after, edit.reason)


def _stray_byte_char(match: regex.Match) -> str:
    """A stray byte in UTF-8 text is most often a cp1252 character."""
    byte = bytes([ord(match.group()) - 0xDC00])
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:
        return "\ufffd"


def _rule_names(explanation: list) -> list[str]:
    """Rule ids for ftfy's plan steps: one 'mojibake' for any codec round trip.

    >>> _rule_names([("encode", "sloppy-windows-1252"), ("decode", "utf-8"), ("apply", "unescape_html")])
    ['mojibake', 'unescape-html']
    """
    names = []
    for action, parameter in explanation:
        name = "mojibake" if action in CODEC_ACTIONS else parameter.replace("_", "-")
        if name not in names:
            names.append(name)
    return names
