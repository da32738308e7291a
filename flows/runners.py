"""Which Prefect task runner executes the flow's tasks: configuration, not code.

Prefect has no setting that picks the task-runner class (shared/PREFECT.md),
so the CLI builds one here and runs `clean_corpus.with_options(task_runner=...)`.
The output does not depend on the runner: every runner gives the same bytes.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import sys
from typing import Literal, get_args

TaskRunnerKind = Literal["threads", "processes", "dask", "ray"]
TASK_RUNNERS: tuple[str, ...] = get_args(TaskRunnerKind)
DEFAULT_TASK_RUNNER: TaskRunnerKind = "threads"

# Threads that run tasks at once. Cleaning is CPU-bound Python, which one
# thread at a time runs (the GIL): a second thread cleans no faster, and
# their contention for the GIL costs. At 40 MB, two threads took 2.4-3.5 s
# more CPU in user time and 3 s more in system time than one, and 1.2-2.3 s
# longer (docs/performance.md). Processes (--task-runner processes) use
# more cores.
THREAD_WORKERS = 1

# Worker processes of a local Dask cluster (when no --dask-address is given):
# one per core of a small machine; Dask's own default (one per core, threads
# split among them) is right too, but a fixed number keeps runs comparable.
DASK_LOCAL_WORKERS = 2

# The optional extra that provides each distributed runner (pyproject.toml).
EXTRAS = {"dask": ("prefect_dask", "dask"), "ray": ("prefect_ray", "ray")}


class TaskRunnerError(ValueError):
    """The task runner cannot be built; the message says what to install or change."""


def build_task_runner(kind: str = DEFAULT_TASK_RUNNER, dask_address: str | None = None, workers: int | None = None):
    """A Prefect task runner of KIND running WORKERS tasks at once (None: the
    runner's default); DASK_ADDRESS is an existing Dask scheduler.

    >>> type(build_task_runner("threads")).__name__
    'ThreadPoolTaskRunner'
    """
    check_task_runner(kind, dask_address, workers)
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers or THREAD_WORKERS)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        from flows.process_pool import PreloadedProcessPoolTaskRunner
        from flows.worker_server import forkserver_available

        pool = PreloadedProcessPoolTaskRunner if forkserver_available() else ProcessPoolTaskRunner
        return pool(max_workers=workers, initializer=start_process_worker)
    if kind == "dask":
        DaskTaskRunner = _import_runner("dask", "DaskTaskRunner")
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        n_workers = workers or DASK_LOCAL_WORKERS
        return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})
    RayTaskRunner = _import_runner("ray", "RayTaskRunner")
    return RayTaskRunner()


def check_task_runner(kind: str, dask_address: str | None = None, workers: int | None = None) -> None:
    """TaskRunnerError if `build_task_runner` would refuse these options.
    Loads nothing, so the CLI can check them before it starts Prefect.

    >>> check_task_runner("threads", dask_address="tcp://127.0.0.1:8786")
    Traceback (most recent call last):
    ...
    flows.runners.TaskRunnerError: task_runner: --dask-address needs --task-runner dask, not threads
    >>> check_task_runner("processes", workers=0)
    Traceback (most recent call last):
    ...
    flows.runners.TaskRunnerError: workers: give 1 or more, not 0
    """
    if kind not in TASK_RUNNERS:
        raise TaskRunnerError(f"task_runner: unknown runner {kind!r}; choose from {', '.join(TASK_RUNNERS)}")
    if dask_address and kind != "dask":
        raise TaskRunnerError(f"task_runner: --dask-address needs --task-runner dask, not {kind}")
    if workers is not None and workers < 1:
        raise TaskRunnerError(f"workers: give 1 or more, not {workers}")
    if workers is not None and (dask_address or kind == "ray"):
        raise TaskRunnerError(f"workers: a {'Dask' if dask_address else 'Ray'} cluster has its own workers; "
                              "size the cluster instead of passing --workers")
    if kind in EXTRAS and importlib.util.find_spec(EXTRAS[kind][0]) is None:
        raise _missing_extra(kind)


def start_process_worker() -> None:
    """Prepare a process-pool worker for the tasks it will run: one API
    client for all of them, and no teardown at exit."""
    hold_one_api_client()
    skip_teardown_at_exit()


def hold_one_api_client() -> None:
    """Make every Prefect API client this process asks for the same one.

    Prefect's process pool sets up each task's context from scratch in the
    worker, and asks twice per task for a client (`hydrated_context`, then
    the task engine); each new client loads the CA bundle into a new TLS
    context, even for the embedded server's plain http. That cost 40 ms of
    CPU per task (a trivial task cost 68 ms in a worker, 28 ms with one
    client). A client context entered once here, and never left, is what
    `get_client(sync_client=True)` returns in this thread from now on; the
    pool runs every task in this same main thread.

    Only when this process's own settings name the server, as they do under
    `presswash clean` and in deployment runs (the variable, or the profile):
    a server that the flow's caller set in-process only comes with each
    task's settings, and a client made before those would start a server of
    its own (Prefect's fallback) and report the tasks there.
    """
    from prefect.context import SyncClientContext
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        return
    global _held_client_context
    _held_client_context = SyncClientContext()
    _held_client_context.__enter__()


_held_client_context = None  # hold_one_api_client's, entered for the life of the process


def skip_teardown_at_exit() -> None:
    """Make this process end without the interpreter's teardown: once the
    exit handlers registered after this call have run, output is flushed
    and the process exits with status 0 (os._exit).

    Run in each process-pool worker. A worker that has cleaned batches holds
    the corpus context and the cleaners' memos, hundreds of MB in millions
    of objects; freeing them one by one at exit kept `presswash clean` waiting
    about 2 s at 40 MB after the last batch, with nothing left to do: the
    workers' results, staged files and Prefect's events and logs are all
    handed over before the pool is shut down, and handlers registered later
    (Prefect's) run first. Status 0 is what a pool worker exits with anyway:
    a task's exception is sent back as its result, not raised.
    """
    atexit.register(exit_without_teardown)


def exit_without_teardown(status: int = 0) -> None:
    """End this process now with STATUS, its logging and output flushed,
    without freeing its objects one by one (os._exit)."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (| head), a stream already closed
            pass
    os._exit(status)


def _import_runner(kind: str, name: str):
    try:
        return getattr(__import__(EXTRAS[kind][0]), name)
    except ImportError:
        raise _missing_extra(kind) from None


def _missing_extra(kind: str) -> TaskRunnerError:
    module, extra = EXTRAS[kind]
    return TaskRunnerError(
        f"task_runner: {kind} needs the {module.replace('_', '-')} package: "
        f"pip install 'presswash[{extra}]' (or pip install {module.replace('_', '-')})"
    )
