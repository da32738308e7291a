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

from cleaners.names import NameLexicon
from cleaners.pipeline import STEPS, CorpusContext, run_step
from flows.config import DEFAULT_BATCH_SIZE, make_config
from flows.corpus_io import Document, list_sources, read_document, write_corpus
from flows.progress import report

# Batches are handed from task to task in memory; nothing to cache yet.
TASK_OPTIONS = dict(cache_policy=NO_CACHE)


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def decode_batch(paths: list[Path], src: Path) -> list[Document]:
    return [read_document(path, src) for path in paths]


@task(**TASK_OPTIONS)
def learn_corpus(batch: list[Document]) -> NameLexicon:
    lexicon = NameLexicon()
    for doc in batch:
        lexicon.merge(NameLexicon.from_text(doc.text))
    return lexicon


@task(**TASK_OPTIONS)
def build_context(lexicons: list[NameLexicon], rule_packs: list[Path]) -> CorpusContext:
    return CorpusContext.build(lexicons, rule_packs)


@task(**TASK_OPTIONS, task_run_name="{step}")
def clean_batch(step: str, batch: list[Document], context: CorpusContext) -> list[Document]:
    for doc in batch:
        doc.text, edits = run_step(step, doc.text, context)
        doc.edits += edits
    return batch


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def write_batches(batches: list[list[Document]], out: Path, src: Path, parquet: bool) -> dict:
    return write_corpus((doc for batch in batches for doc in batch), out, src, parquet)


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


def wait_for_batches(futures: list[PrefectFuture]) -> list[list[Document]]:
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
    parquet: bool = False,
) -> dict:
    """Clean every SRC/*.txt into OUT: canonical text, changelog and manifest.

    The parameters are the fields of `flows.config.CleanConfig`; None means
    its default.
    """
    config = make_config(
        src=src, out=out, steps=steps, batch_size=batch_size, rule_packs=rule_packs, parquet=parquet
    )
    paths = list_sources(config.src)
    batches = [
        decode_batch.submit(paths[i : i + config.batch_size], config.src)
        for i in range(0, len(paths), config.batch_size)
    ]
    context = build_context.submit([learn_corpus.submit(b) for b in batches], config.rule_packs)
    for step in config.steps:
        batches = [clean_batch.submit(step, batch, context) for batch in batches]
    manifest = write_batches.submit(wait_for_batches(batches), config.out, config.src, config.parquet).result()
    publish_summary(manifest, config.out)
    return manifest


# How many rules the summary lists.
SUMMARY_TOP_RULES = 15


def summary_markdown(manifest: dict, out: Path) -> str:
    """The run summary shown in the Prefect UI: documents and edits by step and rule.

    >>> print(summary_markdown({"summary": {"documents": 1, "cleaned": 1, "quarantined": 0,
    ...     "edits": {"strip_boilerplate/source-link": 2}}}, Path("out")).splitlines()[0])
    # presswash: 1 documents cleaned into `out`
    """
    summary = manifest["summary"]
    by_step = Counter()
    for key, count in summary["edits"].items():
        by_step[key.split("/")[0]] += count
    lines = [
        f"# presswash: {summary['cleaned']} documents cleaned into `{out}`",
        "",
        f"{summary['documents']} documents, {summary['quarantined']} quarantined, "
        f"{sum(summary['edits'].values())} edits.",
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
