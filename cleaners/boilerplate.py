"""strip_boilerplate: delete the junk scrapers leave around article text.

Rules are data: rule packs in TOML (`cleaners/rules/*.toml`, and any pack a
user names in the config), each rule an id, a kind, a pattern and a reason.
A "paragraph" rule must match a whole paragraph; a "suffix" rule the end of
one. Nothing here matches inside running text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cleaners.edits import Edit, delete_paragraphs, paragraphs
from cleaners.pagedump import REASONS as PAGE_DUMP_REASONS
from cleaners.pagedump import RULE_TRAILING, page_dump_junk, run_in_junk
from cleaners.recurring import MIN_RECURRING_DOCS, line_key
from cleaners.recurring import REASON as RECURRING_REASON
from cleaners.recurring import RULE as RECURRING_RULE

STEP = "strip_boilerplate"
BUILTIN_PACKS = sorted((Path(__file__).parent / "rules").glob("*.toml"))
# Boilerplate paragraphs are short; no paragraph rule looks at a longer one.
# The longest built-in pattern allows about 200 characters.
MAX_BOILERPLATE_CHARS = 300
# Suffix rules look only at a paragraph's last characters (credits are short).
SUFFIX_WINDOW_CHARS = 160


class Rule(BaseModel):
    """One rule of a rule pack."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="stable id, in the changelog")
    kind: Literal["paragraph", "suffix"]
    pattern: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    language: str = "*"

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
        return cls(paragraph, suffix)


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
    doomed, edits = {}, []
    found = list(paragraphs(text))
    for index, rule_id in page_dump_junk([p.group() for p in found]).items():
        doomed[index] = (rule_id, PAGE_DUMP_REASONS[rule_id])
    for index, paragraph in enumerate(found):
        if index in doomed:
            continue
        suffixes = _suffix_edits(paragraph.group(), paragraph.start(), rules)
        rest = paragraph.group()[: suffixes[-1].start - paragraph.start()] if suffixes else paragraph.group()
        rule = _paragraph_rule(rest, rules)
        if rule is not None:  # boilerplate, with or without credits after it
            doomed[index] = (rule.id, rule.reason)
            continue
        if recurring and line_key(paragraph.group()) in recurring:
            doomed[index] = (RECURRING_RULE, RECURRING_REASON.format(documents=MIN_RECURRING_DOCS))
            continue
        run_in = run_in_junk(paragraph.group())
        if run_in and run_in[-1][2] == RULE_TRAILING:
            suffixes = []  # the footer span holds them
        edits += suffixes
        for start, end, rule_id in run_in:
            start, end = paragraph.start() + start, paragraph.start() + end
            edits.append(Edit(STEP, rule_id, start, end, text[start:end], "", PAGE_DUMP_REASONS[rule_id]))
    return delete_paragraphs(text, doomed, STEP) + edits


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


def _paragraph_rule(body: str, rules: RuleSet) -> Rule | None:
    if len(body) > MAX_BOILERPLATE_CHARS:
        return None
    for rule, pattern in rules.paragraph_rules:
        if pattern.fullmatch(body):
            return rule
    return None
