"""The `presswash` command line.

  presswash clean SRC --out DST [--config FILE] [--steps a,b] [--batch-size N] [--rule-pack FILE] [--parquet]
                  [--representatives-only] [--no-cache] [--cache-dir DIR]
                  [--task-runner threads|processes|dask|ray] [--workers N] [--dask-address ADDRESS]
  presswash restore DST --out DIR
  presswash diff DOC [--out DST]
  presswash serve [--name local]
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections import Counter
from contextlib import ExitStack, nullcontext
from pathlib import Path

from flows.collector import loading_what_lives
from flows.runners import (  # no Prefect import: settings first
    DEFAULT_TASK_RUNNER, TASK_RUNNERS, TaskRunnerError, build_task_runner, check_task_runner,
    exit_without_teardown,
)
from flows.worker_server import worker_server  # loads no Prefect either

# Prefect reads its settings at import: set them first. The embedded server
# needs more than its 20 s default on a fresh PREFECT_HOME, and analytics
# only log an error on a machine without internet (shared/PREFECT.md).
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}

DESCRIPTION = """\
presswash cleans scraped news text into canonical text and proves every change:
each edit is written to a changelog from which the raw bytes can be restored.
"""

CLEAN_EPILOG = """\
writes, into DST:
  <id>.txt          clean canonical text of SRC/<id>.txt
  changelog.jsonl   every edit: doc, step, rule, start, end, before, after, reason
  manifest.json     per-document source, encoding, hashes, edit counts; a summary
  report.html       review page: every edit marked in the text, by step and rule
  corpus.jsonl      one document a line: id, cluster, text, source, edits, edits_by_step, warnings
  corpus.parquet    the same, with --parquet
  near-duplicates/  with --representatives-only: clean text of the cluster
                    members that are not their cluster's representative

DST is replaced as a whole when the run succeeds; a folder that is not
presswash output is never replaced. The run goes through the Prefect flow
`clean-corpus` (an embedded Prefect server starts unless PREFECT_API_URL is set).
"""


# `prefect deployment run 'clean-corpus/local'` (README, prefect.yaml).
DEPLOYMENT_NAME = "local"

SERVE_EPILOG = """\
runs execute in a subprocess whose working directory is this command's:
relative --param src=... / out=... paths resolve against it.
Stop with SIGTERM (Ctrl-C in a terminal).
"""


def run() -> None:
    """The `presswash` command: `main`, then an exit without the interpreter's
    teardown, once every exit handler (Prefect's included) has run.

    The teardown frees everything a run loaded, object by object: 0.7 s of
    CPU and of waiting after a 20 MB run, with all output already written.
    Only the command does this; `main` called in-process exits as usual.
    """
    status = 1  # an uncaught exception's status

    def exit_now() -> None:
        exit_without_teardown(status)

    atexit.register(exit_now)  # registered first, so it runs last
    try:
        status = main()
    except SystemExit as stop:  # argparse: --help, a usage error
        status = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        raise
    sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("presswash: interrupted; the previous output is untouched", file=sys.stderr)
        return 130


def _clean(args: argparse.Namespace) -> int:
    from flows.config import ConfigError, make_config
    from flows.corpus_io import OutputError, check_output_folder

    steps = args.steps.split(",") if args.steps else None
    try:
        config = make_config(
            args.config, src=args.src, out=args.out, steps=steps, batch_size=args.batch_size,
            rule_packs=args.rule_pack or None, parquet=args.parquet,
            representatives_only=args.representatives_only or None,
            cache=False if args.no_cache else None, cache_dir=args.cache_dir,
        )
        check_output_folder(config.out, config.src)
    except (ConfigError, ValueError, OutputError) as error:
        return _fail(error)
    if _up_to_date(config):
        print(f"presswash: {config.out} is up to date: the corpus, the options and presswash are those of the run "
              "that wrote it, and it is untouched since (--no-cache cleans it again)")
        return 0
    _set_prefect_defaults()
    from flows.server import EmbeddedServer, needs_embedded_server

    try:
        check_task_runner(args.task_runner, args.dask_address, args.workers)
    except TaskRunnerError as error:
        return _fail(error)
    # Launched before Prefect loads here, so it boots meanwhile (and while the
    # flow's code loads); the variable is all that can be read so far.
    embedded = needs_embedded_server(args.task_runner, args.dask_address, os.environ.get("PREFECT_API_URL"))
    processes = args.task_runner == "processes"
    with ExitStack() as run, EmbeddedServer() if embedded else nullcontext() as server:
        # The process that process-pool workers are forked from loads Prefect and the cleaners once, on a
        # core left idle: while the embedded server boots, once this process has loaded Prefect beside it;
        # with no server to boot, at once, beside this process's own loading (docs/performance.md).
        if processes and not embedded:
            run.enter_context(worker_server())
        with loading_what_lives():  # Prefect and the flow, loaded for the life of the process
            from prefect.settings import get_current_settings

            from flows.clean_corpus import clean_corpus
            from flows.progress import console_progress
        if processes and embedded:
            run.enter_context(worker_server())
        api_url = get_current_settings().api.url
        if server and api_url:  # the active profile names a server: that one is used
            server.stop()
            server = None
            print(f"presswash: using the Prefect server of the active profile, {api_url}", file=sys.stderr)
        try:
            _check_api_server()
            task_runner = build_task_runner(args.task_runner, args.dask_address, args.workers)
        except (OSError, TaskRunnerError) as error:
            return _fail(error)
        try:
            with server.serving() if server else nullcontext(), console_progress():
                summary = clean_corpus.with_options(task_runner=task_runner)(**config.model_dump(mode="json"))
        except (OutputError, OSError) as error:
            return _fail(error)
    print(
        f"presswash: {summary['cleaned']} of {summary['documents']} documents cleaned, "
        f"{summary['quarantined']} quarantined, {sum(summary['edits'].values())} edits -> {config.out}"
        + (f" ({summary['set_aside']} near duplicates set aside in near-duplicates/)" if summary.get("set_aside") else "")
    )
    return 0


def _up_to_date(config) -> bool:
    """Whether DST needs no run at all; checked before Prefect starts (the
    flow checks too, for runs that do not come through this command)."""
    from flows.cache import cache_for, run_key
    from flows.corpus_io import list_sources

    store = cache_for(config)
    return store is not None and store.up_to_date(config.out, run_key(config, list_sources(config.src)))


def _serve(args: argparse.Namespace) -> int:
    """Serve `clean-corpus` as deployment `clean-corpus/NAME` until SIGTERM."""
    _set_prefect_defaults()
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        return _fail(SERVE_NEEDS_SERVER)
    try:
        _check_api_server()
    except OSError as error:
        return _fail(error)
    from flows.clean_corpus import clean_corpus

    try:
        clean_corpus.serve(name=args.name, print_starting_message=True)
    except KeyboardInterrupt:
        print(f"presswash: stopped serving clean-corpus/{args.name}", file=sys.stderr)
    return 0


SERVE_NEEDS_SERVER = (
    "presswash serve needs a running Prefect server that `prefect deployment run` can reach too: "
    "start one with `prefect server start --host 127.0.0.1 --port 4200 --no-ui --analytics-off` "
    "and set PREFECT_API_URL=http://127.0.0.1:4200/api"
)


# How long a configured server gets to answer its health check. A healthy
# local server answers in milliseconds; a remote one well within this.
API_HEALTH_TIMEOUT_SECONDS = 5


def _check_api_server() -> None:
    """With PREFECT_API_URL set, the run uses that server (and skips the 2-5 s
    of an embedded one): check that it answers, so a typo fails in one line
    instead of a traceback."""
    from urllib.request import urlopen

    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        return
    try:
        with urlopen(f"{url.rstrip('/')}/health", timeout=API_HEALTH_TIMEOUT_SECONDS):
            pass
    except OSError as error:
        raise OSError(
            f"the Prefect server at PREFECT_API_URL={url} does not answer ({error}): start it "
            "(prefect server start --host 127.0.0.1 --port 4200 --no-ui --analytics-off) or unset "
            "PREFECT_API_URL to run on an embedded server"
        ) from None


def _set_prefect_defaults() -> None:
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _restore(args: argparse.Namespace) -> int:
    from flows.corpus_io import OutputError, restore_corpus

    try:
        count = restore_corpus(args.dst, args.out)
    except (OutputError, OSError, ValueError) as error:
        return _fail(error)
    print(f"presswash: restored {count} raw files into {args.out}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from flows.corpus_io import OutputError, read_document_edits
    from flows.report import edit_history, plain_diff, rich_diff

    try:
        entry, clean, edits = read_document_edits(args.out, args.doc)
        pieces = edit_history(clean, edits)
    except (OutputError, OSError, ValueError) as error:
        return _fail(error)
    by_step = Counter(edit.step for edit in edits)
    header = f"{args.doc}: {len(edits)} edits" + "".join(f", {step} {n}" for step, n in by_step.items())
    if not sys.stdout.isatty():
        print(header + "\n" + DIFF_LEGEND + "\n")
        sys.stdout.write(plain_diff(pieces))
        return 0
    from rich.console import Console
    from rich.text import Text

    from flows.report import terminal_colour

    console = Console(highlight=False)
    legend = Text("struck = deleted, underlined = inserted; steps: ")
    for step in by_step:
        legend.append(step, style=terminal_colour(step)).append(" ")
    console.print(header, markup=False)
    console.print(legend)
    console.print()
    console.print(rich_diff(pieces, edits), end="")
    return 0


DIFF_LEGEND = "[-deleted-] {+inserted+}; offsets, rules and reasons: changelog.jsonl or report.html"


def _fail(error: Exception) -> int:
    print(f"presswash: error: {error}", file=sys.stderr)
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presswash", description=DESCRIPTION)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean", help="clean SRC/*.txt into DST", epilog=CLEAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Clean every SRC/*.txt into DST through the Prefect flow clean-corpus.",
    )
    clean.add_argument("src", type=Path, metavar="SRC", help="folder of raw *.txt files (never modified)")
    clean.add_argument("--out", "-o", type=Path, required=True, metavar="DST", help="output folder")
    clean.add_argument("--config", type=Path, metavar="FILE", help="TOML file with any CleanConfig fields")
    clean.add_argument("--steps", metavar="A,B", help="comma-separated cleaners to run, in order (default: all)")
    clean.add_argument("--batch-size", type=int, metavar="N", help="documents per task, about (default 768)")
    clean.add_argument("--rule-pack", type=Path, action="append", metavar="FILE",
                       help="an extra boilerplate rule pack (TOML); repeatable")
    clean.add_argument("--representatives-only", action="store_true", default=None,
                       help="write only one document per near-duplicate cluster as <id>.txt (others go to "
                       "near-duplicates/, listed in the manifest)")
    clean.add_argument("--parquet", action="store_true", default=None,
                       help="also write DST/corpus.parquet (pip install 'presswash[parquet]')")
    clean.add_argument("--task-runner", choices=TASK_RUNNERS, default=DEFAULT_TASK_RUNNER,
                       help="where tasks run: threads (default), processes, dask (pip install "
                       "'presswash[dask]'), ray ('presswash[ray]'); the output is the same")
    clean.add_argument("--workers", type=int, metavar="N",
                       help="tasks run at once: threads or processes of this machine, or local Dask workers "
                       "(default: 1 thread, one process per core, 2 Dask workers)")
    clean.add_argument("--no-cache", action="store_true",
                       help="clean every batch again instead of reusing earlier runs' results")
    clean.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="where earlier runs' results are kept (default: $XDG_CACHE_HOME/presswash or "
                       "~/.cache/presswash)")
    clean.add_argument("--dask-address", metavar="ADDRESS",
                       help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
                       "cluster of 2 worker processes)")
    clean.set_defaults(run=_clean)

    restore = commands.add_parser(
        "restore", help="rebuild the raw files from a clean corpus, byte for byte",
        description="Undo every edit of DST/changelog.jsonl and write the raw files into DIR.",
    )
    restore.add_argument("dst", type=Path, metavar="DST", help="a folder written by `presswash clean`")
    restore.add_argument("--out", "-o", type=Path, required=True, metavar="DIR", help="where to write the raw files")
    restore.set_defaults(run=_restore)

    diff = commands.add_parser(
        "diff", help="show one document's edits in the terminal",
        description="Show the raw text of one document with every edit marked: deletions struck, insertions "
        "underlined, coloured by step (plain [-deleted-]{+inserted+} markers when stdout is not a terminal).",
    )
    diff.add_argument("doc", metavar="DOC", help="a document id (file stem), as in DST/manifest.json")
    diff.add_argument("--out", "-o", type=Path, default=Path("data/clean"), metavar="DST",
                      help="a folder written by `presswash clean` (default: data/clean)")
    diff.set_defaults(run=_diff)

    serve = commands.add_parser(
        "serve", help="serve the flow as deployment clean-corpus/NAME for `prefect deployment run`",
        epilog=SERVE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve clean-corpus as a deployment on the Prefect server of PREFECT_API_URL until stopped.",
    )
    serve.add_argument("--name", default=DEPLOYMENT_NAME, help=f"deployment name (default {DEPLOYMENT_NAME})")
    serve.set_defaults(run=_serve)
    return parser


if __name__ == "__main__":
    run()
