"""Professional article text must come out with no edit but canonical layout."""

import pytest

from cleaners.pipeline import CorpusContext, CorpusStats, clean_text
from conftest import FIXTURES

ARTICLES = sorted((FIXTURES / "professional").glob("*.txt"))


@pytest.fixture(scope="module")
def context():
    # the articles together form the corpus, so names are compared across them
    return CorpusContext.build(CorpusStats.from_text(p.read_text(encoding="utf-8")) for p in ARTICLES)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_professional_text_gets_layout_edits_only(path, context):
    _, edits = clean_text(path.read_text(encoding="utf-8"), context)
    assert [e for e in edits if e.step != "canonicalize_layout"] == []


def test_there_are_articles_to_check():
    assert len(ARTICLES) >= 3
