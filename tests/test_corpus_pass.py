"""The corpus pass splits each document once and shares the words: its
statistics are those each part's own `from_text` gives."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.names import NameLexicon
from cleaners.neardup import Signatures
from cleaners.pipeline import CorpusStats
from cleaners.recurring import LineCounts

PIECES = st.sampled_from(
    ["Kassym-Jomart", "Tokayev", "met", "the", "O’Brien’s", "ΟΔΟΣ", "İ", "e\u0301", "7", " ", ", ", ". ", "\n", "\r\n", "\u2028"]
)
TEXTS = st.lists(PIECES, max_size=200).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_corpus_stats_are_those_of_the_parts(text):
    stats = CorpusStats.from_text(text, "doc")
    names = NameLexicon.from_text(text)
    assert (stats.names.documents, stats.names.neighbours) == (names.documents, names.neighbours)
    assert stats.lines.documents == LineCounts.from_text(text).documents
    alone = Signatures.from_text("doc", text).by_id
    assert stats.signatures.by_id.keys() == alone.keys()
    assert all(stats.signatures.by_id[k].tobytes() == alone[k].tobytes() for k in alone)
