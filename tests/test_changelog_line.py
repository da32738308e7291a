"""`flows.batch.changelog_line` writes each changelog line by hand; it must be
byte for byte the general `json_value(edit.to_record(doc))`."""

from hypothesis import given
from hypothesis import strategies as st

from cleaners.edits import Edit
from flows.batch import changelog_line, changelog_lines
from flows.jsonio import json_value

# Characters JSON escapes or that need care: quotes, backslashes, controls, line
# separators, astral ones, and lone surrogates (raw bytes kept by the decoder).
AWKWARD = st.sampled_from(['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀", "<", "\ud800", "\udc92"])
TEXTS = st.one_of(st.text(AWKWARD, max_size=8), st.text(st.characters(exclude_categories=()), max_size=8))
OFFSETS = st.one_of(st.integers(-5, 10**12), st.booleans(), st.none(), st.floats(allow_nan=False))


@given(TEXTS, TEXTS, TEXTS, TEXTS, TEXTS, TEXTS, st.integers(0, 10**9), st.integers(0, 10**9))
def test_the_line_is_the_general_encoding(doc, step, rule, before, after, reason, start, end):
    edit = Edit(step, rule, start, end, before, after, reason)
    assert changelog_line(doc, edit) == json_value(edit.to_record(doc)) + "\n"


@given(TEXTS, OFFSETS, OFFSETS, st.one_of(TEXTS, st.none(), st.integers()))
def test_unusual_fields_go_the_general_way(doc, start, end, reason):
    edit = Edit("s", "r", start, end, "a", "b", reason)
    assert changelog_line(doc, edit) == json_value(edit.to_record(doc)) + "\n"


def test_lone_surrogates_make_the_line_ascii():
    line = changelog_line("d", Edit("s", "r", 0, 1, "\udc92", "é", ""))
    assert line == json_value(Edit("s", "r", 0, 1, "\udc92", "é", "").to_record("d")) + "\n"
    assert line.isascii() and "\\udc92" in line and "\\u00e9" in line


@given(TEXTS, st.lists(st.tuples(TEXTS, TEXTS, TEXTS, TEXTS, st.integers(0, 10**9), st.integers(0, 10**9)), max_size=6))
def test_a_documents_lines_are_its_edits_lines_encoded_once(doc, fields):
    edits = [Edit("s", rule, start, end, before, after, reason) for rule, before, after, reason, start, end in fields]
    assert changelog_lines(doc, edits) == "".join(changelog_line(doc, edit) for edit in edits).encode("utf-8")
