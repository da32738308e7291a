"""The cleaner chain: which steps exist, in which order, and what they need.

Each step is a pure function from the text entering it (and the read-only
`CorpusContext`) to the list of edits it makes. `run_step` applies them;
`clean_text` runs a whole chain. The flow calls these and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaners.boilerplate import RuleSet, strip_boilerplate
from cleaners.edits import Edit, apply_edits
from cleaners.garbles import repair_garbles
from cleaners.layout import canonicalize_layout
from cleaners.names import NameLexicon, split_at_words
from cleaners.neardup import Signatures
from cleaners.recurring import LineCounts, line_key
from cleaners.repeats import dedupe_paragraphs
from cleaners.unicode import repair_unicode


@dataclass
class CorpusStats:
    """What the corpus pass counts, per document or batch; merges by addition."""

    names: NameLexicon = field(default_factory=NameLexicon)
    lines: LineCounts = field(default_factory=LineCounts)
    signatures: Signatures = field(default_factory=Signatures)

    @classmethod
    def from_text(cls, text: str, doc_id: str | None = None) -> "CorpusStats":
        """Statistics of one document; with its id, also its MinHash signature
        (near-duplicate clusters are reported by id). The text is split into
        words once, for both the names and the signature."""
        parts = split_at_words(text)
        return cls(NameLexicon.from_parts(parts), LineCounts.from_text(text), Signatures.from_parts(doc_id, parts))

    def merge(self, other: "CorpusStats") -> "CorpusStats":
        self.names.merge(other.names)
        self.lines.merge(other.lines)
        self.signatures.merge(other.signatures)
        return self


@dataclass
class CorpusContext:
    """What the corpus pass learned, plus the configured rules. Read-only to cleaners."""

    rules: RuleSet
    names: NameLexicon = field(default_factory=NameLexicon)
    name_index: dict[str, list[str]] = field(default_factory=dict)
    recurring_lines: frozenset[bytes] = frozenset()

    @classmethod
    def build(cls, stats: Iterable[CorpusStats] = (), rule_packs: Iterable[Path] = ()) -> "CorpusContext":
        """Merge the batches' statistics and load the rule packs. Near-duplicate
        clusters are not part of it: no cleaner reads them
        (`total.signatures.clusters()` gives them).

        >>> CorpusContext.build([CorpusStats.from_text("Twitter")] * 3).recurring_lines == {line_key("Twitter")}
        True
        """
        total = CorpusStats()
        for part in stats:
            total.merge(part)
        return cls(
            RuleSet.load(tuple(rule_packs)),
            total.names,
            total.names.consensus_index(),
            total.lines.recurring(),
        )


Step = Callable[[str, CorpusContext], list[Edit]]

# The chain, in its default order (ARCHITECTURE.md). Each entry adapts one
# cleaner to the common (text, context) signature.
STEPS: dict[str, Step] = {
    "repair_unicode": lambda text, context: repair_unicode(text),
    "canonicalize_layout": lambda text, context: canonicalize_layout(text),
    "strip_boilerplate": lambda text, context: strip_boilerplate(text, context.rules, context.recurring_lines),
    "repair_garbles": lambda text, context: repair_garbles(text, context.names, context.name_index),
    "dedupe_paragraphs": lambda text, context: dedupe_paragraphs(text),
}
DEFAULT_CHAIN = tuple(STEPS)


def run_step(step: str, text: str, context: CorpusContext) -> tuple[str, list[Edit]]:
    """Run one step: the new text and the edits that made it."""
    edits = STEPS[step](text, context)
    return apply_edits(text, edits), edits


def clean_text(text: str, context: CorpusContext, steps: Iterable[str] = DEFAULT_CHAIN) -> tuple[str, list[Edit]]:
    """Run the chain over one document's text.

    >>> context = CorpusContext.build()
    >>> clean_text("  See also: Cats\\r\\nNews  here.\\r\\n", context)[0]
    'News here.\\n'
    """
    changelog: list[Edit] = []
    for step in steps:
        text, edits = run_step(step, text, context)
        changelog += edits
    return text, changelog
