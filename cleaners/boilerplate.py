"""strip_boilerplate: delete the junk scrapers leave around article text.

Rules are data: rule packs in TOML (`cleaners/rules/*.toml`, and any pack a
user names in the config), each rule an id, a kind, a pattern and a reason.
A "paragraph" rule must match a whole paragraph; a "suffix" rule the end of
one. Nothing here matches inside running text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cleaners.edits import Edit, delete_paragraphs, paragraphs
from cleaners.pagedump import REASONS as PAGE_DUMP_REASONS
from cleaners.pagedump import RULE_TRAILING, page_dump_junk, run_in_junk
from cleaners.patterns import MEMO_LINES
from cleaners.recurring import MIN_RECURRING_DOCS, line_key
from cleaners.recurring import REASON as RECURRING_REASON
from cleaners.recurring import RULE as RECURRING_RULE

STEP = "strip_boilerplate"
BUILTIN_PACKS = sorted((Path(__file__).parent / "rules").glob("*.toml"))
# Boilerplate paragraphs are short; no paragraph rule looks at a longer one.
# The longest built-in pattern allows about 200 characters.
MAX_BOILERPLATE_CHARS = 300
# A caption: a paragraph of at most this many words that ends in a credit or
# stands just before a credit line. AP captions run to 50 words.
MAX_CAPTION_WORDS = 60
CAPTION_RULE = "caption"
CAPTION_REASONS = {
    "credited": "a photo or video caption (it ends in a credit)",
    "before-credit": "a photo or video caption (a credit line follows it)",
}
# Suffix rules look only at a paragraph's last characters (credits are short).
SUFFIX_WINDOW_CHARS = 160
# What the rules say of a paragraph this long or shorter is worked out once
# per process (MEMO_LINES): boilerplate is the same line on every page of a
# site (70% of the paragraphs judged in 2,000 documents of the 40 MB corpus
# had been judged before, nine in ten of them short).
MAX_MEMO_CHARS = MAX_BOILERPLATE_CHARS
# Syndicated copies repeat whole article paragraphs too (82% of the longer
# paragraphs judged in those 2,000 benchmark documents had been judged
# before), and their inline-markup search reads every character. Paragraphs up to
# MAX_LONG_MEMO_CHARS go in a memo of MEMO_LONG_PARAGRAPHS: at most 16 MB
# of text in 1-byte characters, 64 MB in 4-byte ones.
MAX_LONG_MEMO_CHARS = 4000
MEMO_LONG_PARAGRAPHS = 1 << 12
RECURRING_VERDICT = (RECURRING_RULE, RECURRING_REASON.format(documents=MIN_RECURRING_DOCS))


class Rule(BaseModel):
    """One rule of a rule pack."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="stable id, in the changelog")
    kind: Literal["paragraph", "suffix", "inline"]
    pattern: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    language: str = "*"
    credit: bool = Field(default=False, description="the line credits a photo or video, so a caption may precede it")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            regex.compile(pattern)
        except regex.error as error:
            raise ValueError(f"not a valid regex: {error}") from None
        return pattern


class RulePackError(ValueError):
    """A rule pack file is missing, unreadable or has a bad rule."""


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules of one or more packs, ready to run."""

    paragraph_rules: tuple[tuple[Rule, regex.Pattern], ...]
    suffix_rules: tuple[tuple[Rule, regex.Pattern], ...]
    inline_rules: tuple[tuple[Rule, regex.Pattern], ...] = ()
    # All paragraph rules in one pattern: one match tells whether any rule
    # may fire, so most paragraphs cost one regex call, not one per rule.
    any_paragraph_rule: regex.Pattern | None = None
    # The same for inline rules: most paragraphs hold no markup at all.
    any_inline_rule: regex.Pattern | None = None
    # Everything the rules' verdicts depend on, as one string (the rules and
    # their compiled patterns). It is the set's hash, so a memo of verdicts
    # keyed by the set costs one cached string hash per lookup, and copies
    # of the set (the cache's recording view, an unpickled one) share it.
    fingerprint: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = [pair for kind in (self.paragraph_rules, self.suffix_rules, self.inline_rules) for pair in kind]
        anys = (self.any_paragraph_rule, self.any_inline_rule)
        described = [(rule, p.pattern, p.flags) for rule, p in patterns] + [p and (p.pattern, p.flags) for p in anys]
        object.__setattr__(self, "fingerprint", repr(described))

    def __hash__(self) -> int:
        # Equal sets have equal fields, hence equal fingerprints.
        return hash(self.fingerprint)

    @classmethod
    def load(cls, extra_packs: tuple[Path, ...] = ()) -> "RuleSet":
        """The built-in packs plus the user's.

        >>> rules = RuleSet.load()
        >>> "see-also-teaser" in [rule.id for rule, _ in rules.paragraph_rules]
        True
        """
        rules = [rule for path in (*BUILTIN_PACKS, *extra_packs) for rule in load_pack(Path(path))]
        paragraph = tuple((r, regex.compile(r.pattern)) for r in rules if r.kind == "paragraph")
        suffix = tuple((r, regex.compile(rf"\s*(?:{r.pattern})$")) for r in rules if r.kind == "suffix")
        inline = tuple((r, regex.compile(r.pattern)) for r in rules if r.kind == "inline")
        any_paragraph, any_inline = (_any_of([r.pattern for r, _ in kind]) for kind in (paragraph, inline))
        return cls(paragraph, suffix, inline, any_paragraph, any_inline)


def load_pack(path: Path) -> list[Rule]:
    """Read and validate one rule pack; errors name the file and the rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulePackError(f"rule pack {path}: cannot read it: {error}") from None
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise RulePackError(f"rule pack {path}: no [[rule]] tables; see cleaners/rules/news.toml")
    rules, seen = [], set()
    for number, entry in enumerate(entries, 1):
        name = entry.get("id", f"#{number}") if isinstance(entry, dict) else f"#{number}"
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in error.errors())
            raise RulePackError(f"rule pack {path}, rule {name}: {problems}") from None
        if rule.id in seen:
            raise RulePackError(f"rule pack {path}, rule {name}: the id is used twice")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def strip_boilerplate(text: str, rules: RuleSet, recurring: frozenset[bytes] = frozenset()) -> list[Edit]:
    """Edits that delete boilerplate paragraphs and credit suffixes.

    >>> rules = RuleSet.load()
    >>> text = "Real news.\\n\\nSee also: Ten photos of cats\\n\\nLeave a Reply\\n"
    >>> [(e.rule, e.before) for e in strip_boilerplate(text, rules)]
    [('see-also-teaser', '\\nSee also: Ten photos of cats\\n'), ('comment-form', '\\nLeave a Reply\\n')]
    """
    found = list(paragraphs(text))
    bodies = [p.group() for p in found]
    doomed = {i: (rule, PAGE_DUMP_REASONS[rule]) for i, rule in page_dump_junk(bodies).items()}
    inline: dict[int, list[Edit]] = {}  # only paragraphs with edits inside them
    for index, body in enumerate(bodies):
        if index not in doomed:
            verdict, edits = _judge(body, found[index].start(), rules, recurring)
            if verdict is not None:
                doomed[index] = verdict
            elif edits:
                inline[index] = edits
    doomed.update(_captions(found, doomed, rules))
    kept_inline = [edit for index, edits in inline.items() if index not in doomed for edit in edits]
    # delete_paragraphs lists every paragraph again: not worth it for none.
    return (delete_paragraphs(text, doomed, STEP) if doomed else []) + kept_inline


def _judge(body: str, start: int, rules: RuleSet, recurring: frozenset[bytes]) -> tuple[tuple[str, str] | None, list[Edit]]:
    """A paragraph's fate (its text, at offset `start`): deleted whole (rule
    id, reason), or edits inside it.

    What the rules say depends on the paragraph's text alone (see
    MAX_MEMO_CHARS); whether it is a recurring line is asked of `recurring`
    each time, as before, since a cached run records each document's
    lookups in it.
    """
    verdict, key, edits = _judge_memo(len(body))(body, rules)
    if verdict is not None:
        return verdict, []
    if recurring and key in recurring:
        return RECURRING_VERDICT, []
    return None, [replace(edit, start=edit.start + start, end=edit.end + start) for edit in edits]


def _judged(body: str, rules: RuleSet) -> tuple[tuple[str, str] | None, bytes | None, list[Edit]]:
    """What the rules say of a paragraph: deleted whole (rule id, reason), or
    else its recurring-line key and the edits inside it (offsets from its
    start) if it does not recur."""
    suffixes = _suffix_edits(body, 0, rules)
    rest = body[: suffixes[-1].start] if suffixes else body
    rule = _paragraph_rule(rest, rules)
    if rule is not None:  # boilerplate, with or without credits after it
        return (rule.id, rule.reason), None, []
    if suffixes and len(rest.split()) <= MAX_CAPTION_WORDS:
        return (CAPTION_RULE, CAPTION_REASONS["credited"]), None, []
    run_in = run_in_junk(body)
    if run_in:  # the page-dump spans cover the credits and markup there
        suffixes = [] if run_in[-1][2] == RULE_TRAILING else suffixes
        edits = suffixes + [Edit(STEP, rule_id, s, e, body[s:e], "", PAGE_DUMP_REASONS[rule_id]) for s, e, rule_id in run_in]
    else:
        edits = _inline_edits(rest, 0, rules) + suffixes
    return None, line_key(body), edits


# The memo is pure: the answer depends on the text and on the rule set, which
# is frozen and keys the memo by its fingerprint (equal sets, equal answers).
_judged_short = lru_cache(maxsize=MEMO_LINES)(_judged)
_judged_long = lru_cache(maxsize=MEMO_LONG_PARAGRAPHS)(_judged)


def _judge_memo(length: int):
    """The memo for a paragraph this long, or none."""
    if length <= MAX_MEMO_CHARS:
        return _judged_short
    return _judged_long if length <= MAX_LONG_MEMO_CHARS else _judged


def _inline_edits(body: str, offset: int, rules: RuleSet) -> list[Edit]:
    """Markup left inside running text. A match between two spaces goes with
    one of them, so no double space and no space at an end is left; a match
    glued to a word goes alone.

    >>> rules = RuleSet.load()
    >>> [(e.before, e.after) for e in _inline_edits("Rain <br/> fell &lt;b&gt;hard.", 0, rules)]
    [(' <br/>', ''), ('&lt;b&gt;', '')]
    """
    if rules.any_inline_rule is None or not rules.any_inline_rule.search(body):
        return []  # no rule matches anywhere in it
    edits, cursor = [], 0
    matches = sorted((m.start(), m.end(), rule) for rule, pattern in rules.inline_rules for m in pattern.finditer(body))
    for start, end, rule in matches:
        if start < cursor or (start == 0 and end == len(body)):
            continue  # overlapping, or the whole paragraph (a paragraph rule's job)
        space_before = start == 0 or body[start - 1] == " "
        space_after = end == len(body) or body[end] == " "
        if space_before and space_after:  # take one of the two spaces along
            start, end = (start - 1, end) if start > 0 else (start, end + 1)
        edits.append(Edit(STEP, rule.id, offset + start, offset + end, body[start:end], "", rule.reason))
        cursor = end
    return edits


def _captions(found: list[regex.Match], doomed: dict[int, tuple[str, str]], rules: RuleSet) -> dict[int, tuple[str, str]]:
    """Short paragraphs just before a credit line are its caption; so are
    copies of that caption right before it (extractors often give it twice)."""
    credit_rules = {rule.id for rule, _ in rules.paragraph_rules if rule.credit}
    captions = {}
    for index in sorted(i for i, (rule, _) in doomed.items() if rule in credit_rules):
        j = index - 1
        while j >= 0 and doomed.get(j, ("",))[0] in credit_rules:  # credits come in pairs
            j -= 1
        if j < 0 or len(found[j].group().split()) > MAX_CAPTION_WORDS:
            continue
        caption = found[j].group()
        while j >= 0 and j not in doomed and found[j].group() == caption:  # and copies
            captions[j] = (CAPTION_RULE, CAPTION_REASONS["before-credit"])
            j -= 1
    return captions


def _suffix_edits(body: str, offset: int, rules: RuleSet) -> list[Edit]:
    """Credits at the end of a paragraph, last first, as long as any rule
    matches what is left (so "… (Photo: A) (Video: B)" loses both)."""
    edits, end = [], len(body)
    while True:
        window = max(0, end - SUFFIX_WINDOW_CHARS)
        for rule, pattern in rules.suffix_rules:
            match = pattern.search(body, window, end)
            if match and match.start() > 0:  # a paragraph that is only a credit is a paragraph rule's job
                edits.append(Edit(STEP, rule.id, offset + match.start(), offset + end, match.group(), "", rule.reason))
                end = match.start()
                break
        else:
            return edits


def _any_of(patterns: list[str]) -> regex.Pattern | None:
    """One pattern that matches wherever one of the patterns does (None for none).

    >>> _any_of(["(?i)ad", "x"]).pattern
    '(?:(?i:ad))|(?:x)'
    """
    return regex.compile("|".join(f"(?:{_scoped(pattern)})" for pattern in patterns)) if patterns else None


def _scoped(pattern: str) -> str:
    """A pattern's leading global flags made local, so it can sit in an alternation.

    >>> _scoped("(?ix) a b"), _scoped("plain")
    ('(?ix: a b)', 'plain')
    """
    flags = regex.match(r"\(\?([a-zA-Z]+)\)", pattern)
    return f"(?{flags.group(1)}:{pattern[flags.end():]})" if flags else pattern


def _paragraph_rule(body: str, rules: RuleSet) -> Rule | None:
    if len(body) > MAX_BOILERPLATE_CHARS:
        return None
    if rules.any_paragraph_rule is not None and not _fullmatches(rules.any_paragraph_rule, body):
        return None
    for rule, pattern in rules.paragraph_rules:
        if pattern.fullmatch(body):
            return rule
    return None


@lru_cache(maxsize=MEMO_LINES)
def _fullmatches(pattern: regex.Pattern, body: str) -> bool:
    """Whether the pattern matches all of the body, once per distinct short
    paragraph (MEMO_LINES). A compiled pattern never changes and compares by
    identity, and the memo holds it, so a kept answer is always the answer.

    >>> _fullmatches(regex.compile("a+"), "aaa"), _fullmatches(regex.compile("a+"), "ab")
    (True, False)
    """
    return pattern.fullmatch(body) is not None

