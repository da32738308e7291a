"""The Prefect flow `clean-corpus`: decode -> corpus pass -> cleaner chain -> write.

Tasks are thin: each wraps one call into `cleaners` or `flows.corpus_io` and
works on a batch of documents, never one document (a task run costs Prefect
6-10 ms, shared/PREFECT.md).
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

from cleaners.pipeline import STEPS, CorpusContext, CorpusStats, run_step
from cleaners.review import review_warnings
from flows.config import DEFAULT_BATCH_SIZE, make_config
from flows.corpus_io import QUARANTINED, list_sources, read_document, write_corpus
from flows.progress import report
from flows.report import REPORT

# Batches are handed from task to task in memory; nothing to cache yet.
TASK_OPTIONS = dict(cache_policy=NO_CACHE)


class Opaque:
    """Carries a value through Prefect unexamined. Prefect walks every task
    input (lists, dicts, dataclasses) looking for futures; for the corpus
    context and for batches of documents with their edits, that walk cost
    more than the cleaning (a 5 MB corpus: 70 s instead of 15 s). A plain
    object is not walked, and pickles to process and Dask workers."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def decode_batch(paths: list[Path], src: Path) -> Opaque:
    batch = [read_document(path, src) for path in paths]
    for doc in batch:
        if doc.status == QUARANTINED:
            get_run_logger().warning("quarantined %s: %s", doc.source, doc.reason)
    return Opaque(batch)


@task(**TASK_OPTIONS)
def learn_corpus(batch: Opaque) -> Opaque:
    stats = CorpusStats()
    for doc in batch.value:
        stats.merge(CorpusStats.from_text(doc.text, doc.id))
    return Opaque(stats)


@task(**TASK_OPTIONS)
def build_context(stats: list[Opaque], rule_packs: list[Path]) -> Opaque:
    return Opaque(CorpusContext.build((part.value for part in stats), rule_packs))


@task(**TASK_OPTIONS, task_run_name="{step}")
def clean_batch(step: str, batch: Opaque, context: Opaque) -> Opaque:
    context = context.value
    for doc in batch.value:
        if doc.status == QUARANTINED:
            continue
        try:
            doc.text, edits = run_step(step, doc.text, context)
        except Exception as error:  # one document's failure must not end the run
            doc.quarantine(f"{step} failed: {type(error).__name__}: {error}")
            get_run_logger().warning("quarantined %s: %s", doc.source, doc.reason)
            continue
        doc.edits += edits
    return batch


@task(**TASK_OPTIONS)
def review_batch(batch: Opaque) -> Opaque:
    for doc in batch.value:
        doc.warnings = review_warnings(doc.text)
    return batch


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def write_batches(
    batches: list[Opaque], out: Path, src: Path, clusters: dict, representatives_only: bool, parquet: bool
) -> dict:
    documents = (doc for batch in batches for doc in batch.value)
    return write_corpus(documents, out, src, clusters, representatives_only=representatives_only, parquet=parquet)


@task(**TASK_OPTIONS)
def publish_summary(manifest: dict, out: Path) -> str:
    markdown = summary_markdown(manifest, out)
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


def wait_for_batches(futures: list[PrefectFuture]) -> list[Opaque]:
    """The batches' results in their order, reporting progress as each one finishes."""
    artifact = create_progress_artifact(
        progress=0.0, key="clean-corpus-progress", description="batches through the whole cleaner chain"
    )
    logger = get_run_logger()
    for done, _ in enumerate(as_completed(futures), 1):
        update_progress_artifact(artifact, progress=100.0 * done / len(futures))
        logger.info("%d/%d batches cleaned", done, len(futures))
        report(done, len(futures))
    return [future.result() for future in futures]


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
    batches = [
        decode_batch.submit(paths[i : i + config.batch_size], config.src)
        for i in range(0, len(paths), config.batch_size)
    ]
    context = build_context.submit([learn_corpus.submit(b) for b in batches], config.rule_packs)
    for step in config.steps:
        batches = [clean_batch.submit(step, batch, context) for batch in batches]
    batches = [review_batch.submit(batch) for batch in batches]
    clusters = context.result().value.clusters
    manifest = write_batches.submit(
        wait_for_batches(batches), config.out, config.src, clusters, config.representatives_only, config.parquet
    ).result()
    publish_summary(manifest, config.out)
    return manifest


# How many rules the summary lists.
SUMMARY_TOP_RULES = 15


def summary_markdown(manifest: dict, out: Path) -> str:
    """The run summary shown in the Prefect UI: documents and edits by step and rule.

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
        "| step | edits |",
        "|---|---:|",
        *(f"| {step} | {count} |" for step, count in by_step.items()),
        "",
        "| step/rule | edits |",
        "|---|---:|",
        *(f"| {rule} | {count} |" for rule, count in Counter(summary["edits"]).most_common(SUMMARY_TOP_RULES)),
    ]
    return "\n".join(lines) + "\n"


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
