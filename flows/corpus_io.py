"""Reading the raw corpus, writing the clean one, and restoring the raw bytes.

Output layout (DST):
- `<id>.txt`: the clean canonical text of each document (`id` = file stem);
- `changelog.jsonl`: every edit, one JSON object a line, documents in id
  order and each document's edits in chain order;
- `manifest.json`: per-document facts (source, encoding, hashes, edit counts)
  and a summary;
- `report.html`: the review page of every edit (`flows/report.py`);
- `near-duplicates/<id>.txt`: with `representatives_only`, the clean text of
  cluster members other than the representative (the manifest's `clean_file`
  says where each document's text is, so restore rebuilds every raw file).

DST is written as a whole: into a temporary sibling folder first, swapped in
at the end, so a failed run leaves the previous output as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cleaners.decode import decode_bytes, encode_text
from cleaners.edits import Edit, restore_text
from cleaners.neardup import Membership
from flows.report import write_report

CHANGELOG = "changelog.jsonl"
MANIFEST = "manifest.json"
NEAR_DUPLICATES = "near-duplicates"
NEAR_DUPLICATE_STATUS = "near-duplicate"


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


def write_corpus(
    documents: Iterable[Document],
    out: Path,
    src: Path,
    clusters: Mapping[str, Membership] | None = None,
    representatives_only: bool = False,
) -> dict:
    """Write DST atomically; return the manifest.

    `clusters` (document id -> near-duplicate cluster) fills the manifest's
    `cluster`, `near_duplicate_of` and `near_duplicate_similarity`; with
    `representatives_only` a member that is not its cluster's representative
    is written to near-duplicates/ instead of DST.
    """
    out = Path(out)
    check_output_folder(out, src)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        manifest = _write_into(staging, sorted(documents, key=lambda d: d.id), clusters or {}, representatives_only)
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _write_into(
    folder: Path, documents: list[Document], clusters: Mapping[str, Membership], representatives_only: bool
) -> dict:
    entries, totals, records = {}, Counter(), []
    with open(folder / CHANGELOG, "w", encoding="utf-8", newline="\n") as changelog:
        for doc in documents:
            clean = doc.text.encode("utf-8")
            member = clusters.get(doc.id)
            duplicate = member is not None and member.representative != doc.id
            set_aside = representatives_only and duplicate
            clean_file = f"{NEAR_DUPLICATES}/{doc.id}.txt" if set_aside else f"{doc.id}.txt"
            (folder / clean_file).parent.mkdir(exist_ok=True)
            (folder / clean_file).write_bytes(clean)
            counts = Counter(f"{e.step}/{e.rule}" for e in doc.edits)
            totals.update(counts)
            for edit in doc.edits:
                records.append(edit.to_record(doc.id))
                changelog.write(_json_line(records[-1]))
            entries[doc.id] = {
                "source": doc.source,
                "status": NEAR_DUPLICATE_STATUS if set_aside else "cleaned",
                "reason": (
                    f"near duplicate of {member.representative} (estimated Jaccard {member.similarity}); "
                    f"representatives_only: clean text kept in {clean_file}"
                    if set_aside
                    else None
                ),
                "clean_file": clean_file,
                "raw_sha256": doc.raw_sha256,
                "clean_sha256": hashlib.sha256(clean).hexdigest(),
                "encoding": doc.encoding,
                "chars_in": doc.raw_chars,
                "chars_out": len(doc.text),
                "edits": dict(sorted(counts.items())),
                "warnings": [],
                "cluster": member.cluster if member else None,
                "near_duplicate_of": member.representative if duplicate else None,
                "near_duplicate_similarity": member.similarity if duplicate else None,
            }
    statuses = Counter(entry["status"] for entry in entries.values())
    summary = {
        "documents": len(entries),
        "cleaned": statuses["cleaned"],
        "quarantined": 0,
        "clusters": len({m.cluster for m in clusters.values()}),
        "near_duplicates": sum(1 for e in entries.values() if e["near_duplicate_of"]),
        "set_aside": statuses[NEAR_DUPLICATE_STATUS],
        "edits": dict(sorted(totals.items())),
    }
    manifest = {"summary": summary, "documents": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_report(folder, manifest, records, {doc.id: doc.text for doc in documents})
    return manifest


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
        clean = (dst / entry.get("clean_file", f"{doc_id}.txt")).read_text(encoding="utf-8")
        raw = encode_text(restore_text(clean, changelog.get(doc_id, [])), entry["encoding"])
        if hashlib.sha256(raw).hexdigest() != entry["raw_sha256"]:
            raise OutputError(f"{doc_id}: restored bytes do not match the raw hash in the manifest")
        target = out / entry["source"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        restored += 1
    return restored


def read_document_edits(dst: Path, doc_id: str) -> tuple[dict, str, list[Edit]]:
    """One document of DST: its manifest entry, clean text and edits (chain order)."""
    dst = Path(dst)
    entry = read_manifest(dst)["documents"].get(doc_id)
    if entry is None:
        raise OutputError(f"{dst} has no document {doc_id!r}: give a document id listed in {dst / MANIFEST}")
    try:
        clean = (dst / entry.get("clean_file", f"{doc_id}.txt")).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OutputError(f"{doc_id} is {entry['status']} ({entry.get('reason')}): it has no clean text in {dst}") from None
    edits = []
    with open(dst / CHANGELOG, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if f'"doc": {json.dumps(doc_id)}' not in line:  # cheap pre-filter: one document of many
                continue
            try:
                record = json.loads(line)
                if record["doc"] == doc_id:
                    edits.append(Edit.from_record(record))
            except (ValueError, KeyError, TypeError) as error:
                raise OutputError(f"{dst / CHANGELOG}, line {number}: not an edit record ({error})") from None
    return entry, clean, edits


def read_manifest(dst: Path) -> dict:
    try:
        return json.loads((Path(dst) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OutputError(f"{dst} has no {MANIFEST}: give a folder written by `presswash clean`") from None
    except ValueError as error:
        raise OutputError(f"{Path(dst) / MANIFEST} is not valid JSON: {error}") from None
