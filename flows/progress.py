"""Progress of a run: a Prefect progress artifact, and the CLI's display.

The flow reports each batch as its corpus pass is merged and again as it has
been through the whole chain. Prefect shows the cleaning as the progress
artifact `clean-corpus-progress`; a local `presswash clean` (the flow runs in
the CLI's own process) also gets a callback for both stages, which draws a
progress bar per stage on a terminal and plain lines otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

# The stages of a run, as their progress lines say what is done with a batch.
# The corpus pass is a sixth of a run's CPU (docs/performance.md): about 17 s
# of a 200 MB run, which would show nothing for it otherwise.
CORPUS_PASS = "read (corpus pass)"
CLEANING = "cleaned"

Reporter = Callable[[int, int, str], None]  # (batches done, batches in all, stage)

_reporters: list[Reporter] = []


def report(done: int, total: int, stage: str = CLEANING) -> None:
    """Tell every installed reporter that DONE of TOTAL batches are through STAGE."""
    for reporter in _reporters:
        reporter(done, total, stage)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    """Install REPORTER for the duration of a local run."""
    _reporters.append(reporter)
    try:
        yield
    finally:
        _reporters.remove(reporter)


def plain_line(done: int, total: int, stage: str = CLEANING) -> str:
    """The line a non-terminal gets for each batch through a stage.

    >>> plain_line(2, 3), plain_line(1, 3, CORPUS_PASS)
    ('presswash: 2/3 batches cleaned', 'presswash: 1/3 batches read (corpus pass)')
    """
    return f"presswash: {done}/{total} batches {stage}"


@contextmanager
def console_progress(stream: TextIO = sys.stderr) -> Iterator[None]:
    """A rich progress bar per stage when STREAM is a terminal, plain lines when it is not."""
    if not stream.isatty():
        with reporting(lambda done, total, stage: print(plain_line(done, total, stage), file=stream, flush=True)):
            yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        bars = {}  # stage -> its bar's task, added when the stage first reports

        def update(done: int, total: int, stage: str) -> None:
            if stage not in bars:
                bars[stage] = bar.add_task(f"batches {stage}", total=total)
            bar.update(bars[stage], completed=done, total=total)

        with reporting(update):
            yield
