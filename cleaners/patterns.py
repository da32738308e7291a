"""Patterns more than one cleaner needs, defined once (ftfy keeps its tables
in one data module the same way). A pattern one module needs stays there.
"""

import regex

# A word: a run of letters, combining marks and digits, in any script.
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# Text that ends like a sentence: a full stop, question or exclamation mark
# or ellipsis (Latin or CJK), then any closing quotes or brackets.
SENTENCE_END_RE = regex.compile(r"[.!?。！？…][\"”’»)\]]*$")
