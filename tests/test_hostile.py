"""Hostile input: every file cleaned or quarantined with a reason, nothing
lost, the whole corpus in seconds (issue: hostile input)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from flows.corpus_io import MANIFEST, read_manifest, restore_corpus

PARAGRAPH = "The council met again on Tuesday and, after a long debate, approved the budget for next year."
MOJIBAKE = "The mayor’s plan — café".encode("utf-8").decode("cp1252")


def hostile_files() -> dict[str, bytes]:
    text = "“Grüße”, said the mayor’s aide — 5 €.\r\nSecond paragraph.\r\n"
    return {
        "cp1252.txt": text.encode("cp1252"),
        "latin1.txt": "Grüße aus Köln, schöne Straße, große Brücke. " .encode("latin-1") * 4,
        "shift_jis.txt": ("こんにちは世界。東京の天気は晴れです。" * 5).encode("shift_jis"),
        "utf16.txt": ("\ufeff" + text).encode("utf-16-le"),
        "undecodable.txt": b"Valid start, then \xff\xfe\xfd\x80 bytes that are nothing, then more text.\n" * 3,
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "empty.txt": b"",
        "whitespace.txt": b"  \n\t \r\n \xc2\xa0 \n",
        "long_line.txt": ("word " * 2_000_000).encode(),  # 10 MB, one line
        "nul.txt": b"Text\x00 with NUL\x00 bytes in it.\n",
        "controls.txt": "Bell\x07 and \x1b[31mred\x1b[0m and C1 \x85\x9b here.\n".encode("utf-8"),
        "invisible.txt": "Zero\u200bwidth, \u200fbidi\u202e marks\u2066 here.\n".encode("utf-8"),
        "scripts.txt": "Emoji 🎉👍🏽, 中文新闻, 日本語, 한국어, עברית, العربية.\n".encode("utf-8"),
        "mojibake.txt": (MOJIBAKE + "\n").encode("utf-8"),
        "quotes.txt": ("“" * 100_000).encode("utf-8"),
        "dashes.txt": ("—" * 300_000).encode("utf-8"),
        "repeated.txt": ((PARAGRAPH + "\n\n") * 20_000).encode("utf-8"),
        "name with spaces.txt": b"Spaces in the name.\n",
        "ünïcödé näme.txt": "Non-ASCII name.\n".encode("utf-8"),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    src = tmp_path_factory.mktemp("hostile") / "src"
    src.mkdir()
    for name, data in hostile_files().items():
        (src / name).write_bytes(data)
    outside = src.parent / "secret.txt"
    outside.write_text("outside SRC\n")
    (src / "outside.txt").symlink_to(outside)
    (src / "dangling.txt").symlink_to(src / "missing-target")
    (src / "folder.txt").mkdir()
    return src


@pytest.fixture(scope="module")
def cleaned(hostile, prefect_harness, tmp_path_factory):
    from flows.clean_corpus import clean_corpus

    out = tmp_path_factory.mktemp("hostile-out") / "clean"
    started = time.monotonic()
    summary = clean_corpus(src=str(hostile), out=str(out))
    manifest = read_manifest(out)
    assert summary == manifest["summary"]
    return out, manifest, time.monotonic() - started


def test_every_entry_has_an_outcome(hostile, cleaned):
    _, manifest, _ = cleaned
    assert set(manifest["documents"]) == {p.stem for p in hostile.iterdir()}
    quarantined = {k: v["reason"] for k, v in manifest["documents"].items() if v["status"] == "quarantined"}
    assert set(quarantined) == {"image", "outside", "dangling", "folder"}
    assert "PNG image" in quarantined["image"]
    assert "outside SRC" in quarantined["outside"]
    assert "not a regular file" in quarantined["folder"]
    assert manifest["summary"]["quarantined"] == 4


def test_every_cleaned_file_restores_byte_for_byte(hostile, cleaned, tmp_path):
    out, manifest, _ = cleaned
    restore_corpus(out, tmp_path / "raw")
    for doc_id, entry in manifest["documents"].items():
        if entry["status"] == "cleaned" or entry.get("quarantine"):
            assert (tmp_path / "raw" / entry["source"]).read_bytes() == (hostile / entry["source"]).read_bytes(), doc_id
    assert not (tmp_path / "raw" / "outside.txt").exists()  # the link was not followed


def test_clean_text_is_canonical_and_the_junk_is_gone(cleaned):
    out, _, _ = cleaned
    for path in out.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert "\r" not in text and "  " not in text and "\x00" not in text and "\x1b" not in text
        assert text == "" or (text.endswith("\n") and not text.endswith("\n\n"))
    assert (out / "repeated.txt").read_text() == PARAGRAPH + "\n"
    assert (out / "mojibake.txt").read_text() == "The mayor’s plan — café\n"
    assert (out / "empty.txt").read_bytes() == b"" and (out / "whitespace.txt").read_bytes() == b""


def test_the_hostile_corpus_takes_seconds(cleaned):
    assert cleaned[2] < 60


def test_a_quarantined_file_is_kept_in_dst(cleaned, hostile):
    out, manifest, _ = cleaned
    kept = manifest["documents"]["image"]["quarantine"]
    assert (out / kept).read_bytes() == (hostile / "image.txt").read_bytes()


def test_a_missing_src_or_unwritable_out_is_one_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "flows.cli", "clean", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1


def test_a_run_killed_at_any_moment_leaves_the_previous_output(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(400):
        (src / f"doc{i:04d}.txt").write_text(f"Document {i}.\n\n" + (PARAGRAPH + f" Item {i}.\n\n") * 30)
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text('{"summary": {}, "documents": {}}\n')
    (out / "previous.txt").write_text("the previous run's output\n")
    before = sorted((p.name, p.read_bytes()) for p in out.iterdir())
    for moment in ("early", "while writing"):
        run = subprocess.Popen([sys.executable, "-m", "flows.cli", "clean", str(src), "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        started = time.monotonic()
        while run.poll() is None and time.monotonic() < started + 120:
            staged = list(tmp_path.glob(".out.partial-*"))
            # early: 1 s in, while Prefect and its server start (the whole run takes about 3 s)
            if (moment == "while writing" and staged) or (moment == "early" and time.monotonic() > started + 1):
                break
            time.sleep(0.005)
        assert run.poll() is None, f"the run ended before it could be killed {moment}; give it more documents"
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        assert sorted((p.name, p.read_bytes()) for p in out.iterdir()) == before, moment


def test_a_run_killed_between_the_two_renames_gets_its_old_output_back(tmp_path):
    from flows.corpus_io import RETIRED_PREFIX, STAGING_PREFIX, _remove_stale_staging

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = dead.stdout.strip()
    retired = tmp_path / f"{RETIRED_PREFIX.format(name='out')}{pid}"
    retired.mkdir()
    (retired / MANIFEST).write_text("{}\n")
    staging = tmp_path / f"{STAGING_PREFIX.format(name='out')}{pid}"
    staging.mkdir()
    _remove_stale_staging(tmp_path / "out")
    assert (tmp_path / "out" / MANIFEST).read_text() == "{}\n"
    assert not retired.exists() and not staging.exists()
