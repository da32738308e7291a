"""Near-duplicate documents: signatures, clusters, and the manifest that reports them."""

import json
import random

from cleaners.neardup import NEAR_DUPLICATE_JACCARD, Signatures, signature, similarity
from flows.corpus_io import read_manifest, restore_corpus

WORDS = ("council budget river bridge school harbour winter market station railway farmers election court "
         "museum hospital storm festival minister police library tunnel ferry airport factory").split()


def article(seed: int, paragraphs: int = 6) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 40))).capitalize() + "."
        for _ in range(paragraphs)
    ) + "\n"


def change_words(text: str, share: float, seed: int) -> str:
    """Replace about `share` of the words by other words, keeping the layout."""
    rng = random.Random(seed)
    lines = []
    for line in text.split("\n"):
        lines.append(" ".join(w if rng.random() >= share else "changed" for w in line.split(" ")))
    return "\n".join(lines)


def test_copies_with_ten_percent_of_words_changed_are_similar_and_different_articles_are_not():
    a = article(1)
    assert similarity(signature(a), signature(change_words(a, 0.1, 2))) >= NEAR_DUPLICATE_JACCARD
    assert similarity(signature(a), signature(article(3))) < NEAR_DUPLICATE_JACCARD / 2


def test_clusters_merge_across_batches_and_number_by_representative():
    a, b = article(1), article(5)
    texts = {"d3": change_words(a, 0.1, 7), "d1": a, "d2": b, "d4": change_words(b, 0.1, 8), "d5": article(9)}
    one = Signatures()
    for doc_id, text in texts.items():
        one.merge(Signatures.from_text(doc_id, text))
    batches = [Signatures(), Signatures()]
    for n, (doc_id, text) in enumerate(sorted(texts.items())):
        batches[n % 2].merge(Signatures.from_text(doc_id, text))
    merged = batches[0].merge(batches[1]).clusters()
    assert merged == one.clusters()
    assert {k: (m.cluster, m.representative) for k, m in merged.items()} == {
        "d1": ("c0001", "d1"), "d3": ("c0001", "d1"), "d2": ("c0002", "d2"), "d4": ("c0002", "d2"),
    }
    assert merged["d1"].similarity == 1.0 and NEAR_DUPLICATE_JACCARD <= merged["d3"].similarity < 1


def tiny_corpus(folder):
    folder.mkdir()
    a = article(11)
    (folder / "a.txt").write_text(a)
    (folder / "b.txt").write_text(change_words(a, 0.1, 12))
    (folder / "c.txt").write_text(article(13))
    return folder


def test_flow_reports_clusters_in_the_manifest(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    clean_corpus(src=str(tiny_corpus(tmp_path / "src")), out=str(tmp_path / "clean"))
    docs = read_manifest(tmp_path / "clean")["documents"]
    assert (docs["a"]["cluster"], docs["a"]["near_duplicate_of"]) == ("c0001", None)
    assert (docs["b"]["cluster"], docs["b"]["near_duplicate_of"]) == ("c0001", "a")
    assert docs["b"]["near_duplicate_similarity"] >= NEAR_DUPLICATE_JACCARD
    assert docs["c"]["cluster"] is None
    assert all(d["status"] == "cleaned" for d in docs.values())  # report only by default
    assert sorted(p.name for p in (tmp_path / "clean").glob("*.txt")) == ["a.txt", "b.txt", "c.txt"]
    assert json.loads((tmp_path / "clean" / "manifest.json").read_text())["summary"]["clusters"] == 1


def test_representatives_only_sets_members_aside_and_restore_still_rebuilds_them(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    src = tiny_corpus(tmp_path / "src")
    summary = clean_corpus(src=str(src), out=str(tmp_path / "clean"), representatives_only=True)
    b = read_manifest(tmp_path / "clean")["documents"]["b"]
    assert b["status"] == "near-duplicate" and "near duplicate of a" in b["reason"]
    assert b["clean_file"] == "near-duplicates/b.txt"
    assert sorted(p.name for p in (tmp_path / "clean").glob("*.txt")) == ["a.txt", "c.txt"]
    assert summary["cleaned"] == 2 and summary["set_aside"] == 1
    assert restore_corpus(tmp_path / "clean", tmp_path / "raw") == 3
    for raw in src.iterdir():
        assert (tmp_path / "raw" / raw.name).read_bytes() == raw.read_bytes()
