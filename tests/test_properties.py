"""Properties over random input: nothing lost, nothing changed twice."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftfy

from cleaners.decode import decode_bytes, encode_text
from cleaners.edits import restore_text
from cleaners.pipeline import STEPS, CorpusContext, CorpusStats, clean_text, run_step
from cleaners.unicode import FTFY_CONFIG, NEEDS_FTFY_RE, PLAIN_TYPOGRAPHY

CONTEXT = CorpusContext.build()
# Text built from the characters cleaners care about, so that random examples
# hit quotes, dashes, whitespace kinds, mojibake and boilerplate words often.
PIECES = st.sampled_from(
    ["“", "”", "‘", "’", '"', "—", "–", " ", "  ", "\n", "\r\n", "\r", "\t", "\u00a0", "\ufeff", "Ã©", "â€™",
     "See also ", "Leave a Reply", "(Photo: AP)", "Tokayev", "Togayev", "e\u0301", "&amp;", "\x00", "\udc92",
     "The same sentence repeats here again and again. "]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXTS)
def test_restore_gives_back_the_input(text):
    clean, edits = clean_text(text, CONTEXT)
    assert restore_text(clean, edits) == text


@FAST
@given(TEXTS)
def test_cleaning_is_idempotent(text):
    clean, _ = clean_text(text, CONTEXT)
    assert clean_text(clean, CONTEXT) == (clean, [])


@FAST
@given(TEXTS)
def test_edit_offsets_lie_in_the_text_of_their_step(text):
    for step in STEPS:
        new, edits = run_step(step, text, CONTEXT)
        for edit in edits:
            assert 0 <= edit.start <= edit.end <= len(text)
            assert text[edit.start : edit.end] == edit.before
        text = new


@FAST
@given(TEXTS, TEXTS)
def test_name_repair_with_a_corpus_restores_too(text, other):
    context = CorpusContext.build([CorpusStats.from_text(text), CorpusStats.from_text(other)] * 2)
    clean, edits = clean_text(text, context)
    assert restore_text(clean, edits) == text


@FAST
@given(st.binary())
def test_any_bytes_decode_and_encode_back(raw):
    decoded = decode_bytes(raw)
    assert encode_text(decoded.text, decoded.encoding) == raw
    clean, edits = clean_text(decoded.text, CONTEXT)
    clean.encode("utf-8")  # clean text is always valid UTF-8
    assert encode_text(restore_text(clean, edits), decoded.encoding) == raw


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from([*map(chr, range(0x20, 0x7F)), "\t", *PLAIN_TYPOGRAPHY]).filter(lambda c: c != "&")))
def test_lines_the_fast_path_skips_are_lines_ftfy_leaves_alone(line):
    """repair_unicode skips ftfy on such lines; ftfy itself would not change them."""
    assert not NEEDS_FTFY_RE.search(line)
    assert ftfy.fix_text(line, FTFY_CONFIG) == line
