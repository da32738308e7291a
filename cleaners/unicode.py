"""repair_unicode: mojibake, HTML entities, control characters, stray bytes.

ftfy does the repairs (`fix_and_explain`), line by line, with curly quotes
kept: models and readers rely on them, and datatrove and NeMo Curator turn
uncurling off for the same reason. Line breaks are left to
`canonicalize_layout`.
Each changed span becomes an edit whose rule names the ftfy steps applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import ftfy
import regex
from ftfy.badness import BADNESS_RE, is_bad
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES

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
SPACE_RUN_RE = regex.compile(r"\s+")
# Searched backwards ((?r)) from a character to the start of its line.
PREVIOUS_LINE_BREAK_RE = regex.compile(rf"(?r)[{LINE_BREAKS}]")
# A line that needs no ftfy: printable ASCII (controls and escapes are
# ftfy's), whitespace (ftfy sees the line laid out, its whitespace as single
# spaces) and these typographic marks. Mojibake of UTF-8 always holds a character that is
# not among them: the lead byte 0xC2-0xF4 reads as a letter in latin-1,
# cp1252 and the other cp125x (Â, â, в, ...) and as a letter or symbol in
# cp437; in mac_roman it may read as one of these marks (0xC9 …, 0xD0-0xD5
# –—“”‘’), but then the continuation byte, 0x80-0xBF, reads as a letter or
# symbol that is not (Ä, ü, •, ™). tests/test_properties.py and
# tests/test_cheap_screens.py check that ftfy leaves such lines alone.
PLAIN_TYPOGRAPHY = "‘’“”–—…"
# An "&" is plain unless it starts what ftfy's unescape_html replaces.
HTML_ENTITY = rf"(?={HTML_ENTITY_RE.pattern})&"
NEEDS_FTFY_RE = regex.compile(rf"[^\s\x21-\x7e{PLAIN_TYPOGRAPHY}]|{HTML_ENTITY}")
# Russian text is the other common case. Of these letters, ASCII and the
# marks ’–—…, none is an entity, control, ligature or decomposed character,
# so ftfy (pinned to 6.3) could only repair mojibake, which it tries only
# where ftfy.badness.BADNESS_RE matches; each of its sequences needs some
# other character: Ђ (вЂ), Ґ, a Latin accented letter, a symbol, or ‘“”
# between two of ВГРС (Р“Р). tests/test_cheap_screens.py checks this.
RUSSIAN_LETTERS = "А-яЁё"
NEEDS_FTFY_IN_RUSSIAN_RE = regex.compile(rf"[^\s\x21-\x7e{RUSSIAN_LETTERS}’–—…]|{HTML_ENTITY}")
# Of the lines the screens above pass to ftfy, 95% come back unchanged
# (German, Japanese, Russian mixed with other scripts: letters, not damage).
# ftfy 6.3 changes a line only if one of its steps applies, and each step
# has a test that says so, taken from ftfy's own tables here: unescape_html
# (an entity), fix_encoding (mojibake, which it tries only where
# ftfy.badness.is_bad says so), fix_c1_controls, fix_latin_ligatures,
# fix_surrogates, remove_terminal_escapes, remove_control_chars (their
# characters) and NFC. A line that none applies to is not shown to ftfy:
# half the cost, since is_bad is half of what ftfy spends on such a line.
FTFY_STEP_CHAR_RE = re.compile(
    "[" + "".join(map(re.escape, map(chr, sorted({*CONTROL_CHARS, *LIGATURES})))) + r"\x80-\x9f\ud800-\udfff\x1b]"
)


def _badness_screen() -> re.Pattern | None:
    """A pattern that finds something in every line `ftfy.badness.is_bad`
    says yes to, and in few others; None if BADNESS_RE is not built as this
    expects (then is_bad is asked about every line).

    BADNESS_RE is one alternation of sequences of one-character items (a
    character, or a class), with optional and zero-width items between. Call
    an item foreign if it matches only non-ASCII characters, and ALPHABET
    everything foreign items match. An alternative with two foreign items
    side by side matches only text with two ALPHABET characters side by side;
    every other alternative has a foreign item, whose characters go into
    SINGLES. So a line with no SINGLES character and no two neighbouring
    ALPHABET characters cannot be bad (tests/test_cheap_screens.py checks it
    too). Of the 17,418 lines of a 40 MB corpus that reached is_bad, 3,559
    pass (German, Japanese and other letters mostly stand alone): 0.35 s of
    screening and is_bad where is_bad alone took 0.9 s.
    """
    from re import _constants as sre, _parser

    def foreign(item) -> set[int] | None:
        op, argument = item
        if op is sre.LITERAL:
            codes = {argument}
        elif op is sre.IN and all(kind in (sre.LITERAL, sre.RANGE) for kind, _ in argument):
            codes = set()
            for kind, value in argument:
                codes.update([value] if kind is sre.LITERAL else range(value[0], value[1] + 1))
        else:
            return None
        return codes if min(codes) > 0x7F else None

    try:
        ((op, (_, alternatives)),) = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags).data
        assert op is sre.BRANCH
        alphabet, singles = set(), set()
        for alternative in alternatives:
            items = [foreign(item) for item in alternative]
            alphabet.update(*filter(None, items))
            if not any(a and b for a, b in zip(items, items[1:])):
                found = [codes for codes in items if codes]
                assert found, "an alternative that needs no foreign character"
                singles.update(*found)
    except (AssertionError, ValueError, TypeError, AttributeError, ImportError):
        return None

    def character_class(codes: set[int]) -> str:
        return "[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]"

    return re.compile(f"{character_class(singles)}|{character_class(alphabet)}{{2}}")


# Lines that cannot be mojibake by ftfy's own heuristic (see above).
MAY_BE_BAD_RE = _badness_screen()


def ftfy_may_change(line: str) -> bool:
    """Whether `ftfy.fix_and_explain(line, FTFY_CONFIG)` may change LINE
    (tests/test_cheap_screens.py checks it never does when this says no).

    >>> ftfy_may_change("Grüße aus München"), ftfy_may_change("MÃ¼nchen"), ftfy_may_change("ﬁne &amp; dandy")
    (False, True, True)
    """
    return (
        FTFY_STEP_CHAR_RE.search(line) is not None
        or HTML_ENTITY_RE.search(line) is not None
        or not unicodedata.is_normalized("NFC", line)
        or ((MAY_BE_BAD_RE is None or MAY_BE_BAD_RE.search(line) is not None) and is_bad(line))
    )


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
    for line in _lines_needing_ftfy(text):
        original = line.group()
        laid_out = SPACE_RUN_RE.sub(" ", original)
        fixed = STRAY_BYTE_RE.sub(_stray_byte_char, laid_out)
        rules = ["stray-byte"] if fixed != laid_out else []
        repaired, explanation = ftfy.fix_and_explain(fixed, FTFY_CONFIG) if ftfy_may_change(fixed) else (fixed, [])
        rules += _rule_names(explanation or [])
        if repaired == laid_out:
            continue
        rule, reason = "+".join(rules), f"ftfy repair: {', '.join(rules)}"
        spans = _origins(original) if laid_out != original else None
        for edit in edits_from_diff(laid_out, repaired, 0, STEP, rule, reason):
            edits.append(_mapped_back(edit, spans, original, line.start()))
    return edits


def needs_ftfy(line: str) -> bool:
    """Whether ftfy might change the line; if not, it is not shown to ftfy.

    >>> needs_ftfy("Tom & Jerry\u00a0— “fine”"), needs_ftfy("Путин сказал — да"), needs_ftfy("Ã© &amp;")
    (False, False, True)
    """
    return bool(NEEDS_FTFY_RE.search(line)) and bool(NEEDS_FTFY_IN_RUSSIAN_RE.search(line))


def _lines_needing_ftfy(text: str) -> Iterator[regex.Match]:
    """The lines (LINE_RE matches) that need ftfy, in order.

    Most lines need none, so the text is searched for the next character
    NEEDS_FTFY_RE flags rather than every line tested: such a character is
    never whitespace (nor an entity's), so it lies inside the line around it.
    """
    flagged = NEEDS_FTFY_RE.search(text)
    while flagged:
        line_break = PREVIOUS_LINE_BREAK_RE.search(text, 0, flagged.start())
        line = LINE_RE.search(text, line_break.end() if line_break else 0)
        if NEEDS_FTFY_IN_RUSSIAN_RE.search(line.group()):  # NEEDS_FTFY_RE has matched in it
            yield line
        flagged = NEEDS_FTFY_RE.search(text, line.end())


def _origins(line: str) -> list[tuple[int, int]]:
    """Where each character of the laid-out line came from in `line`."""
    spans, cursor = [], 0
    for run in SPACE_RUN_RE.finditer(line):
        spans += [(i, i + 1) for i in range(cursor, run.start())] + [run.span()]
        cursor = run.end()
    spans += [(i, i + 1) for i in range(cursor, len(line))]
    return spans


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
