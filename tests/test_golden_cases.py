"""Golden cases per cleaner (tests/cases/<step>.json): label, original, fixed,
the rule ids that fire, and for corpus-aware steps the other documents."""

import json

import pytest

from cleaners.edits import apply_edits, restore_text
from cleaners.pipeline import STEPS, CorpusContext, CorpusStats
from conftest import CASES


def load_cases():
    for path in sorted(CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            yield pytest.param(path.stem, case, id=f"{path.stem}: {case['label']}")


@pytest.mark.parametrize("step, case", list(load_cases()))
def test_golden_case(step, case):
    documents = [case["original"], *case.get("corpus", [])]
    context = CorpusContext.build(CorpusStats.from_text(d) for d in documents)
    edits = STEPS[step](case["original"], context)
    fixed = apply_edits(case["original"], edits)
    assert fixed == case["fixed"]
    assert sorted({e.rule for e in edits}) == case["rules"]
    assert all(e.step == step for e in edits)
    assert restore_text(fixed, edits) == case["original"]
    assert STEPS[step](fixed, context) == []  # the step is idempotent


def test_every_step_has_golden_cases():
    assert {p.stem for p in CASES.glob("*.json")} == set(STEPS)
