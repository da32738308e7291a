"""The corpus pass splits each document once and shares the words: its
statistics are those each part's own `from_text` gives."""

from dataclasses import dataclass
from random import Random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners.names import NameLexicon
from cleaners.neardup import Signatures
from cleaners.pipeline import CorpusContext, CorpusStats
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


NAMES = st.sampled_from(["Tokayev", "Tokaev", "Togayev", "Kassym-Jomart", "Zelenskiy", "Zelensky", "Astana"])
DOCUMENTS = st.lists(st.lists(NAMES, min_size=1, max_size=6).map(lambda names: "We met " + " and ".join(names) + "."),
                     min_size=2, max_size=12)


@settings(max_examples=100, deadline=None)
@given(DOCUMENTS, st.randoms(use_true_random=False))
@example(["We met Tokayev and Tokaev.", "We met Tokaev and Tokayev."], Random(0))  # both orders of first use
def test_the_context_is_the_same_whatever_order_batches_are_merged_in(documents, random):
    """The flow merges the batches' statistics as their passes finish, in no fixed order."""
    batches = [CorpusStats.from_text(text, str(number)) for number, text in enumerate(documents)]
    first = merged(batches)
    for order in (batches[::-1], random.sample(batches, len(batches))):
        second = merged(order)
        assert first.context.name_index == second.context.name_index  # each list compared in order too
        assert (first.context.names.documents, first.context.names.neighbours) == (
            second.context.names.documents, second.context.names.neighbours)
        assert first.context.recurring_lines == second.context.recurring_lines
        assert first.clusters == second.clusters


@dataclass
class Merged:
    context: CorpusContext
    clusters: dict


def merged(batches: list[CorpusStats]) -> Merged:
    total = CorpusStats()
    for stats in batches:
        total.merge(stats)
    return Merged(CorpusContext.build([total]), total.signatures.clusters())
