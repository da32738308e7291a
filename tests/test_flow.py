"""The flow and the CLI, end to end, on the seed corpus."""

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import COMMITTED_CLEAN, ROOT, SEEDS
from flows.config import CleanConfig
from flows.corpus_io import read_manifest

PRESSWASH = [sys.executable, "-m", "flows.cli"]


def presswash(*args, check=True):
    run = subprocess.run([*PRESSWASH, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=os.environ)
    if check and run.returncode != 0:
        raise AssertionError(f"presswash {' '.join(map(str, args))} failed:\n{run.stderr[-3000:]}")
    return run


def same_files(a: Path, b: Path) -> list[str]:
    """Names of files that differ between two folders (or exist in one only)."""
    names = {p.name for p in a.iterdir()} | {p.name for p in b.iterdir()}
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file() and (a / n).read_bytes() == (b / n).read_bytes()))


def test_flow_parameters_are_the_config_fields():
    from flows.clean_corpus import clean_corpus

    assert list(inspect.signature(clean_corpus.fn).parameters) == list(CleanConfig.model_fields)


def test_flow_cleans_the_seeds_like_the_committed_output(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    summary = clean_corpus(src=str(SEEDS), out=str(tmp_path / "clean"))
    assert summary == read_manifest(tmp_path / "clean")["summary"] and summary["documents"] == 5
    assert same_files(tmp_path / "clean", COMMITTED_CLEAN) == []


def test_flow_with_small_batches_gives_the_same_output(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    clean_corpus(src=str(SEEDS), out=str(tmp_path / "clean"), batch_size=2)
    assert same_files(tmp_path / "clean", COMMITTED_CLEAN) == []


@pytest.fixture(scope="module")
def cli_clean(tmp_path_factory):
    """`presswash clean seeds` through the real CLI (embedded Prefect server)."""
    out = tmp_path_factory.mktemp("cli") / "clean"
    run = presswash("clean", SEEDS, "--out", out)
    return out, run


def test_cli_output_matches_the_committed_clean_corpus(cli_clean):
    out, run = cli_clean
    assert "5 of 5 documents cleaned" in run.stdout
    assert same_files(out, COMMITTED_CLEAN) == []


def test_cli_progress_is_plain_lines_when_not_on_a_terminal(cli_clean):
    _, run = cli_clean
    assert "presswash: 1/1 batches read (corpus pass)\n" in run.stderr
    assert "presswash: 1/1 batches cleaned\n" in run.stderr


def test_cli_restore_rebuilds_the_seeds_byte_for_byte(cli_clean, tmp_path):
    out, _ = cli_clean
    presswash("restore", out, "--out", tmp_path / "raw")
    assert same_files(tmp_path / "raw", SEEDS) == []


def test_cleaning_clean_output_changes_nothing(cli_clean, tmp_path):
    out, _ = cli_clean
    presswash("clean", out, "--out", tmp_path / "again")
    for clean in out.glob("*.txt"):
        assert (tmp_path / "again" / clean.name).read_bytes() == clean.read_bytes()
    manifest = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert manifest["summary"]["edits"] == {}


def test_mixed_encodings_and_line_ends_restore_exactly(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = "“Grüße”, said the mayor’s aide — 5 €.\r\nSecond paragraph here.\r\n"
    (src / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (src / "latin1.txt").write_bytes(text.replace("€", "EUR").replace("“", '"').replace("”", '"').replace("’", "'").replace("—", "-").encode("latin-1"))
    (src / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (src / "crlf.txt").write_bytes(text.encode("utf-8"))
    (src / "cr.txt").write_bytes(text.replace("\r\n", "\r").encode("utf-8"))
    presswash("clean", src, "--out", tmp_path / "clean")
    for path in (tmp_path / "clean").glob("*.txt"):
        assert path.read_text(encoding="utf-8").startswith(("“Grüße”", '"Grüße"')), path.name
    presswash("restore", tmp_path / "clean", "--out", tmp_path / "raw")
    assert same_files(tmp_path / "raw", src) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["clean", "no/such/folder", "--out", "x"], "src: Value error, no/such/folder is not a folder"),
        (["clean", "seeds", "--out", "x", "--steps", "repair_unicode,spellcheck"], "unknown step spellcheck"),
        (["clean", "seeds", "--out", "x", "--batch-size", "0"], "batch_size: Input should be greater than or equal to 1"),
        (["clean", "seeds", "--out", "seeds"], "is the source folder"),
        (["clean", "seeds", "--out", "cleaners"], "is not presswash output"),
        (["restore", "seeds", "--out", "x"], "has no manifest.json"),
    ],
)
def test_bad_input_fails_with_one_clear_line(args, message):
    run = presswash(*args, check=False)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_bad_rule_pack_is_named_with_its_rule(tmp_path):
    pack = tmp_path / "mine.toml"
    pack.write_text('[[rule]]\nid = "broken"\nkind = "paragraph"\npattern = "(unclosed"\nreason = "test"\n')
    run = presswash("clean", SEEDS, "--out", tmp_path / "out", "--rule-pack", pack, check=False)
    assert run.returncode == 2
    assert f"rule pack {pack}, rule broken: pattern: Value error, not a valid regex" in run.stderr


def test_a_user_rule_pack_is_applied(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    pack = tmp_path / "mine.toml"
    pack.write_text('[[rule]]\nid = "kremlin-statement"\nkind = "paragraph"\npattern = "(?i)the kremlin says .*"\nreason = "test rule"\n')
    clean_corpus(src=str(SEEDS), out=str(tmp_path / "out"), rule_packs=[str(pack)])
    assert read_manifest(tmp_path / "out")["documents"]["004_c1566947fe81e285"]["edits"]["strip_boilerplate/kremlin-statement"] == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({"src": "no/such/folder"}, "src: Value error, no/such/folder is not a folder"),
        ({"steps": ["repair_unicode", "spellcheck"]}, "steps: Value error, unknown step spellcheck"),
        ({"batch_size": 0}, "batch_size: Input should be greater than or equal to 1"),
        ({"batch_size": 100_001}, "batch_size: Input should be less than or equal to 100000"),
        ({"rule_packs": ["no/such/pack.toml"]}, "rule_packs: Value error, rule pack no/such/pack.toml does not exist"),
    ],
)
def test_a_bad_parameter_fails_the_flow_run_at_once_naming_the_field(prefect_harness, tmp_path, params, message):
    from flows.clean_corpus import clean_corpus

    state = clean_corpus(**{"src": str(SEEDS), "out": str(tmp_path / "out"), **params}, return_state=True)
    assert state.is_failed()
    assert message in state.message
    assert not (tmp_path / "out").exists()


def test_a_broken_rule_pack_fails_the_flow_run_naming_the_rule(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    pack = tmp_path / "mine.toml"
    pack.write_text('[[rule]]\nid = "broken"\nkind = "paragraph"\npattern = "(unclosed"\nreason = "test"\n')
    state = clean_corpus(src=str(SEEDS), out=str(tmp_path / "out"), rule_packs=[str(pack)], return_state=True)
    assert state.is_failed()
    assert f"rule_packs: Value error, rule pack {pack}, rule broken: pattern" in state.message


def test_an_unreachable_prefect_api_url_fails_in_one_line(tmp_path):
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    run = subprocess.run([*PRESSWASH, "clean", SEEDS, "--out", tmp_path / "out"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert run.returncode == 2
    assert "PREFECT_API_URL=http://127.0.0.1:9/api does not answer" in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_without_a_server_says_how_to_start_one():
    run = presswash("serve", check=False)
    assert run.returncode == 2
    assert "prefect server start --host 127.0.0.1" in run.stderr and "PREFECT_API_URL=" in run.stderr


def test_help_explains_the_outputs_and_gives_the_defaults():
    from flows.config import DEFAULT_BATCH_SIZE

    run = presswash("clean", "--help")
    assert "changelog.jsonl" in run.stdout and "manifest.json" in run.stdout
    assert f"(default {DEFAULT_BATCH_SIZE})" in " ".join(run.stdout.split())
