"""Reading the raw corpus, writing the clean one, and restoring the raw bytes.

Output layout (DST):
- `<id>.txt`: the clean canonical text of each document (`id` = file stem);
- `changelog.jsonl`: every edit, one JSON object a line, documents in id
  order and each document's edits in chain order;
- `manifest.json`: per-document facts (source, encoding, hashes, edit counts)
  and a summary;
- `report.html`: the review page of every edit (`flows/report.py`);
- `quarantine/<source>`: the raw bytes of every file that was not cleaned
  (binary data, a cleaner failed), kept as they were; the manifest says why.
- `corpus.jsonl`: the clean corpus for consumers, one document a line
  (`id`, `cluster`, `text`, `source`, `edits`, `edits_by_step`, `warnings`),
  readable as is by pandas and Hugging Face `datasets`;
- `corpus.parquet` (only when asked for): the same records as Parquet;
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cleaners.decode import binary_kind, decode_bytes, encode_text
from cleaners.edits import Edit, restore_text
from cleaners.neardup import Membership
from cleaners.pipeline import STEPS
from cleaners.review import ReviewWarning
from flows.collector import collector_paused
from flows.jsonio import indented_json, json_utf8
from flows.report import write_report

CHANGELOG = "changelog.jsonl"
MANIFEST = "manifest.json"
CORPUS = "corpus.jsonl"
CORPUS_PARQUET = "corpus.parquet"
QUARANTINE = "quarantine"
NEAR_DUPLICATES = "near-duplicates"
CLEANED, QUARANTINED, NEAR_DUPLICATE_STATUS = "cleaned", "quarantined", "near-duplicate"
# Where each batch leaves its parts inside the staging folder (flows/batch.py
# writes them, `finish_corpus` joins them in batch order), and their names.
PARTS = ".parts"
CHANGELOG_PART, CORPUS_PART, REPORT_PART = "{:06d}.changelog.jsonl", "{:06d}.corpus.tsv", "{:06d}.report.tsv"


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
    warnings: list[ReviewWarning] = field(default_factory=list)  # review list, offsets into the clean text
    status: str = CLEANED
    reason: str | None = None  # why it was quarantined

    def quarantine(self, reason: str) -> None:
        """Take the document out of the chain; its raw bytes are kept as they are."""
        self.status, self.reason, self.text, self.edits, self.warnings = QUARANTINED, reason, "", [], []


def list_sources(src: Path) -> list[Path]:
    """Every entry named *.txt directly in SRC, in name order (so runs are
    repeatable): files, and also what is not a readable file, so that each
    gets a line in the manifest saying why it was not cleaned."""
    return sorted(src.glob("*.txt"), key=lambda path: (path.stem, path.name))


def read_document(path: Path, src: Path) -> Document:
    """Read and decode one raw file, or quarantine it with the reason."""
    doc = Document(path.stem, path.relative_to(src).as_posix(), encoding="", raw_sha256="", raw_chars=0, text="")
    problem = _unreadable(path, src)
    if problem is None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            problem = f"cannot read it: {error.strerror or error}"
    if problem is not None:
        doc.quarantine(problem)
        return doc
    decoded = decode_bytes(raw)
    doc.encoding, doc.raw_sha256 = decoded.encoding, hashlib.sha256(raw).hexdigest()
    doc.raw_chars, doc.text = len(decoded.text), decoded.text
    kind = binary_kind(raw, decoded)
    if kind is not None:
        doc.quarantine(f"not text: {kind}")
    return doc


def _unreadable(path: Path, src: Path) -> str | None:
    """Why an entry of SRC is not read as a document, or None."""
    if path.is_symlink() and not path.resolve().is_relative_to(src.resolve()):
        return "a symbolic link to a file outside SRC; not followed"
    if not path.exists():
        return "a broken symbolic link"
    if not path.is_file():
        return "not a regular file (a directory, pipe or device)"
    return None


def open_staging(out: Path, src: Path) -> Path:
    """Check OUT, clean up after a killed run, and make the empty staging
    folder this run writes DST into (`finish_corpus` swaps it in)."""
    out = Path(out)
    check_output_folder(out, src)
    _remove_stale_staging(out)
    staging = out.parent / f"{STAGING_PREFIX.format(name=out.name)}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def discard_staging(staging: Path) -> None:
    """Remove a staging folder after a failed run; DST stays as it was."""
    shutil.rmtree(staging, ignore_errors=True)


@collector_paused()  # the manifest: objects for every document, alive to the end
def finish_corpus(
    staging: Path,
    out: Path,
    entries: Mapping[str, dict],
    clusters: Mapping[str, Membership] | None = None,
    representatives_only: bool = False,
    parquet: bool = False,
) -> dict:
    """Put DST together from the batches' parts in STAGING and swap it in;
    return the manifest.

    `entries` are the batches' manifest entries. `clusters` (document id ->
    near-duplicate cluster) fills each entry's `cluster`, `near_duplicate_of`
    and `near_duplicate_similarity`; with `representatives_only` a member that
    is not its cluster's representative is moved to near-duplicates/ and left
    out of corpus.jsonl. With `parquet`, corpus.parquet is written besides
    corpus.jsonl. The parts are read as streams: nothing corpus-sized is held.
    """
    clusters = clusters or {}
    entries = {doc_id: _with_cluster(entries[doc_id], doc_id, clusters.get(doc_id), representatives_only)
               for doc_id in sorted(entries)}
    for doc_id, entry in entries.items():
        if entry["status"] == NEAR_DUPLICATE_STATUS:
            (staging / NEAR_DUPLICATES).mkdir(exist_ok=True)
            (staging / f"{doc_id}.txt").rename(staging / entry["clean_file"])
    parts = staging / PARTS
    with open(staging / CHANGELOG, "wb") as changelog:
        for part in sorted(parts.glob(CHANGELOG_PART.replace("{:06d}", "*"))):
            with open(part, "rb") as lines:
                shutil.copyfileobj(lines, changelog)
    with open(staging / CORPUS, "wb") as corpus:
        for doc_id, fields in _part_lines(parts, CORPUS_PART):
            entry = entries[doc_id]
            if entry["status"] == CLEANED:
                corpus.write(b'{"id": %s, "cluster": %s, ' % (json_utf8(doc_id), json_utf8(entry["cluster"])))
                corpus.write(memoryview(fields)[1:])  # the record but for its opening brace, and its newline
    manifest = {"summary": _summary(entries, clusters), "documents": entries}
    (staging / MANIFEST).write_text(indented_json(manifest) + "\n", encoding="utf-8")
    write_report(staging, manifest, ((doc_id, block.rstrip(b"\n")) for doc_id, block in _part_lines(parts, REPORT_PART)))
    shutil.rmtree(parts)
    if parquet:
        write_parquet(staging / CORPUS, staging / CORPUS_PARQUET)
    _swap_in(staging, Path(out))
    return manifest


def part_line(doc_id: str, value: bytes) -> bytes:
    """A line of a corpus or report part: the document's id (as JSON), a tab
    and VALUE (JSON in UTF-8, so it holds no raw tab or line break).

    >>> part_line("a\\tb", b'{"x": 1}')
    b'"a\\\\tb"\\t{"x": 1}\\n'
    """
    return b"%s\t%s\n" % (json_utf8(doc_id), value)


def _part_lines(parts: Path, name: str):
    """(document id, rest of the line as UTF-8) of every batch's part NAME, in
    batch order. Read as bytes: only the ids are decoded, the rest is copied
    into DST as it is."""
    for part in sorted(parts.glob(name.replace("{:06d}", "*"))):
        with open(part, "rb") as lines:
            for line in lines:
                doc_id, rest = line.split(b"\t", 1)
                yield json.loads(doc_id), rest


# A run writes DST into a sibling named like this, then swaps it in; one
# killed mid-run leaves it behind, and the next run removes it.
STAGING_PREFIX = ".{name}.partial-"


RETIRED_PREFIX = ".{name}.old-"


def _remove_stale_staging(out: Path) -> None:
    """Clean up after a run that was killed: drop its half-written staging
    folder, and if it died between moving the old DST aside and moving the
    new one in, put the old DST back."""
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for stale in sorted(out.parent.glob(f"{prefix.format(name=out.name)}*")):
            pid = stale.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or _process_alive(int(pid)):
                continue
            if prefix == RETIRED_PREFIX and not out.exists():
                stale.rename(out)
            else:
                shutil.rmtree(stale, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        pass
    return True


def quarantine_copy(entry: dict, src: Path, folder: Path) -> str | None:
    """Keep a quarantined file's raw bytes in FOLDER/quarantine; its path there,
    or None when there is nothing to keep (unreadable, a link, a folder)."""
    path = Path(src) / entry["source"]
    if not entry["raw_sha256"] or path.is_symlink() or not path.is_file():
        return None
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["raw_sha256"]:
        raise OutputError(f"{path} changed while presswash was running; run it again")
    kept = Path(QUARANTINE) / entry["source"]
    (folder / kept).parent.mkdir(parents=True, exist_ok=True)
    (folder / kept).write_bytes(raw)
    return kept.as_posix()


def cleaned_entry(doc: Document, clean_utf8: bytes, warnings: list[dict]) -> dict:
    """A cleaned document's manifest entry; its cluster fields are set by `finish_corpus`.

    CLEAN_UTF8 is the document's text in UTF-8 and WARNINGS the records of
    its review warnings, which the caller also writes elsewhere (made once).
    """
    return {
        "source": doc.source,
        "status": CLEANED,
        "reason": None,
        "clean_file": f"{doc.id}.txt",
        "raw_sha256": doc.raw_sha256,
        "clean_sha256": hashlib.sha256(clean_utf8).hexdigest(),
        "encoding": doc.encoding,
        "chars_in": doc.raw_chars,
        "chars_out": len(doc.text),
        "edits": dict(sorted(Counter(f"{e.step}/{e.rule}" for e in doc.edits).items())),
        "warnings": warnings,
        "cluster": None,
        "near_duplicate_of": None,
        "near_duplicate_similarity": None,
    }


def _with_cluster(entry: dict, doc_id: str, member: Membership | None, representatives_only: bool) -> dict:
    """ENTRY with its near-duplicate cluster, set aside when asked for."""
    if entry["status"] == QUARANTINED or member is None:
        return entry
    duplicate = member.representative != doc_id
    entry = {**entry, "cluster": member.cluster}
    if duplicate:
        entry.update(near_duplicate_of=member.representative, near_duplicate_similarity=member.similarity)
    if duplicate and representatives_only:
        clean_file = f"{NEAR_DUPLICATES}/{doc_id}.txt"
        entry.update(
            status=NEAR_DUPLICATE_STATUS,
            clean_file=clean_file,
            reason=f"near duplicate of {member.representative} (estimated Jaccard {member.similarity}); "
            f"representatives_only: clean text kept in {clean_file}",
        )
    return entry


def _summary(entries: dict, clusters: Mapping[str, Membership]) -> dict:
    """The manifest's summary, counted from its document entries."""
    statuses = Counter(entry["status"] for entry in entries.values())
    edits, warnings = Counter(), Counter()
    for entry in entries.values():
        edits.update(entry["edits"])
        warnings.update(w["kind"] for w in entry["warnings"])
    return {
        "documents": len(entries),
        "cleaned": statuses[CLEANED],
        "quarantined": statuses[QUARANTINED],
        "clusters": len({m.cluster for m in clusters.values()}),
        "near_duplicates": sum(1 for e in entries.values() if e["near_duplicate_of"]),
        "set_aside": statuses[NEAR_DUPLICATE_STATUS],
        "edits": dict(sorted(edits.items())),
        "warnings": dict(sorted(warnings.items())),
    }


def quarantined_entry(doc: Document) -> dict:
    """A quarantined document's manifest entry; `quarantine` is set where its bytes are kept."""
    return {
        "source": doc.source,
        "status": QUARANTINED,
        "reason": doc.reason,
        "raw_sha256": doc.raw_sha256 or None,
        "clean_sha256": None,
        "encoding": doc.encoding or None,
        "chars_in": doc.raw_chars,
        "chars_out": 0,
        "quarantine": None,
        "clean_file": None,
        "edits": {},
        "warnings": [],
        "cluster": None,
        "near_duplicate_of": None,
        "near_duplicate_similarity": None,
    }


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
        "cluster": cluster,
        "text": doc.text,
        "source": doc.source,
        "edits": len(doc.edits),
        "edits_by_step": by_step,
        "warnings": warnings,
    }


def write_parquet(jsonl: Path, target: Path) -> None:
    """corpus.jsonl as Parquet (needs pyarrow: pip install 'presswash[parquet]')."""
    import pyarrow.json
    import pyarrow.parquet

    pyarrow.parquet.write_table(pyarrow.json.read_json(jsonl), target)


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
    retired = out.parent / f"{RETIRED_PREFIX.format(name=out.name)}{os.getpid()}"
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
        if entry["status"] == QUARANTINED:
            if not entry.get("quarantine"):
                continue  # nothing was read: a folder, a link, an unreadable file
            raw = (dst / entry["quarantine"]).read_bytes()
        else:
            clean = (dst / (entry.get("clean_file") or f"{doc_id}.txt")).read_text(encoding="utf-8")
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
        clean = (dst / (entry.get("clean_file") or f"{doc_id}.txt")).read_text(encoding="utf-8")
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
