"""One batch of documents through the chain, and what it leaves for DST.

A batch is read, cleaned, reviewed and written where it runs (a thread, a
process or a Dask worker), so no task ever holds more than one batch and the
flow never holds the corpus: it passes paths in and gets manifest entries
back. What a batch contributes to DST is a `BatchOutput`; `stage_batch`
writes it into the staging folder, and `flows.corpus_io.finish_corpus` joins
the batches' parts into DST once the clusters are known.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path

from cleaners.edits import Edit
from cleaners.pipeline import CorpusContext, CorpusStats, run_step
from cleaners.review import review_warnings
from flows.cache import Cache, RecordingContext, key_of, still_valid
from flows.corpus_io import (
    CHANGELOG_PART,
    CORPUS_PART,
    PARTS,
    QUARANTINED,
    REPORT_PART,
    Document,
    OutputError,
    cleaned_entry,
    corpus_record,
    part_line,
    quarantine_copy,
    quarantined_entry,
    read_document,
)
from flows.jsonio import json_utf8, json_value
from flows.report import document_block



@dataclass
class BatchOutput:
    """What one batch contributes to DST, documents in id order.

    `corpus` and `report` map a document id to its corpus.jsonl record
    (without `id` and `cluster`, which are added when DST is put together)
    and to its report block, each as JSON. Everything is held in UTF-8, as
    DST holds it: each text is encoded once, where it is made.
    """

    entries: dict[str, dict] = field(default_factory=dict)  # manifest entries, cluster fields not yet set
    texts: dict[str, bytes] = field(default_factory=dict)  # clean text of each cleaned document
    changelog: list[bytes] = field(default_factory=list)  # changelog.jsonl lines, a document's at a time
    corpus: dict[str, bytes] = field(default_factory=dict)
    report: dict[str, bytes] = field(default_factory=dict)


# Where batches are cut. A run of documents ends after one whose id hashes to
# 0 modulo the batch size, so the cuts depend on the ids alone: a new document
# changes only its own run, where fixed slices would shift every batch after
# it and defeat the cache. Such runs vary in length as a geometric
# distribution does (at 512: from 8 to 1,771 documents in a 40 MB corpus), and
# a long one left whole kept one worker busy long after the others were done.
# So a run is cut into round(length / size) batches of equal length: none
# longer than 1.5 times the batch size, none of a long run shorter than 0.75
# times it; a change still re-cleans only the documents of its own run.


def batches_of(paths: list[Path], size: int) -> list[list[Path]]:
    """PATHS cut into batches of about SIZE documents, none longer than
    1.5 * SIZE, at cuts chosen by the documents' ids (see above).

    >>> paths = [Path(f"{i}.txt") for i in range(1000)]
    >>> batches = batches_of(paths, 10)
    >>> sum(batches, []) == paths, max(map(len, batches)) <= 15, 60 < len(batches) < 140
    (True, True, True)
    >>> [b for b in batches_of(paths[:3] + paths[4:], 10) if b not in batches]  # one document less
    [[PosixPath('4.txt'), PosixPath('5.txt'), PosixPath('6.txt'), PosixPath('7.txt')]]
    """
    return [batch for run in id_runs(paths, size) for batch in _equal_parts(run, size)]


def id_runs(paths: list[Path], size: int) -> list[list[Path]]:
    """PATHS cut after each document whose id hashes to 0 modulo SIZE: the
    runs that `batches_of` cuts into batches.

    >>> [len(run) for run in id_runs([Path(f"{i}.txt") for i in range(30)], 10)]
    [2, 1, 5, 22]
    """
    runs, run = [], []
    for path in paths:
        run.append(path)
        if _id_ends_batch(path.stem, size):
            runs.append(run)
            run = []
    return runs + [run] if run else runs


def _equal_parts(run: list[Path], size: int) -> list[list[Path]]:
    """RUN cut into round(len(RUN) / SIZE) batches (at least one) of equal length.

    >>> [len(part) for part in _equal_parts(list(range(1771)), 512)]
    [590, 590, 591]
    >>> [len(part) for part in _equal_parts(list(range(700)), 512)]
    [700]
    """
    parts = max(1, round(len(run) / size))
    return [run[len(run) * part // parts:len(run) * (part + 1) // parts] for part in range(parts)]


def largest_first(sizes: list[int]) -> list[int]:
    """The numbers of the batches of these SIZES (`batch_bytes`), largest
    first: the order to hand them to the workers in, so that the last to
    start are the smallest and no worker is left with a long batch when the
    others are done (longest-processing-time-first scheduling). Ties keep
    batch order.

    >>> largest_first([10, 300, 200, 10])
    [1, 2, 0, 3]
    """
    return sorted(range(len(sizes)), key=lambda number: -sizes[number])


def batch_bytes(batch: list[Path]) -> int:
    """The bytes of a batch's files: what both passes over it cost in
    proportion to (its count of documents says less: at 40 MB, batches of
    612 and 666 documents held 3.6 and 4.2 MB). An entry that cannot be
    looked at counts 0; reading it quarantines it with the reason.

    >>> batch_bytes([Path("no such file.txt")])
    0
    """
    total = 0
    for path in batch:
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


def _id_ends_batch(doc_id: str, size: int) -> bool:
    """True for about one id in SIZE, the same ids in every run and process."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest) % size == 0


def read_batch(paths: list[Path], src: Path) -> list[Document]:
    return [read_document(path, src) for path in paths]


def learn_batch(paths: list[Path], src: Path, cache: Cache | None = None) -> tuple[CorpusStats, str]:
    """The corpus pass over one batch: its statistics (not its text) and its
    `batch_digest`; statistics are reused from CACHE when the batch's bytes
    are unchanged."""
    documents = read_batch(paths, src)
    digest = batch_digest(documents)
    key = key_of("stats", digest)
    stats = cache.get("stats", key) if cache else None
    if stats is None:
        stats = CorpusStats()
        for doc in documents:
            if doc.status != QUARANTINED:
                stats.merge(CorpusStats.from_text(doc.text, doc.id))
        if cache:
            cache.put("stats", key, stats)
    return stats, digest


@dataclass
class CachedBatch:
    """A batch's output, and the context lookups its cleaning made (flows/cache.py)."""

    output: BatchOutput
    reads: dict


def clean_batch(
    paths: list[Path],
    src: Path,
    digest: str,
    context: CorpusContext,
    steps: list[str],
    settings: str,
    cache: Cache | None = None,
    seconds: Counter | None = None,
) -> tuple[BatchOutput, bool]:
    """A batch's output, and whether it came from CACHE.

    DIGEST is the batch's digest from the corpus pass; SETTINGS is anything
    else the output depends on besides the code and the context (the steps'
    configuration, the rule packs' bytes). A cached output is reused when
    the context answers all its recorded lookups as before.
    """
    key = key_of("batch", digest, steps, settings)
    cached = cache.get("batches", key) if cache else None
    if cached is not None and still_valid(cached.reads, context):
        return cached.output, True
    documents = read_batch(paths, src)
    if batch_digest(documents) != digest:
        raise OutputError(f"a file of {src} changed while presswash was running ({paths[0].name} ...); run it again")
    if cache is None:
        return clean_documents(documents, context, steps, seconds), False
    recording = RecordingContext(context)
    output = clean_documents(documents, recording.context, steps, seconds)
    cache.put("batches", key, CachedBatch(output, recording.reads))
    return output, False


def batch_digest(documents: list[Document]) -> str:
    """What identifies a batch's input: each document's id, raw bytes (by
    hash) and, for one that could not be read, why.

    >>> a = Document("a", "a.txt", "utf-8", "9f86", 4, "test")
    >>> batch_digest([a]) == batch_digest([Document("a", "a.txt", "utf-8", "9f86", 4, "test")])
    True
    """
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(json.dumps([doc.id, doc.source, doc.raw_sha256, doc.reason]).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def clean_documents(
    documents: list[Document], context: CorpusContext, steps: list[str], seconds: Counter | None = None
) -> BatchOutput:
    """Run the chain and the review over a batch; what it contributes to DST.

    A cleaner that raises on a document quarantines that document, not the
    batch. `seconds` (if given) gets the CPU time spent in each step.
    """
    output = BatchOutput()
    for doc in documents:
        raw = doc.text  # what the report's edit history starts from (document_block)
        if doc.status != QUARANTINED:
            _clean_one(doc, context, steps, Counter() if seconds is None else seconds)
        if doc.status == QUARANTINED:
            output.entries[doc.id] = quarantined_entry(doc)
            continue
        text, warnings = doc.text.encode("utf-8"), [w.to_record() for w in doc.warnings]
        output.entries[doc.id] = cleaned_entry(doc, text, warnings)
        output.texts[doc.id] = text
        output.changelog.append(changelog_lines(doc.id, doc.edits))
        output.corpus[doc.id] = json_utf8(_corpus_fields(doc))
        output.report[doc.id] = document_block(doc.text, doc.edits, warnings, raw)
    return output


def changelog_lines(doc_id: str, edits: list[Edit]) -> bytes:
    """The changelog.jsonl lines of a document's edits, in UTF-8: each
    edit's `changelog_line`, byte for byte, encoded once for the document.

    >>> lines = changelog_lines("d", [Edit("s", "r", 0, 1, "a", "b", ""), Edit("s", "q", 5, 5, "", "é", "")])
    >>> lines.count(b"\\n"), lines.endswith('"after": "é", "reason": ""}\\n'.encode("utf-8"))
    (2, True)
    """
    lines = "".join([changelog_line(doc_id, edit, checked=False) for edit in edits])
    try:
        return lines.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate somewhere: its lines are escaped as ASCII, the others are not
        return "".join([changelog_line(doc_id, edit) for edit in edits]).encode("utf-8")


def changelog_line(doc_id: str, edit: Edit, checked: bool = True) -> str:
    """The changelog.jsonl line of one edit: `json_value(edit.to_record(doc_id))`
    and a newline, byte for byte.

    Written out field by field: the general encoder costs four times as much
    on these small flat records, which are most of what a batch writes
    (tests/test_changelog_line.py checks the two agree). Anything unusual
    (offsets that are not plain ints, a field that is not a string, lone
    surrogates that the line must escape) goes the general way; with
    CHECKED false, the caller looks for lone surrogates itself (in many lines
    at once: `changelog_lines`).

    >>> changelog_line("d", Edit("s", "r", 0, 1, "é", "e", "why"))
    '{"doc": "d", "step": "s", "rule": "r", "start": 0, "end": 1, "before": "é", "after": "e", "reason": "why"}\\n'
    """
    string = encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
    if type(edit.start) is int and type(edit.end) is int:
        try:
            line = (
                f'{{"doc": {string(doc_id)}, "step": {string(edit.step)}, "rule": {string(edit.rule)}, '
                f'"start": {edit.start}, "end": {edit.end}, "before": {string(edit.before)}, '
                f'"after": {string(edit.after)}, "reason": {string(edit.reason)}}}\n'
            )
            if checked:
                line.encode("utf-8")
            return line
        except (TypeError, UnicodeEncodeError):
            pass
    return json_value(edit.to_record(doc_id)) + "\n"


def _clean_one(doc: Document, context: CorpusContext, steps: list[str], seconds: Counter) -> None:
    for step in steps:
        started = time.process_time()
        try:
            doc.text, edits = run_step(step, doc.text, context)
        except Exception as error:  # one document's failure must not end the run
            doc.quarantine(f"{step} failed: {type(error).__name__}: {error}")
            return
        finally:
            seconds[step] += time.process_time() - started
        doc.edits += edits
    started = time.process_time()
    doc.warnings = review_warnings(doc.text)
    seconds["review"] += time.process_time() - started


def _corpus_fields(doc: Document) -> dict:
    """A corpus.jsonl record but for `id` and `cluster`, which `finish_corpus` adds."""
    record = corpus_record(doc, warnings=len(doc.warnings), cluster=None)
    del record["id"], record["cluster"]
    return record


def stage_batch(output: BatchOutput, number: int, staging: Path, src: Path) -> dict[str, dict]:
    """Write batch NUMBER's output into the staging folder: each clean text
    as `<id>.txt`, the raw bytes of each quarantined file, and the batch's
    changelog, corpus and report parts. Returns its manifest entries."""
    parts = staging / PARTS
    parts.mkdir(exist_ok=True)
    for doc_id, text in output.texts.items():
        (staging / f"{doc_id}.txt").write_bytes(text)
    entries = {}
    for doc_id, entry in output.entries.items():
        if entry["status"] == QUARANTINED:
            entry = {**entry, "quarantine": quarantine_copy(entry, src, staging)}
        entries[doc_id] = entry
    (parts / CHANGELOG_PART.format(number)).write_bytes(b"".join(output.changelog))
    for name, values in ((CORPUS_PART, output.corpus), (REPORT_PART, output.report)):
        (parts / name.format(number)).write_bytes(b"".join([part_line(doc_id, value) for doc_id, value in values.items()]))
    return entries
