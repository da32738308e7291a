"""corpus.jsonl (and corpus.parquet): the clean corpus as its consumers read it."""

import importlib.util
import json
import re

import pytest

from conftest import COMMITTED_CLEAN, ROOT, SEEDS
from flows.config import ConfigError, make_config
from flows.corpus_io import CORPUS, read_manifest

README_EXAMPLE_RE = re.compile(r"## Consuming the cleaned corpus\n.*?```python\n(.*?)```", re.S)


def test_the_readme_example_loads_the_committed_corpus_with_pandas(capsys, monkeypatch):
    example = README_EXAMPLE_RE.search((ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    assert len(example.strip().splitlines()) == 3
    monkeypatch.chdir(ROOT)
    namespace = {}
    exec(example, namespace)
    corpus = namespace["corpus"]
    assert list(corpus["id"]) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for row in corpus.itertuples():
        assert row.text == (COMMITTED_CLEAN / f"{row.id}.txt").read_text(encoding="utf-8")
    assert "004_c1566947fe81e285" in capsys.readouterr().out


def test_corpus_lines_agree_with_the_manifest():
    manifest = read_manifest(COMMITTED_CLEAN)
    lines = [json.loads(line) for line in (COMMITTED_CLEAN / CORPUS).read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == list(manifest["documents"])
    for line in lines:
        entry = manifest["documents"][line["id"]]
        assert line["source"] == entry["source"]
        assert line["edits"] == sum(entry["edits"].values()) == sum(line["edits_by_step"].values())
        assert line["warnings"] == len(entry["warnings"])
        assert line["cluster"] == entry["cluster"]
    assert len({tuple(line) for line in lines}) == 1, "every line has the same keys in the same order"


def test_parquet_holds_the_same_records(prefect_harness, tmp_path):
    import pandas as pd

    from flows.clean_corpus import clean_corpus

    clean_corpus(src=str(SEEDS), out=str(tmp_path / "clean"), parquet=True)
    parquet = pd.read_parquet(tmp_path / "clean" / "corpus.parquet")
    jsonl = pd.read_json(tmp_path / "clean" / CORPUS, lines=True)
    assert parquet[["id", "text", "source", "edits"]].equals(jsonl[["id", "text", "source", "edits"]])
    assert {p.name for p in (tmp_path / "clean").iterdir()} - {p.name for p in COMMITTED_CLEAN.iterdir()} == {
        "corpus.parquet"
    }


def test_parquet_without_pyarrow_fails_naming_the_field_and_the_extra(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real_find_spec(name, *a))
    with pytest.raises(ConfigError, match=r"parquet: Value error, .*pip install 'presswash\[parquet\]'"):
        make_config(src=SEEDS, out="x", parquet=True)


@pytest.mark.skipif(
    importlib.util.find_spec("datasets") is None,
    reason="Hugging Face datasets is not a dev dependency (a large install); this runs where it is installed",
)
def test_hugging_face_datasets_loads_the_corpus(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    corpus = load_dataset("json", data_files=str(COMMITTED_CLEAN / CORPUS), split="train")
    assert corpus.num_rows == 5 and corpus[0]["id"] == "000_168d10991dd40f8a"
