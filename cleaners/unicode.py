"""repair_unicode: mojibake, HTML entities, control characters, stray bytes.

ftfy does the repairs (`fix_and_explain`), line by line, with curly quotes
kept: models and readers rely on them, and datatrove and NeMo Curator turn
uncurling off for the same reason. Line breaks and Unicode normalization are
left to `canonicalize_layout`, so each kind of change is recorded once.
Each changed span becomes an edit whose rule names the ftfy steps applied.
"""

from __future__ import annotations

import ftfy
import regex

from cleaners.edits import Edit, edits_from_diff

STEP = "repair_unicode"

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, normalization=None)

LINE_RE = regex.compile(r"[^\n]*\n|[^\n]+")
# A line of plain ASCII needs ftfy only for HTML entities, terminal escapes
# and control characters; everything else ftfy fixes is outside ASCII.
ASCII_NEEDS_FTFY_RE = regex.compile(r"[&\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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
        if original.isascii() and not ASCII_NEEDS_FTFY_RE.search(original):
            continue
        rules = []
        fixed = STRAY_BYTE_RE.sub(_stray_byte_char, original)
        if fixed != original:
            rules.append("stray-byte")
        fixed, explanation = ftfy.fix_and_explain(fixed, FTFY_CONFIG)
        rules += _rule_names(explanation or [])
        if fixed != original:
            rule = "+".join(dict.fromkeys(rules))
            reason = f"ftfy repair: {', '.join(dict.fromkeys(rules))}"
            edits += edits_from_diff(original, fixed, line.start(), STEP, rule, reason)
    return edits


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
