"""The Prefect flow `clean-corpus`: corpus pass -> cleaner chain -> DST.

Tasks are thin: each wraps one call into `cleaners` or `flows` and works on a
batch of documents, never one document (a task run costs Prefect 6-10 ms,
shared/PREFECT.md). The corpus is streamed: a task reads its batch's files
itself and writes its outputs into the staging folder itself, so the flow
passes paths and gets manifest entries back, and memory holds one batch per
worker plus the corpus statistics (docs/performance.md).
"""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed

from cleaners.pipeline import STEPS, CorpusContext, CorpusStats
from flows import batch as batches
from flows.cache import Cache, SharedContext, cache_for, rule_packs_digest, run_key
from flows.collector import freeze_what_lives
from flows.config import DEFAULT_BATCH_SIZE, CleanConfig, make_config
from flows.corpus_io import PARTS, QUARANTINED, discard_staging, finish_corpus, list_sources, open_staging, read_manifest
from flows.progress import CORPUS_PASS, report
from flows.report import REPORT
from flows.runners import build_task_runner

# Prefect's own result cache is not used: a batch's result is written to
# DST's staging folder where it is made, not returned through the flow, and
# whether it can be reused depends on the lookups it made in the corpus
# context (flows/cache.py), which a cache key alone cannot say.
TASK_OPTIONS = dict(cache_policy=NO_CACHE)


class Opaque:
    """Carries a value through Prefect unexamined. Prefect walks every task
    input (lists, dicts, dataclasses) looking for futures; for batches of
    manifest entries that walk cost more than the cleaning. A plain object is
    not walked, and pickles to process and Dask workers."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


@task(**TASK_OPTIONS)
def learn_batch(paths: list[Path], src: Path, cache: Cache | None) -> Opaque:
    """The corpus pass over one batch: its statistics and digest, not its text."""
    return Opaque(batches.learn_batch(paths, src, cache))


def learn_corpus(futures: dict[PrefectFuture, int]) -> tuple[CorpusStats, list[str]]:
    """The corpus statistics, merged here as the batches' passes finish, and
    each batch's digest (FUTURES maps each pass to its batch's number).
    A batch's statistics are let go once merged: memory holds one merged
    copy, not one per batch until the run ends. Merged as they finish: the
    merged counts do not depend on the order, and nothing derived from them
    does (`NameLexicon.consensus_index` is sorted). Progress is reported as
    each is merged."""
    total, digests = CorpusStats(), [""] * len(futures)
    for done, future in enumerate(as_completed(list(futures)), 1):
        holder = future.result()
        stats, digests[futures[future]] = holder.value
        total.merge(stats)
        holder.value = None
        report(done, len(futures), CORPUS_PASS)
    return total, digests


@task(**TASK_OPTIONS)
def clean_batch(
    number: int, paths: list[Path], digest: str, context: SharedContext, config: CleanConfig, packs: str,
    staging: Path, cache: Cache | None,
) -> Opaque:
    """Read, clean, review and stage one batch (or reuse it from the cache);
    its manifest entries, the CPU seconds each step took, whether it was reused."""
    seconds = Counter()
    output, reused = batches.clean_batch(
        paths, config.src, digest, context.value, config.steps, packs, cache, seconds
    )
    entries = batches.stage_batch(output, number, staging, config.src)
    for entry in entries.values():
        if entry["status"] == QUARANTINED:
            get_run_logger().warning("quarantined %s: %s", entry["source"], entry["reason"])
    return Opaque((entries, seconds, reused))


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def finish_output(
    staging: Path, out: Path, entries: Opaque, clusters: Opaque, representatives_only: bool, parquet: bool
) -> dict:
    return finish_corpus(staging, out, entries.value, clusters.value, representatives_only, parquet)


@task(**TASK_OPTIONS)
def publish_summary(manifest: Opaque, out: Path, seconds: dict[str, float], cache_note: str) -> str:
    manifest = manifest.value
    markdown = summary_markdown(manifest, out, seconds) + f"\n{cache_note}\n"
    create_markdown_artifact(key="clean-corpus-summary", markdown=markdown, description="presswash run summary")
    create_table_artifact(
        key="clean-corpus-documents", table=document_table(manifest),
        description=f"per-document counts: the {DOCUMENT_TABLE_ROWS} documents with the most edits at most "
        "(quarantined first); all are in manifest.json",
    )
    create_link_artifact(
        key="clean-corpus-output", link=Path(out).resolve().as_uri(), link_text=str(out),
        description="the folder this run wrote",
    )
    get_run_logger().info("cleaned %d documents into %s", manifest["summary"]["documents"], out)
    return markdown


def wait_for_batches(futures: list[PrefectFuture]) -> tuple[dict[str, dict], Counter, int]:
    """Every batch's manifest entries, the CPU seconds per step and how many
    batches were reused, reporting progress as each batch finishes."""
    artifact = create_progress_artifact(
        progress=0.0, key="clean-corpus-progress", description="batches through the whole cleaner chain"
    )
    logger = get_run_logger()
    entries, seconds, reused = {}, Counter(), 0
    for done, future in enumerate(as_completed(futures), 1):
        batch_entries, batch_seconds, batch_reused = future.result().value
        entries.update(batch_entries)
        seconds.update(batch_seconds)
        reused += batch_reused
        update_progress_artifact(artifact, progress=100.0 * done / len(futures))
        logger.info("%d/%d batches cleaned", done, len(futures))
        report(done, len(futures))
        # The entries and the cleaners' memos so far live to the run's end: out of the collector's
        # scans, its full collections at 40 MB cost 0.1 s instead of 0.35 s (flows/collector.py).
        freeze_what_lives()
    return entries, seconds, reused


@flow(name="clean-corpus", log_prints=False, task_runner=build_task_runner("threads"))
def clean_corpus(
    src: str,
    out: str,
    steps: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rule_packs: list[str] | None = None,
    representatives_only: bool = False,
    parquet: bool = False,
    cache: bool = True,
    cache_dir: str | None = None,
) -> dict:
    """Clean every SRC/*.txt into OUT: canonical text, changelog and manifest;
    return the manifest's summary (counts of documents, edits and warnings).

    The parameters are the fields of `flows.config.CleanConfig`; None means
    its default. Each document's entry is in OUT/manifest.json
    (`flows.corpus_io.read_manifest`): Prefect walks a flow's return value
    looking for futures, and for a large corpus walking every entry cost
    seconds, and a deployment run would store it all as its result.
    """
    config = make_config(
        src=src, out=out, steps=steps, batch_size=batch_size, rule_packs=rule_packs,
        representatives_only=representatives_only, parquet=parquet, cache=cache, cache_dir=cache_dir,
    )
    store = cache_for(config)
    sources = list_sources(config.src)
    this_run = run_key(config, sources) if store else None  # hashing every file is worth it only with a cache
    if store and store.up_to_date(config.out, this_run):
        note = f"{config.out} is up to date: its input, settings and code are those of the run that wrote it."
        get_run_logger().info(note)
        manifest = read_manifest(config.out)
        publish_summary(Opaque(manifest), config.out, {}, note)
        return manifest["summary"]
    paths = batches.batches_of(sources, config.batch_size)
    order = batches.largest_first([batches.batch_bytes(batch) for batch in paths])  # both passes
    stats, digests = learn_corpus({learn_batch.submit(paths[number], config.src, store): number for number in order})
    context = CorpusContext.build([stats], config.rule_packs)
    signatures = stats.signatures
    del stats  # what cleaning needs is in the context; the rest (line counts) can go
    staging = open_staging(config.out, config.src)
    try:
        freeze_what_lives()
        shared = SharedContext(context, staging / PARTS / CONTEXT_FILE)
        packs = rule_packs_digest(config.rule_packs)
        cleaned = [
            clean_batch.submit(number, paths[number], digests[number], shared, config, packs, staging, store)
            for number in order
        ]
        clusters = signatures.clusters()  # while the batches are cleaned: no cleaner reads them
        del signatures
        entries, seconds, reused = wait_for_batches(cleaned)
        manifest = finish_output(
            staging, config.out, Opaque(entries), Opaque(clusters), config.representatives_only, config.parquet
        )
    except BaseException:
        discard_staging(staging)
        raise
    finally:
        gc.unfreeze()  # for a caller that goes on after the run
    if store:
        store.remember_run(config.out, this_run)
        store.prune()
    note = f"reused {reused} of {len(paths)} batches from the cache"
    get_run_logger().info(note)
    publish_summary(Opaque(manifest), config.out, dict(seconds), note + ".")
    return manifest["summary"]


# The corpus context, pickled once for tasks that run in other processes.
CONTEXT_FILE = "context.pickle"

# How many rules the summary lists.
SUMMARY_TOP_RULES = 15


def summary_markdown(manifest: dict, out: Path, seconds: dict[str, float] | None = None) -> str:
    """The run summary shown in the Prefect UI: documents, edits by step and
    rule, and (when given) the CPU seconds each step took.

    Links the review report: by file:// URL when OUT is absolute, else by the
    relative path (so the text depends on nothing but its arguments).

    >>> lines = summary_markdown({"summary": {"documents": 1, "cleaned": 1, "quarantined": 0,
    ...     "edits": {"strip_boilerplate/source-link": 2}}}, Path("out")).splitlines()
    >>> print(lines[0]); print(lines[4])
    # presswash: 1 documents cleaned into `out`
    Review every edit in [out/report.html](out/report.html).
    """
    summary = manifest["summary"]
    report_path = Path(out) / REPORT
    by_step = Counter()
    for key, count in summary["edits"].items():
        by_step[key.split("/")[0]] += count
    lines = [
        f"# presswash: {summary['cleaned']} documents cleaned into `{out}`",
        "",
        f"{summary['documents']} documents, {summary['quarantined']} quarantined, "
        f"{sum(summary['edits'].values())} edits, {sum(summary.get('warnings', {}).values())} review warnings.",
        "",
        f"Review every edit in [{report_path.as_posix()}]({report_path.as_uri() if report_path.is_absolute() else report_path.as_posix()}).",
        "",
        "| step | edits | CPU seconds |",
        "|---|---:|---:|",
        *(f"| {step} | {by_step[step]} | {_seconds(seconds, step)} |" for step in sorted(set(by_step) | set(seconds or {}), key=_chain_order)),
        "",
        "| step/rule | edits |",
        "|---|---:|",
        *(f"| {rule} | {count} |" for rule, count in Counter(summary["edits"]).most_common(SUMMARY_TOP_RULES)),
    ]
    return "\n".join(lines) + "\n"


def _seconds(seconds: dict[str, float] | None, step: str) -> str:
    return f"{seconds[step]:.2f}" if seconds and step in seconds else ""


def _chain_order(step: str) -> tuple[int, str]:
    """Steps in chain order, then the review and anything else by name."""
    return (list(STEPS).index(step) if step in STEPS else len(STEPS), step)


# Rows in the per-document table artifact. Prefect stores a table as one
# JSON value and announces it in an event, and its server refuses events
# over 1.5 MB: a 40 MB corpus's 6,298 rows made 1.6 MB. Five hundred rows
# (about 120 KB) are more than anyone reads in the UI; every document is in
# DST/manifest.json.
DOCUMENT_TABLE_ROWS = 500


def document_table(manifest: dict, limit: int = DOCUMENT_TABLE_ROWS) -> list[dict]:
    """Rows for the Prefect table artifact, one per document (sizes, edits
    by step, warnings), at most LIMIT: quarantined documents first, then
    those with the most edits, ties in id order.

    >>> entry = lambda status, edits: {"status": status, "chars_in": 9, "chars_out": 7, "warnings": [],
    ...     "edits": {"strip_boilerplate/source-link": edits}}
    >>> rows = document_table({"documents": {"a": entry("cleaned", 1), "b": entry("cleaned", 2),
    ...     "c": entry("quarantined", 0)}}, limit=2)
    >>> [(row["id"], row["strip_boilerplate"]) for row in rows]
    [('c', 0), ('b', 2)]
    """
    steps = list(STEPS)
    rows = []
    for doc_id, entry in manifest["documents"].items():
        by_step = Counter()
        for key, count in entry["edits"].items():
            by_step[key.split("/")[0]] += count
        rows.append({
            "id": doc_id, "status": entry["status"], "chars_in": entry["chars_in"], "chars_out": entry["chars_out"],
            "edits": sum(by_step.values()), **{step: by_step[step] for step in steps},
            "warnings": len(entry["warnings"]),
        })
    rows.sort(key=lambda row: (row["status"] != QUARANTINED, -row["edits"], row["id"]))
    return rows[:limit]
