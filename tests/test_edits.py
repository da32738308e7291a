import pytest

from cleaners.edits import Edit, EditConflict, apply_edits, delete_paragraphs, edits_from_diff, restore_text, undo_edits


def edit(start, end, before, after, step="s"):
    return Edit(step, "r", start, end, before, after, "")


def test_apply_and_undo_are_inverse_with_insertions_and_deletions():
    text = "abcdef"
    edits = [edit(0, 0, "", ">"), edit(1, 3, "bc", "BCX"), edit(5, 6, "f", "")]
    new = apply_edits(text, edits)
    assert new == ">aBCXde"
    assert undo_edits(new, edits) == text


def test_overlapping_edits_are_refused():
    with pytest.raises(EditConflict, match="overlapping"):
        apply_edits("abcdef", [edit(0, 3, "abc", ""), edit(2, 4, "cd", "")])


def test_an_edit_that_does_not_match_the_text_is_refused():
    with pytest.raises(EditConflict, match="expected 'xy'"):
        apply_edits("abcdef", [edit(0, 2, "xy", "")])


def test_undo_checks_the_text_it_undoes():
    with pytest.raises(EditConflict, match="cannot undo"):
        undo_edits("abc", [edit(0, 1, "z", "Q")])


def test_restore_undoes_steps_last_first():
    # step b's offsets refer to step a's output, not to the raw text
    log = [edit(0, 2, "aa", "a", step="a"), edit(1, 2, "b", "BB", step="b")]
    assert restore_text("aBB", log) == "aab"


def test_diff_edits_are_minimal_and_separate():
    edits = edits_from_diff("xx Ã© yy Ã¨ zz", "xx é yy è zz", 100, "s", "r", "")
    assert [(e.start, e.before, e.after) for e in edits] == [(103, "Ã©", "é"), (109, "Ã¨", "è")]


@pytest.mark.parametrize(
    "doomed, expected",
    [
        ({0}, "B.\n\nC.\n"),
        ({1}, "A.\n\nC.\n"),
        ({2}, "A.\n\nB.\n"),
        ({1, 2}, "A.\n"),
        ({0, 2}, "B.\n"),
        ({0, 1, 2}, ""),
    ],
)
def test_deleting_paragraphs_keeps_canonical_layout(doomed, expected):
    text = "A.\n\nB.\n\nC.\n"
    edits = delete_paragraphs(text, {i: ("r", "") for i in doomed}, "s")
    assert apply_edits(text, edits) == expected
    assert restore_text(expected, edits) == text
