"""Prefect's process pool, its workers forked from the worker server
(`flows.worker_server`), which has loaded Prefect and presswash once.

A forked worker starts with the environment, working directory and module
path of the process it was forked from, not the flow's: the runner hands
each worker the flow's as they are when the pool starts (what a spawned
worker takes), and the worker makes them its own and reads Prefect's
settings again before anything else (`in_flow_side`). The worker server
runs no thread and no task: nothing of a flow run is in it to share.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass

from prefect import task_runners
from prefect.task_runners import ProcessPoolTaskRunner

from flows.worker_server import PRELOAD


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
