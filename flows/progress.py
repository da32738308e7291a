"""Progress of a run: a Prefect progress artifact, and the CLI's display.

The flow reports each batch that has been through the whole chain. Prefect
shows that as the progress artifact `clean-corpus-progress`; a local
`presswash clean` (the flow runs in the CLI's own process) also gets a
callback, which draws a progress bar on a terminal and plain lines otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Reporter = Callable[[int, int], None]  # (batches done, batches in all)

_reporters: list[Reporter] = []


def report(done: int, total: int) -> None:
    """Tell every installed reporter that DONE of TOTAL batches are clean."""
    for reporter in _reporters:
        reporter(done, total)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    """Install REPORTER for the duration of a local run."""
    _reporters.append(reporter)
    try:
        yield
    finally:
        _reporters.remove(reporter)


def plain_line(done: int, total: int) -> str:
    """The line a non-terminal gets for each finished batch.

    >>> plain_line(2, 3)
    'presswash: 2/3 batches cleaned'
    """
    return f"presswash: {done}/{total} batches cleaned"


@contextmanager
def console_progress(stream: TextIO = sys.stderr) -> Iterator[None]:
    """A rich progress bar when STREAM is a terminal, plain lines when it is not."""
    if not stream.isatty():
        with reporting(lambda done, total: print(plain_line(done, total), file=stream, flush=True)):
            yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("cleaning batches"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("clean", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with reporting(update):
            yield
