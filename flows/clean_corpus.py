"""The Prefect flow `clean-corpus`: corpus pass -> cleaner chain -> DST.

Tasks are thin: each wraps one call into `cleaners` or `flows` and works on a
batch of documents, never one document (a task run costs Prefect 6-10 ms,
shared/PREFECT.md). The corpus is streamed: a task reads its batch's files
itself and writes its outputs into the staging folder itself, so the flow
passes paths and gets manifest entries back, and memory holds one batch per
worker plus the corpus statistics (docs/performance.md).
"""

from __future__ import annotations

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
from flows.batch import clean_documents, read_batch, stage_batch
from flows.config import DEFAULT_BATCH_SIZE, make_config
from flows.corpus_io import QUARANTINED, discard_staging, finish_corpus, list_sources, open_staging
from flows.progress import report
from flows.report import REPORT

# Prefect's own result cache is not used: a batch's result is written to
# DST's staging folder where it is made, not returned through the flow.
TASK_OPTIONS = dict(cache_policy=NO_CACHE)


class Opaque:
    """Carries a value through Prefect unexamined. Prefect walks every task
    input (lists, dicts, dataclasses) looking for futures; for the corpus
    context that walk cost more than the cleaning (a 5 MB corpus: 70 s
    instead of 15 s). A plain object is not walked, and pickles to process
    and Dask workers."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


@task(**TASK_OPTIONS)
def learn_batch(paths: list[Path], src: Path) -> Opaque:
    """The corpus pass over one batch: its statistics, not its text."""
    stats = CorpusStats()
    for doc in read_batch(paths, src):
        if doc.status != QUARANTINED:
            stats.merge(CorpusStats.from_text(doc.text, doc.id))
    return Opaque(stats)


@task(**TASK_OPTIONS)
def build_context(stats: list[Opaque], rule_packs: list[Path]) -> Opaque:
    return Opaque(CorpusContext.build((part.value for part in stats), rule_packs))


@task(**TASK_OPTIONS)
def clean_batch(number: int, paths: list[Path], src: Path, context: Opaque, steps: list[str], staging: Path) -> Opaque:
    """Read, clean, review and stage one batch; its manifest entries and the
    CPU seconds each step took."""
    seconds = Counter()
    output = clean_documents(read_batch(paths, src), context.value, steps, seconds)
    entries = stage_batch(output, number, staging, src)
    for doc_id, entry in entries.items():
        if entry["status"] == QUARANTINED:
            get_run_logger().warning("quarantined %s: %s", entry["source"], entry["reason"])
    return Opaque((entries, seconds))


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def finish_output(
    staging: Path, out: Path, entries: Opaque, clusters: Opaque, representatives_only: bool, parquet: bool
) -> dict:
    return finish_corpus(staging, out, entries.value, clusters.value, representatives_only, parquet)


@task(**TASK_OPTIONS)
def publish_summary(manifest: dict, out: Path, seconds: dict[str, float]) -> str:
    markdown = summary_markdown(manifest, out, seconds)
    create_markdown_artifact(key="clean-corpus-summary", markdown=markdown, description="presswash run summary")
    create_table_artifact(
        key="clean-corpus-documents", table=document_table(manifest), description="per-document counts"
    )
    create_link_artifact(
        key="clean-corpus-output", link=Path(out).resolve().as_uri(), link_text=str(out),
        description="the folder this run wrote",
    )
    get_run_logger().info("cleaned %d documents into %s", manifest["summary"]["documents"], out)
    return markdown


def wait_for_batches(futures: list[PrefectFuture]) -> tuple[dict[str, dict], Counter]:
    """Every batch's manifest entries and the CPU seconds per step, reporting
    progress as each batch finishes."""
    artifact = create_progress_artifact(
        progress=0.0, key="clean-corpus-progress", description="batches through the whole cleaner chain"
    )
    logger = get_run_logger()
    entries, seconds = {}, Counter()
    for done, future in enumerate(as_completed(futures), 1):
        batch_entries, batch_seconds = future.result().value
        entries.update(batch_entries)
        seconds.update(batch_seconds)
        update_progress_artifact(artifact, progress=100.0 * done / len(futures))
        logger.info("%d/%d batches cleaned", done, len(futures))
        report(done, len(futures))
    return entries, seconds


@flow(name="clean-corpus", log_prints=False)
def clean_corpus(
    src: str,
    out: str,
    steps: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rule_packs: list[str] | None = None,
    representatives_only: bool = False,
    parquet: bool = False,
) -> dict:
    """Clean every SRC/*.txt into OUT: canonical text, changelog and manifest.

    The parameters are the fields of `flows.config.CleanConfig`; None means
    its default.
    """
    config = make_config(
        src=src, out=out, steps=steps, batch_size=batch_size, rule_packs=rule_packs,
        representatives_only=representatives_only, parquet=parquet,
    )
    paths = list_sources(config.src)
    batches = [paths[i : i + config.batch_size] for i in range(0, len(paths), config.batch_size)]
    context = build_context.submit([learn_batch.submit(b, config.src) for b in batches], config.rule_packs)
    staging = open_staging(config.out, config.src)
    try:
        cleaned = [
            clean_batch.submit(number, batch, config.src, context, config.steps, staging)
            for number, batch in enumerate(batches)
        ]
        entries, seconds = wait_for_batches(cleaned)
        clusters = Opaque(context.result().value.clusters)
        manifest = finish_output(
            staging, config.out, Opaque(entries), clusters, config.representatives_only, config.parquet
        )
    except BaseException:
        discard_staging(staging)
        raise
    publish_summary(manifest, config.out, dict(seconds))
    return manifest


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


def document_table(manifest: dict) -> list[dict]:
    """One row per document for the Prefect table artifact: sizes and edits by step.

    >>> document_table({"documents": {"a": {"status": "cleaned", "chars_in": 9, "chars_out": 7,
    ...     "edits": {"strip_boilerplate/source-link": 2}, "warnings": []}}})[0]["strip_boilerplate"]
    2
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
    return rows
