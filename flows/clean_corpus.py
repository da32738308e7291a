"""The Prefect flow `clean-corpus`: decode -> corpus pass -> cleaner chain -> write.

Tasks are thin: each wraps one call into `cleaners` or `flows.corpus_io` and
works on a batch of documents, never one document (a task run costs Prefect
6-10 ms, shared/PREFECT.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from cleaners.pipeline import CorpusContext, CorpusStats, run_step
from flows.config import DEFAULT_BATCH_SIZE, make_config
from flows.corpus_io import Document, list_sources, read_document, write_corpus
from flows.report import REPORT

# Batches are handed from task to task in memory; nothing to cache yet.
TASK_OPTIONS = dict(cache_policy=NO_CACHE)
# The corpus context (lexicon, line counts, rules) goes to every cleaning task
# inside `quote`: Prefect otherwise walks every object in it looking for
# futures, once per task, which cost more than the cleaning itself (a 5 MB
# corpus: 70 s instead of 15 s).


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def decode_batch(paths: list[Path], src: Path) -> list[Document]:
    return [read_document(path, src) for path in paths]


@task(**TASK_OPTIONS)
def learn_corpus(batch: list[Document]) -> CorpusStats:
    stats = CorpusStats()
    for doc in batch:
        stats.merge(CorpusStats.from_text(doc.text, doc.id))
    return stats


@task(**TASK_OPTIONS)
def build_context(stats: list[CorpusStats], rule_packs: list[Path]) -> CorpusContext:
    return CorpusContext.build(stats, rule_packs)


@task(**TASK_OPTIONS, task_run_name="{step}")
def clean_batch(step: str, batch: list[Document], context: CorpusContext) -> list[Document]:
    for doc in batch:
        doc.text, edits = run_step(step, doc.text, context)
        doc.edits += edits
    return batch


@task(**TASK_OPTIONS, retries=2, retry_delay_seconds=1)
def write_batches(
    batches: list[list[Document]], out: Path, src: Path, clusters: dict, representatives_only: bool = False
) -> dict:
    return write_corpus((doc for batch in batches for doc in batch), out, src, clusters, representatives_only)


@task(**TASK_OPTIONS)
def publish_summary(manifest: dict, out: Path) -> str:
    markdown = summary_markdown(manifest, out)
    create_markdown_artifact(key="clean-corpus-summary", markdown=markdown, description="presswash run summary")
    get_run_logger().info("cleaned %d documents into %s", manifest["summary"]["documents"], out)
    return markdown


@flow(name="clean-corpus", log_prints=False)
def clean_corpus(
    src: str,
    out: str,
    steps: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rule_packs: list[str] | None = None,
    representatives_only: bool = False,
) -> dict:
    """Clean every SRC/*.txt into OUT: canonical text, changelog and manifest.

    The parameters are the fields of `flows.config.CleanConfig`; None means
    its default.
    """
    config = make_config(
        src=src, out=out, steps=steps, batch_size=batch_size, rule_packs=rule_packs,
        representatives_only=representatives_only,
    )
    paths = list_sources(config.src)
    batches = [
        decode_batch.submit(paths[i : i + config.batch_size], config.src)
        for i in range(0, len(paths), config.batch_size)
    ]
    context = quote(build_context([learn_corpus.submit(b) for b in batches], config.rule_packs))
    for step in config.steps:
        batches = [clean_batch.submit(step, batch, context) for batch in batches]
    manifest = write_batches.submit(
        batches, config.out, config.src, context.unquote().clusters, config.representatives_only
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
    report = Path(out) / REPORT
    by_step = Counter()
    for key, count in summary["edits"].items():
        by_step[key.split("/")[0]] += count
    lines = [
        f"# presswash: {summary['cleaned']} documents cleaned into `{out}`",
        "",
        f"{summary['documents']} documents, {summary['quarantined']} quarantined, "
        f"{sum(summary['edits'].values())} edits.",
        "",
        f"Review every edit in [{report.as_posix()}]({report.as_uri() if report.is_absolute() else report.as_posix()}).",
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
