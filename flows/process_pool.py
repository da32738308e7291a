"""Prefect's process pool, its workers forked from one process that has
loaded Prefect and presswash once (`--task-runner processes`).

Prefect's `ProcessPoolTaskRunner` starts each worker with multiprocessing's
"spawn" method: a new interpreter that imports Prefect, the flow and the
cleaners before it can run a task. That is 1.4 s of CPU per worker on this
machine, paid by every worker, and it starts only once the flow run has
begun, after the embedded server's boot. Here the workers come from
multiprocessing's "forkserver" instead: one process loads all of that once
(`flows.worker_preload`), and each worker is a fork of it, ready at once.
`presswash clean` starts that process while the embedded server boots, when
one core is idle, so the import is off the run's path as well
(docs/performance.md).

A forked worker starts with the environment, working directory and module
path of the process it was forked from, not the flow's: the runner hands
each worker the flow's as they are when the pool starts (what a spawned
worker takes), and the worker makes them its own and reads Prefect's
settings again before anything else (`in_flow_side`). The forkserver runs
no thread and no task: nothing of a flow run is in it to share.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import forkserver

from prefect import task_runners
from prefect.task_runners import ProcessPoolTaskRunner

# What the forkserver imports before it forks the first worker.
PRELOAD = ["flows.worker_preload", "flows.process_pool"]


def forkserver_available() -> bool:
    """Whether this platform has the forkserver start method (Linux and
    macOS do; Windows has only spawn)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def start_worker_server() -> None:
    """Start the process that pool workers are forked from, if it is not
    running, and have it load PRELOAD first (by default it would load
    nothing, and each worker all of it). Returns at once; the loading goes
    on in that process."""
    multiprocessing.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def stop_worker_server() -> None:
    """Stop the worker server, if it runs, and wait for it to exit.

    Waited for, it and the workers it forked are accounted to this process
    like the workers of a spawn pool (the CPU time of `presswash clean`'s
    process tree includes them), and none outlives the run. Python keeps
    the server in a private singleton whose `_stop` its own tests use; where
    a Python has none, the server ends by itself when this process does."""
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


@contextmanager
def worker_server() -> Iterator[None]:
    """The worker server running within this block: started on entry (where
    the platform has it), stopped and waited for on exit.

    `presswash clean` enters it while the embedded server boots, when one
    core is idle: Prefect and the cleaners load there, once, and no worker
    loads them again.

    >>> with worker_server():
    ...     running = forkserver._forkserver._forkserver_pid is not None
    >>> running, forkserver._forkserver._forkserver_pid
    (True, None)
    """
    if not forkserver_available():
        yield
        return
    start_worker_server()
    try:
        yield
    finally:
        stop_worker_server()


class _ForkserverOnly:
    """The `multiprocessing` module as Prefect's process pool sees it while it
    starts: any start method it asks for is the forkserver."""

    def __getattr__(self, name):
        return getattr(multiprocessing, name)

    @staticmethod
    def get_context(method: str | None = None):
        return multiprocessing.get_context("forkserver")


@dataclass(frozen=True)
class FlowSide:
    """What a spawned worker takes from the flow's process when it starts,
    and a forked one must be given: the environment, the working directory
    and the module search path."""

    environment: dict[str, str]
    working_directory: str
    module_path: list[str]

    @classmethod
    def now(cls) -> "FlowSide":
        return cls(dict(os.environ), os.getcwd(), list(sys.path))


def in_flow_side(flow_side: FlowSide, initializer=None, *initargs) -> None:
    """A forked worker's first step: take FLOW_SIDE for its own, and read
    Prefect's settings from the environment again, as a spawned worker would
    have them; then INITIALIZER(*INITARGS)."""
    from prefect.context import refresh_global_settings_context

    os.environ.clear()
    os.environ.update(flow_side.environment)
    os.chdir(flow_side.working_directory)
    sys.path[:] = flow_side.module_path
    refresh_global_settings_context()
    if initializer is not None:
        initializer(*initargs)


class PreloadedProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """`ProcessPoolTaskRunner` whose workers are forked from the worker
    server, each given the flow's side first (`FlowSide`).

    Prefect 3.8's `__enter__` takes its start method from
    `multiprocessing.get_context("spawn")` and uses nothing else of the
    module: for that call only, the module it sees answers with the
    forkserver's context. Everything else is Prefect's own."""

    def __enter__(self):
        # Not started here: Prefect also enters a copy of the flow's runner around each task it runs in
        # a worker, and submits nothing to it. The server starts with the first worker, or before.
        multiprocessing.set_forkserver_preload(PRELOAD)
        own = self._initializer, self._initargs
        self._initializer, self._initargs = in_flow_side, (FlowSide.now(), self._initializer, *self._initargs)
        task_runners.multiprocessing = _ForkserverOnly()
        try:
            return super().__enter__()
        finally:
            task_runners.multiprocessing = multiprocessing
            self._initializer, self._initargs = own
