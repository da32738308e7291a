"""The edit record: every change a cleaner makes, and how to undo it.

A cleaner never rewrites text directly. It returns a list of `Edit`s against
the text as it entered the step; `apply_edits` makes the new text from them and
`undo_edits` gives the old text back. Because the changelog holds every edit of
every step, the raw input can always be rebuilt (`restore_text`).

Cleaners build edits through the helpers here (`edit_from_match`,
`edits_from_diff`, `delete_paragraphs`) so that no cleaner computes offsets by
hand.
"""

from __future__ import annotations

import difflib
import os.path
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import regex


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: text[start:end] was `before` and became `after`.

    Offsets are code-point offsets into the text as it entered `step`.
    """

    step: str
    rule: str
    start: int
    end: int
    before: str
    after: str
    reason: str

    def to_record(self, doc: str) -> dict:
        """The changelog line for this edit (see ARCHITECTURE.md).

        >>> edit = Edit("s", "r", 0, 1, "a", "b", "why")
        >>> edit.to_record("d")["doc"], Edit.from_record(edit.to_record("d")) == edit
        ('d', True)
        """
        # Field by field: `dataclasses.asdict` deep-copies and cost more than
        # writing the changelog line.
        return {"doc": doc, "step": self.step, "rule": self.rule, "start": self.start, "end": self.end,
                "before": self.before, "after": self.after, "reason": self.reason}

    @classmethod
    def from_record(cls, record: Mapping) -> "Edit":
        """Read an edit back from a changelog line (the `doc` key is ignored)."""
        return cls(**{k: record[k] for k in cls.__slots__})


class EditConflict(ValueError):
    """Edits overlap, or do not match the text they claim to change."""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply the edits of one step to the text that entered it.

    >>> apply_edits("a  b", [Edit("s", "r", 1, 3, "  ", " ", "space run")])
    'a b'
    """
    out, cursor = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < cursor:
            raise EditConflict(f"overlapping edits at offset {edit.start} in step {edit.step!r}")
        if text[edit.start : edit.end] != edit.before:
            raise EditConflict(
                f"edit {edit.step}/{edit.rule} at {edit.start} expected {edit.before!r}, "
                f"found {text[edit.start:edit.end]!r}"
            )
        out += [text[cursor : edit.start], edit.after]
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def undo_edits(text: str, edits: Iterable[Edit]) -> str:
    """Give back the text that entered a step, from its output and its edits.

    >>> undo_edits("a b", [Edit("s", "r", 1, 3, "  ", " ", "space run")])
    'a  b'
    """
    out, cursor, shift = [], 0, 0
    for edit in sorted(edits, key=lambda e: e.start):
        start = edit.start + shift  # where the edit's `after` sits in the output
        end = start + len(edit.after)
        if start < cursor or text[start:end] != edit.after:
            raise EditConflict(
                f"cannot undo {edit.step}/{edit.rule} at {edit.start}: the text there is "
                f"{text[start:end]!r}, the changelog says {edit.after!r}"
            )
        out += [text[cursor:start], edit.before]
        cursor = end
        shift += len(edit.after) - len(edit.before)
    out.append(text[cursor:])
    return "".join(out)


def restore_text(text: str, edits: Iterable[Edit]) -> str:
    """Undo every step of a document's changelog, last step first.

    `edits` is the document's changelog in the order it was written (step by
    step, in chain order).

    >>> log = [Edit("a", "r", 0, 1, "x", "y", ""), Edit("b", "r", 0, 1, "y", "zz", "")]
    >>> restore_text("zz", log)
    'x'
    """
    steps: dict[str, list[Edit]] = {}
    for edit in edits:
        steps.setdefault(edit.step, []).append(edit)
    for step_edits in reversed(steps.values()):
        text = undo_edits(text, step_edits)
    return text


def edit_from_match(
    match: "regex.Match", step: str, rule: str, reason: str, after: str = "", group: int | str = 0
) -> Edit:
    """An edit that replaces a regex match (or one of its groups) by `after`.

    >>> m = regex.search(r"\\s+$", "end   ")
    >>> edit_from_match(m, "s", "trailing-space", "trailing space")
    Edit(step='s', rule='trailing-space', start=3, end=6, before='   ', after='', reason='trailing space')
    """
    return Edit(step, rule, match.start(group), match.end(group), match.group(group), after, reason)


def edits_from_diff(before: str, after: str, offset: int, step: str, rule: str, reason: str) -> list[Edit]:
    """The smallest edits that turn `before` (found at `offset`) into `after`.

    For cleaners that get a whole new string from a library (ftfy, NFC) and
    must still record what changed where.

    >>> [(e.start, e.before, e.after) for e in edits_from_diff("caf\\u00c3\\u00a9 ok", "caf\\u00e9 ok", 10, "s", "r", "")]
    [(13, 'Ã©', 'é')]
    """
    if before == after:
        return []
    prefix = len(_common_prefix(before, after))
    suffix = len(_common_prefix(before[prefix:][::-1], after[prefix:][::-1]))
    b, a = before[prefix : len(before) - suffix], after[prefix : len(after) - suffix]
    if len(b) + len(a) > MAX_DIFF_CHARS:  # one edit is enough for a huge rewrite
        return [Edit(step, rule, offset + prefix, offset + prefix + len(b), b, a, reason)]
    edits = []
    matcher = difflib.SequenceMatcher(None, b, a, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            start = offset + prefix + i1
            edits.append(Edit(step, rule, start, start + i2 - i1, b[i1:i2], a[j1:j2], reason))
    return edits


# A changed span longer than this is recorded as one edit: difflib is
# quadratic, and a span this long is a rewrite, not a handful of repairs.
MAX_DIFF_CHARS = 2000


def _common_prefix(a: str, b: str) -> str:
    return os.path.commonprefix([a, b])


PARAGRAPH_RE = regex.compile(r"[^\n]+")  # canonical text: one paragraph a line


def paragraphs(text: str) -> Iterator[regex.Match]:
    """The paragraphs of canonical text, as matches (span and text).

    >>> [m.group() for m in paragraphs("One.\\n\\nTwo.\\n")]
    ['One.', 'Two.']
    """
    return PARAGRAPH_RE.finditer(text)


def delete_paragraphs(
    text: str, doomed: Mapping[int, tuple[str, str]], step: str
) -> list[Edit]:
    """Edits that delete whole paragraphs and keep the text canonical.

    `doomed` maps a paragraph's index (in `paragraphs(text)`) to the rule id
    and reason for deleting it. Each paragraph goes with the blank line after
    it; a paragraph at the end of the text goes with the blank line before it,
    so the result still ends in exactly one newline.

    >>> t = "Keep.\\n\\nDrop.\\n\\nAlso drop.\\n"
    >>> apply_edits(t, delete_paragraphs(t, {1: ("r", ""), 2: ("r", "")}, "s"))
    'Keep.\\n'
    """
    starts = [m.start() for m in paragraphs(text)] + [len(text)]
    last_kept = max((i for i in range(len(starts) - 1) if i not in doomed), default=None)
    edits = []
    for index in sorted(doomed):
        start, end = starts[index], starts[index + 1]
        if last_kept is not None and index > last_kept:  # in the trailing run
            start, end = start - 1, (end - 1 if index + 2 < len(starts) else end)
        rule, reason = doomed[index]
        edits.append(Edit(step, rule, start, end, text[start:end], "", reason))
    return edits

