"""The report's edit history (flows/report.py) against a plain reference.

`edit_history` and `mark_warnings` walk the pieces once, cutting a piece only
where an edit or a warning starts or ends inside it. The reference below is
the first, straightforward version: cut every live piece at every edit
boundary, mark each cut piece, and for each piece scan the warnings. Both must
give the same pieces, and fail on the same broken changelogs.
"""

import bisect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.edits import Edit, EditConflict, apply_edits, restore_text
from flows.report import NO_EDIT, Piece, edit_history, mark_warnings


def reference_history(clean: str, edits: list[Edit]) -> list[Piece]:
    pieces = [Piece(restore_text(clean, edits))]
    steps: dict[str, list[tuple[int, Edit]]] = {}
    for index, edit in enumerate(edits):
        steps.setdefault(edit.step, []).append((index, edit))
    for step_edits in steps.values():
        pieces = reference_replay_step(pieces, step_edits)
    return reference_merge(pieces)


def reference_replay_step(pieces: list[Piece], edits: list[tuple[int, Edit]]) -> list[Piece]:
    edits = sorted(edits, key=lambda item: (item[1].start, item[1].end))
    cuts = sorted({e.start for _, e in edits} | {e.end for _, e in edits})
    out: list[Piece] = []
    pos, upcoming = 0, iter(edits)
    pending = next(upcoming, None)
    current, deleted = None, []
    for piece in [*reference_split_live(pieces, cuts), None]:
        if piece is not None and piece.deleted_by != NO_EDIT:
            out.append(piece)
            continue
        while current is None and pending is not None and pending[1].start == pos:
            if pending[1].start == pending[1].end:
                if pending[1].after:
                    out.append(Piece(pending[1].after, inserted_by=pending[0]))
            else:
                current, deleted = pending, []
            pending = next(upcoming, None)
        if piece is None:
            break
        index = current[0] if current else NO_EDIT
        out.append(Piece(piece.text, piece.inserted_by, index, piece.warning))
        deleted.append(piece.text)
        pos += len(piece.text)
        if current is not None and pos == current[1].end:
            if "".join(deleted) != current[1].before:
                raise EditConflict("text differs")
            if current[1].after:
                out.append(Piece(current[1].after, inserted_by=current[0]))
            current = None
    if current is not None or pending is not None:
        raise EditConflict("runs past the text")
    return out


def reference_split_live(pieces: list[Piece], cuts: list[int]):
    pos = 0
    for piece in pieces:
        if piece.deleted_by != NO_EDIT:
            yield piece
            continue
        end = pos + len(piece.text)
        inner = cuts[bisect.bisect_right(cuts, pos) : bisect.bisect_left(cuts, end)]
        last = pos
        for cut in [*inner, end]:
            yield Piece(piece.text[last - pos : cut - pos], piece.inserted_by, piece.deleted_by, piece.warning)
            last = cut
        pos = end


def reference_merge(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1][1:] == piece[1:]:
            out[-1] = Piece(out[-1].text + piece.text, *piece[1:])
        else:
            out.append(piece)
    return out


def reference_mark_warnings(pieces: list[Piece], warnings: list[dict]) -> list[Piece]:
    spans = sorted((w["start"], w["end"], i) for i, w in enumerate(warnings) if w["end"] > w["start"])
    if not spans:
        return pieces
    cuts = sorted({s for s, _, _ in spans} | {e for _, e, _ in spans})

    def warning_at(position: int, inside: bool) -> int:
        for start, end, index in spans:
            if start <= position < end if not inside else start < position < end:
                return index
        return NO_EDIT

    out, pos = [], 0
    for piece in reference_split_live(pieces, cuts):
        if piece.deleted_by != NO_EDIT:
            out.append(Piece(piece.text, piece.inserted_by, piece.deleted_by, warning_at(pos, inside=True)))
            continue
        out.append(Piece(piece.text, piece.inserted_by, piece.deleted_by, warning_at(pos, inside=False)))
        pos += len(piece.text)
    return reference_merge(out)


@st.composite
def changelogs(draw, alphabet="ab \n", steps=("one", "two", "three")):
    """A raw text and a valid changelog over it: each step's edits sorted and
    apart, pure insertions, deletions and replacements, some touching."""
    raw = text = draw(st.text(alphabet, max_size=30))
    log = []
    for step in steps:
        edits, cursor = [], 0
        while cursor <= len(text) and draw(st.booleans()):
            start = draw(st.integers(cursor, len(text)))
            end = draw(st.integers(start, len(text)))
            after = draw(st.text("xy\n", max_size=3))
            if start == end and not after:
                break
            edits.append(Edit(step, "r", start, end, text[start:end], after, ""))
            cursor = end + draw(st.integers(0, 1)) if start < end else end + 1
        text = apply_edits(text, edits)
        log += edits
    return raw, text, log


@st.composite
def warnings_over(draw, text: str):
    """Review warnings over TEXT: nested, overlapping, touching, empty and repeated spans."""
    spans = draw(st.lists(st.tuples(st.integers(0, len(text) + 1), st.integers(0, len(text) + 1)), max_size=5))
    return [{"start": start, "end": end, "kind": "k", "text": ""} for start, end in spans]


@settings(max_examples=500)
@given(changelogs(), st.data())
def test_history_and_warnings_match_the_reference(changelog, data):
    raw, clean, log = changelog
    pieces = edit_history(clean, log)
    assert pieces == reference_history(clean, log)
    assert all(type(piece) is Piece for piece in pieces)
    warnings = data.draw(warnings_over(clean))
    assert mark_warnings(pieces, warnings) == reference_mark_warnings(pieces, warnings)


@settings(max_examples=300)
@given(changelogs(), st.data())
def test_a_broken_changelog_fails_like_the_reference(changelog, data):
    """Edits moved, overlapping or past the text: the same pieces or the same refusal."""
    _, clean, log = changelog
    if log:
        i = data.draw(st.integers(0, len(log) - 1))
        e = log[i]
        start = data.draw(st.integers(0, e.start + 3))
        end = data.draw(st.integers(start, start + 4))
        log = [*log[:i], Edit(e.step, e.rule, start, end, e.before, e.after, e.reason), *log[i + 1 :]]
    try:
        expected = reference_history(clean, log)
    except EditConflict:
        with pytest.raises(EditConflict):
            edit_history(clean, log)
    else:
        assert edit_history(clean, log) == expected


def test_insertions_and_deletions_meeting_at_one_place_keep_their_order():
    log = [
        Edit("one", "r", 1, 2, "b", "", ""),  # "abc" -> "ac"
        Edit("two", "r", 1, 1, "", "X", ""),  # pure insertion where "b" was: after the deleted "b"
        Edit("two", "r", 0, 1, "a", "A", ""),  # a replacement ending there: before the deleted "b"
    ]
    clean = "AXc"
    assert edit_history(clean, log) == reference_history(clean, log) == [
        Piece("a", deleted_by=2), Piece("A", inserted_by=2), Piece("b", deleted_by=0), Piece("X", inserted_by=1),
        Piece("c"),
    ]


def test_deleted_text_at_a_warning_edge_is_not_in_it():
    pieces = [Piece("ab"), Piece("X", deleted_by=0), Piece("cd"), Piece("Y", deleted_by=1)]
    warnings = [{"start": 2, "end": 4}, {"start": 0, "end": 3}]
    marked = mark_warnings(pieces, warnings)
    assert marked == reference_mark_warnings(pieces, warnings)
    assert [(p.text, p.warning) for p in marked] == [("ab", 1), ("X", 1), ("c", 1), ("d", 0), ("Y", -1)]
