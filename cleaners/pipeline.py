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
from cleaners.names import NameLexicon
from cleaners.repeats import dedupe_paragraphs
from cleaners.unicode import repair_unicode


@dataclass
class CorpusContext:
    """What the corpus pass learned, plus the configured rules. Read-only to cleaners."""

    rules: RuleSet
    names: NameLexicon = field(default_factory=NameLexicon)
    name_index: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, lexicons: Iterable[NameLexicon] = (), rule_packs: Iterable[Path] = ()) -> "CorpusContext":
        """Merge the batches' lexicons and load the rule packs.

        >>> CorpusContext.build().names.documents
        Counter()
        """
        names = NameLexicon()
        for lexicon in lexicons:
            names.merge(lexicon)
        return cls(RuleSet.load(tuple(rule_packs)), names, names.consensus_index())


Step = Callable[[str, CorpusContext], list[Edit]]

# The chain, in its default order (ARCHITECTURE.md). Each entry adapts one
# cleaner to the common (text, context) signature.
STEPS: dict[str, Step] = {
    "repair_unicode": lambda text, context: repair_unicode(text),
    "canonicalize_layout": lambda text, context: canonicalize_layout(text),
    "strip_boilerplate": lambda text, context: strip_boilerplate(text, context.rules),
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
