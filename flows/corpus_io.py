"""Reading the raw corpus, writing the clean one, and restoring the raw bytes.

Output layout (DST):
- `<id>.txt`: the clean canonical text of each document (`id` = file stem);
- `changelog.jsonl`: every edit, one JSON object a line, documents in id
  order and each document's edits in chain order;
- `manifest.json`: per-document facts (source, encoding, hashes, edit counts)
  and a summary;
- `corpus.jsonl`: the clean corpus for consumers, one document a line
  (`id`, `text`, `source`, `cluster`, `edits`, `edits_by_step`, `warnings`),
  readable as is by pandas and Hugging Face `datasets`;
- `corpus.parquet` (only when asked for): the same records as Parquet.

DST is written as a whole: into a temporary sibling folder first, swapped in
at the end, so a failed run leaves the previous output as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaners.decode import decode_bytes, encode_text
from cleaners.edits import Edit, restore_text
from cleaners.pipeline import STEPS

CHANGELOG = "changelog.jsonl"
MANIFEST = "manifest.json"
CORPUS = "corpus.jsonl"
CORPUS_PARQUET = "corpus.parquet"


class OutputError(RuntimeError):
    """The output folder cannot be written or read as presswash output."""


@dataclass
class Document:
    """One document on its way through the chain."""

    id: str
    source: str  # path relative to SRC
    encoding: str
    raw_sha256: str
    raw_chars: int
    text: str
    edits: list[Edit] = field(default_factory=list)


def list_sources(src: Path) -> list[Path]:
    """The *.txt files directly in SRC, in name order (so runs are repeatable)."""
    return sorted(p for p in src.glob("*.txt") if p.is_file())


def read_document(path: Path, src: Path) -> Document:
    """Read and decode one raw file."""
    raw = path.read_bytes()
    decoded = decode_bytes(raw)
    return Document(
        id=path.stem,
        source=path.relative_to(src).as_posix(),
        encoding=decoded.encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        raw_chars=len(decoded.text),
        text=decoded.text,
    )


def write_corpus(documents: Iterable[Document], out: Path, src: Path, parquet: bool = False) -> dict:
    """Write DST atomically (with corpus.parquet if PARQUET); return the manifest."""
    out = Path(out)
    check_output_folder(out, src)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        manifest = _write_into(staging, sorted(documents, key=lambda d: d.id))
        if parquet:
            write_parquet(staging / CORPUS, staging / CORPUS_PARQUET)
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _write_into(folder: Path, documents: list[Document]) -> dict:
    entries, totals = {}, Counter()
    with (
        open(folder / CHANGELOG, "w", encoding="utf-8", newline="\n") as changelog,
        open(folder / CORPUS, "w", encoding="utf-8", newline="\n") as corpus,
    ):
        for doc in documents:
            clean = doc.text.encode("utf-8")
            (folder / f"{doc.id}.txt").write_bytes(clean)
            counts = Counter(f"{e.step}/{e.rule}" for e in doc.edits)
            totals.update(counts)
            for edit in doc.edits:
                changelog.write(_json_line(edit.to_record(doc.id)))
            corpus.write(_json_line(corpus_record(doc, warnings=0, cluster=None)))
            entries[doc.id] = {
                "source": doc.source,
                "status": "cleaned",
                "reason": None,
                "raw_sha256": doc.raw_sha256,
                "clean_sha256": hashlib.sha256(clean).hexdigest(),
                "encoding": doc.encoding,
                "chars_in": doc.raw_chars,
                "chars_out": len(doc.text),
                "edits": dict(sorted(counts.items())),
                "warnings": [],
                "cluster": None,
                "near_duplicate_of": None,
            }
    summary = {
        "documents": len(entries),
        "cleaned": len(entries),
        "quarantined": 0,
        "edits": dict(sorted(totals.items())),
    }
    manifest = {"summary": summary, "documents": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def corpus_record(doc: Document, warnings: int, cluster: str | None) -> dict:
    """One line of corpus.jsonl. Every line has the same keys (`edits_by_step`
    lists every step, zeros included), so readers infer one schema.

    >>> record = corpus_record(Document("a", "a.txt", "utf-8", "", 3, "Hi.\\n"), warnings=0, cluster=None)
    >>> record["text"], record["edits"], record["edits_by_step"]["strip_boilerplate"]
    ('Hi.\\n', 0, 0)
    """
    by_step = dict.fromkeys(STEPS, 0)
    for edit in doc.edits:
        by_step[edit.step] = by_step.get(edit.step, 0) + 1
    return {
        "id": doc.id,
        "text": doc.text,
        "source": doc.source,
        "cluster": cluster,
        "edits": len(doc.edits),
        "edits_by_step": by_step,
        "warnings": warnings,
    }


def write_parquet(jsonl: Path, target: Path) -> None:
    """corpus.jsonl as Parquet (needs pyarrow: pip install 'presswash[parquet]')."""
    import pyarrow.json
    import pyarrow.parquet

    pyarrow.parquet.write_table(pyarrow.json.read_json(jsonl), target)


def _json_line(record: dict) -> str:
    """One changelog line; escaped as ASCII only when the record holds raw
    bytes kept as lone surrogates (which UTF-8 cannot carry)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line + "\n"


def check_output_folder(out: Path, src: Path) -> None:
    """Refuse an output folder that would overwrite the input or someone's files."""
    if out.resolve() == Path(src).resolve():
        raise OutputError(f"--out {out} is the source folder: choose another folder, the raw files are never overwritten")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file: choose a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise OutputError(
            f"--out {out} holds files but no {MANIFEST}: it is not presswash output, so it is not replaced; "
            "choose a new or empty folder"
        )


def _swap_in(staging: Path, out: Path) -> None:
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def restore_corpus(dst: Path, out: Path) -> int:
    """Rebuild every raw file of DST into OUT, byte for byte; returns the count.

    Each restored file is checked against the raw hash in the manifest.
    """
    dst, out = Path(dst), Path(out)
    manifest = read_manifest(dst)
    changelog: dict[str, list[Edit]] = {}
    with open(dst / CHANGELOG, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
                changelog.setdefault(record["doc"], []).append(Edit.from_record(record))
            except (ValueError, KeyError, TypeError) as error:
                raise OutputError(f"{dst / CHANGELOG}, line {number}: not an edit record ({error})") from None
    restored = 0
    for doc_id, entry in manifest["documents"].items():
        clean = (dst / f"{doc_id}.txt").read_text(encoding="utf-8")
        raw = encode_text(restore_text(clean, changelog.get(doc_id, [])), entry["encoding"])
        if hashlib.sha256(raw).hexdigest() != entry["raw_sha256"]:
            raise OutputError(f"{doc_id}: restored bytes do not match the raw hash in the manifest")
        target = out / entry["source"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        restored += 1
    return restored


def read_manifest(dst: Path) -> dict:
    try:
        return json.loads((Path(dst) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{dst} has no {MANIFEST}: give a folder written by `presswash clean`") from None
    except ValueError as error:
        raise OutputError(f"{Path(dst) / MANIFEST} is not valid JSON: {error}") from None
