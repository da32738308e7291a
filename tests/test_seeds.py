"""What the committed clean seed corpus must show (it is checked against a
fresh CLI run in test_flow.py)."""

import json

import pytest

from conftest import COMMITTED_CLEAN, SEEDS

MANIFEST = json.loads((COMMITTED_CLEAN / "manifest.json").read_text(encoding="utf-8"))


def clean(stem: str) -> str:
    return next(COMMITTED_CLEAN.glob(f"{stem}_*.txt")).read_text(encoding="utf-8")


def warnings(stem: str) -> list[dict]:
    return next(v["warnings"] for k, v in MANIFEST["documents"].items() if k.startswith(stem))


@pytest.mark.parametrize(
    "junk",
    ["See also", "Leave a Comment", "Leave a Reply", "Your email address will not be published", "Source link",
     "(SPUTNIK/AFP via Getty Images)", "(Video: Reuters)", "— —", "“”", "Togayev"],
)
def test_no_seed_keeps_the_named_junk(junk):
    assert not any(junk in path.read_text(encoding="utf-8") for path in COMMITTED_CLEAN.glob("*.txt"))


def test_quoting_and_names_are_repaired():
    assert "“No limits” Partnership" in clean("004")
    assert "Kassym-Jomart Tokayev in a symbolic first stop" in clean("004")
    assert "their “no-limits” partnership" in clean("002")
    assert clean("001").count('"China is willing," Xi remarked') == 1


def test_repeated_paragraphs_of_seed_000_appear_once():
    text = clean("000")
    assert text.count("China has so far refused to") == 1
    assert text.count("Putin made the comments during his first in-person meeting") == 1


def test_seed_002_names_are_untouched():
    for name in ("Kassym-Jomart Tokayev", "Shavkat Mirziyoyev", "Nancy Pelosi’s", "John Kirby"):
        assert name in next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
        assert name in clean("002")
    assert not [e for e in (COMMITTED_CLEAN / "changelog.jsonl").read_text().splitlines() if '"002_' in e and "consensus-name" in e]


def test_garbles_that_cannot_be_repaired_are_in_the_review_list():
    kinds = {(w["kind"], w["text"]) for w in warnings("004")}
    assert ("glued-words", "StratalDiplomatic") in kinds
    assert ("stray-capital", "On") in kinds
    assert ("sentence-fragment", "said in opening remarks,") in kinds


def test_no_real_paragraph_is_lost():
    """Every paragraph of a seed that no rule calls junk is still there."""
    deleted = [json.loads(line) for line in (COMMITTED_CLEAN / "changelog.jsonl").read_text().splitlines()]
    deleted_text = [e["before"].strip() for e in deleted if e["after"] == "" and e["step"] in ("strip_boilerplate", "dedupe_paragraphs")]
    assert all(len(t.split()) <= 60 for t in deleted_text if t)  # only short junk, captions and repeats
