"""The worker server: the process that `--task-runner processes` forks its
workers from (`flows.process_pool`), started and stopped here. It loads
Prefect and presswash once (PRELOAD), so that no worker loads them again.

Prefect's `ProcessPoolTaskRunner` starts each worker with multiprocessing's
"spawn" method: a new interpreter that imports Prefect, the flow and the
cleaners before it can run a task (1.4 s of CPU per worker on the
benchmark's machine), after the flow run has begun. The worker server is multiprocessing's
"forkserver", told to load all of that first; `presswash clean` starts it
before it needs a worker, when a core would be idle otherwise
(docs/performance.md). Loads nothing itself, so the command line can start
it before it loads Prefect.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver

# What the worker server imports before it forks the first worker.
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

    `presswash clean` enters it while the embedded server boots, once its
    own process has loaded Prefect (a core is idle then), or at once when no
    server boots.

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
