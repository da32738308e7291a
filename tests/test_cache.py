"""Incremental runs: whatever the cache reuses, the output is the bytes a fresh run writes."""

import logging
import re
import shutil

import pytest

from conftest import SEEDS
from test_flow import same_files


@pytest.fixture
def caplog():
    """The flow's log lines (Prefect's run loggers do not propagate to pytest's caplog)."""

    class Lines(logging.Handler):
        def __init__(self):
            super().__init__(logging.INFO)
            self.records = []

        def emit(self, record):
            self.records.append(record)

        def clear(self):
            self.records.clear()

    import flows.clean_corpus  # noqa: F401  (Prefect configures its loggers on import, dropping handlers)

    handler = Lines()
    logger = logging.getLogger("prefect.flow_runs")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    return src


def clean(src, out, caplog, **options) -> tuple[int, int] | str:
    """Run the flow in-process; (batches reused, batches) or "up to date"."""
    from flows.clean_corpus import clean_corpus

    caplog.clear()
    clean_corpus(src=str(src), out=str(out), batch_size=1, cache_dir=str(src.parent / "cache"), **options)
    for record in caplog.records:
        if "is up to date" in record.getMessage():
            return "up to date"
        if found := re.search(r"reused (\d+) of (\d+) batches", record.getMessage()):
            return int(found[1]), int(found[2])
    raise AssertionError("the run logged nothing about the cache")


def test_an_unchanged_corpus_is_up_to_date_and_a_touched_output_is_rewritten(prefect_harness, corpus, tmp_path, caplog):
    out = tmp_path / "out"
    assert clean(corpus, out, caplog) == (0, 5)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert clean(corpus, out, caplog) == "up to date"
    (out / "manifest.json").write_text("{}")  # somebody edited the output: it is written again, from the cache
    assert clean(corpus, out, caplog) == (5, 5)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_a_changed_document_re_cleans_what_depends_on_it_and_nothing_else(prefect_harness, corpus, tmp_path, caplog):
    assert clean(corpus, tmp_path / "first", caplog) == (0, 5)
    # A plain word changed in one document: only its batch is cleaned again.
    seed = corpus / "003_5b65432d6c80e6b1.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("recaptured", "retook"), encoding="utf-8")
    assert clean(corpus, tmp_path / "second", caplog) == (4, 5)
    assert clean(corpus, tmp_path / "fresh", caplog, cache=False) == (0, 5)
    assert same_files(tmp_path / "second", tmp_path / "fresh") == []


def test_a_document_that_moves_the_consensus_re_cleans_the_documents_it_affects(prefect_harness, corpus, tmp_path, caplog):
    """Seed 004 writes "Togayev" where three documents write "Tokayev". Once no
    other document writes "Tokayev", the repair of 004 must go: its batch
    looked up that name's count, so it is cleaned again though its bytes are
    unchanged."""
    assert clean(corpus, tmp_path / "first", caplog) == (0, 5)
    assert '"after": "Tokayev"' in (tmp_path / "first" / "changelog.jsonl").read_text(encoding="utf-8")
    for path in corpus.glob("00[0-2]*.txt"):
        path.write_text(path.read_text(encoding="utf-8").replace("Tokayev", "Nazarbayev"), encoding="utf-8")
    reused, batches = clean(corpus, tmp_path / "second", caplog)
    assert reused < batches - 3, "the three changed documents and seed 004 are cleaned again"
    assert '"after": "Tokayev"' not in (tmp_path / "second" / "changelog.jsonl").read_text(encoding="utf-8")
    clean(corpus, tmp_path / "fresh", caplog, cache=False)
    assert same_files(tmp_path / "second", tmp_path / "fresh") == []


def test_a_changed_rule_pack_cleans_everything_again(prefect_harness, corpus, tmp_path, caplog):
    pack = tmp_path / "pack.toml"
    pack.write_text('[[rule]]\nid = "kremlin"\nkind = "paragraph"\npattern = "^Nothing matches this$"\nreason = "test"\n')
    assert clean(corpus, tmp_path / "first", caplog, rule_packs=[str(pack)]) == (0, 5)
    pack.write_text(pack.read_text().replace("^Nothing matches this$", "^Kyiv says it recaptured.*$"))
    assert clean(corpus, tmp_path / "second", caplog, rule_packs=[str(pack)]) == (0, 5)
    assert "kremlin" in (tmp_path / "second" / "changelog.jsonl").read_text(encoding="utf-8")


def test_a_damaged_cache_entry_is_cleaned_again(prefect_harness, corpus, tmp_path, caplog):
    clean(corpus, tmp_path / "first", caplog)
    for entry in (corpus.parent / "cache" / "batches").iterdir():
        entry.write_bytes(entry.read_bytes()[:20])  # truncated, as by a full disk
    assert clean(corpus, tmp_path / "second", caplog) == (0, 5)
    assert same_files(tmp_path / "second", tmp_path / "first") == []


def test_the_command_finds_an_unchanged_output_up_to_date_without_starting_prefect(corpus, tmp_path):
    from flows.server import STARTING
    from test_flow import presswash

    out, cache = tmp_path / "out", tmp_path / "cache"
    first = presswash("clean", corpus, "--out", out, "--cache-dir", cache)
    assert STARTING in first.stderr  # the embedded Prefect server ran
    again = presswash("clean", corpus, "--out", out, "--cache-dir", cache)
    assert "is up to date" in again.stdout and STARTING not in again.stderr
    forced = presswash("clean", corpus, "--out", out, "--cache-dir", cache, "--no-cache")
    assert STARTING in forced.stderr and "is up to date" not in forced.stdout
