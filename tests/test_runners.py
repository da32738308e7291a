"""The task runner is configuration: every runner writes the same bytes."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect import flow, task

from conftest import COMMITTED_CLEAN, ROOT, SEEDS
from flows.runners import TaskRunnerError, build_task_runner
from flows.server import STARTING
from test_flow import presswash, same_files


def run_with(task_runner, out):
    from flows.clean_corpus import clean_corpus

    # cache=False: each runner must clean the batches itself, not reuse another runner's results
    return clean_corpus.with_options(task_runner=task_runner)(src=str(SEEDS), out=str(out), batch_size=2, cache=False)


def test_a_dask_local_cluster_writes_the_same_bytes_as_threads(prefect_harness, tmp_path):
    from prefect_dask import DaskTaskRunner

    run_with(build_task_runner("threads"), tmp_path / "threads")
    # Worker processes, not threads: batches and the corpus context really
    # travel pickled between processes, as on a remote cluster.
    run_with(DaskTaskRunner(cluster_kwargs={"n_workers": 2, "processes": True}), tmp_path / "dask")
    assert same_files(tmp_path / "dask", tmp_path / "threads") == []
    assert same_files(tmp_path / "threads", COMMITTED_CLEAN) == []


def test_dask_address_uses_an_existing_scheduler(prefect_harness, tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        with get_task_stream(client) as stream:
            run_with(build_task_runner("dask", dask_address=cluster.scheduler_address), tmp_path / "dask")
    ran_there = {str(task["key"]) for task in stream.data}
    assert any("clean_batch" in key for key in ran_there), ran_there
    assert same_files(tmp_path / "dask", COMMITTED_CLEAN) == []


def test_a_process_pool_writes_the_same_bytes(prefect_harness, tmp_path):
    run_with(build_task_runner("processes"), tmp_path / "processes")
    assert same_files(tmp_path / "processes", COMMITTED_CLEAN) == []


@task
def _this_tasks_api_client() -> tuple[str, int]:
    """The server this task reports to, and how many tasks, this one included,
    got the API client this task gets."""
    from prefect import get_client

    client = get_client(sync_client=True)
    client.presswash_sightings = getattr(client, "presswash_sightings", 0) + 1
    return str(client.api_url), client.presswash_sightings


@flow
def _three_tasks_in_a_row() -> list[tuple[str, int]]:
    return [_this_tasks_api_client.submit().result() for _ in range(3)]


def test_a_process_worker_keeps_one_api_client_for_all_its_tasks(prefect_harness, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    server = PREFECT_API_URL.value()  # the test harness's, set in this process only
    one_worker = build_task_runner("processes", workers=1)
    # Workers that inherit the server in their environment (as under `presswash clean`) keep one client:
    # Prefect alone builds two per task in a worker, 40 ms of TLS set-up each time.
    monkeypatch.setenv("PREFECT_API_URL", server)
    assert _three_tasks_in_a_row.with_options(task_runner=one_worker)() == [(server + "/", n) for n in (1, 2, 3)]
    # Workers that do not, keep Prefect's way: each task gets the server with its settings.
    monkeypatch.delenv("PREFECT_API_URL")
    assert {url for url, _ in _three_tasks_in_a_row.with_options(task_runner=one_worker)()} == {server + "/"}


@pytest.mark.skipif(
    importlib.util.find_spec("prefect_ray") is None,
    reason="prefect-ray is an optional extra (presswash[ray]), not in the dev extra: ray is an 80 MB wheel and "
    "a local Ray start makes this test take about 45 s on 2 cores (it passes with presswash[ray] installed)",
)
def test_ray_writes_the_same_bytes(prefect_harness, tmp_path):
    run_with(build_task_runner("ray"), tmp_path / "ray")
    assert same_files(tmp_path / "ray", COMMITTED_CLEAN) == []


@pytest.mark.skipif(importlib.util.find_spec("prefect_ray") is not None, reason="prefect-ray is installed here")
def test_a_missing_extra_says_what_to_install():
    with pytest.raises(TaskRunnerError, match=r"pip install 'presswash\[ray\]'"):
        build_task_runner("ray")


def test_the_cli_builds_the_runner_before_prefect_starts(tmp_path):
    run = presswash("clean", SEEDS, "--out", tmp_path / "x", "--dask-address", "tcp://127.0.0.1:1", check=False)
    assert run.returncode == 2
    assert "--dask-address needs --task-runner dask, not threads" in run.stderr
    assert not (tmp_path / "x").exists()


def test_an_unknown_runner_is_refused_by_the_cli():
    run = presswash("clean", SEEDS, "--out", "x", "--task-runner", "spark", check=False)
    assert run.returncode == 2
    assert "invalid choice: 'spark'" in run.stderr


def test_process_workers_report_to_the_flows_embedded_server(tmp_path, monkeypatch):
    # Without PREFECT_API_URL, Prefect starts an embedded server in every
    # process that needs a client, process-pool workers included: three
    # servers for a two-worker run, each costing seconds of CPU. The CLI
    # starts one (flows/server.py) and points the whole run at it.
    mark = f"presswash-test-{os.getpid()}-{tmp_path.name}"
    monkeypatch.setenv("PRESSWASH_TEST_RUN", mark)
    run = presswash("clean", SEEDS, "--out", tmp_path / "out", "--task-runner", "processes", "--workers", "2",
                    "--batch-size", "2", "--no-cache")
    assert run.stderr.count(STARTING) == 1, run.stderr[-3000:]
    assert "Starting temporary server" not in run.stderr, run.stderr[-3000:]
    assert same_files(tmp_path / "out", COMMITTED_CLEAN) == []
    if sys.platform.startswith("linux"):  # where a process's environment can be read (/proc)
        # Nothing the run started outlives it: server, worker server, workers.
        assert processes_with(f"PRESSWASH_TEST_RUN={mark}".encode()) == []


def test_a_worker_that_skips_teardown_still_flushes_its_output():
    # What a process-pool worker prints before it ends must reach its pipe,
    # although the process ends with os._exit (no interpreter teardown).
    script = "from flows.runners import skip_teardown_at_exit; skip_teardown_at_exit(); print('last words', end='')"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=buffered)
    assert (run.returncode, run.stdout) == (0, "last words")


@task
def _where_this_task_runs() -> dict:
    import gc

    # Objects frozen before this process began: those flows.worker_preload loaded in the worker server.
    return {"parent": os.getppid(), "cwd": os.getcwd(), "variable": os.environ.get("PRESSWASH_TEST_VARIABLE"),
            "frozen": gc.get_freeze_count()}


@flow
def _one_task_where() -> dict:
    return _where_this_task_runs.submit().result()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker server is the forkserver, "
                    "which macOS has too but CI runs only on Linux; elsewhere processes are spawned")
def test_process_workers_are_forked_from_the_preloaded_worker_server_in_the_flows_environment(
        prefect_harness, tmp_path, monkeypatch):
    from multiprocessing import forkserver

    from flows.worker_server import start_worker_server

    start_worker_server()  # as the CLI does, before the flow: the server keeps the environment it had then
    monkeypatch.setenv("PRESSWASH_TEST_VARIABLE", "set after the worker server started")
    monkeypatch.chdir(tmp_path)
    where = _one_task_where.with_options(task_runner=build_task_runner("processes", workers=1))()
    assert where["parent"] == forkserver._forkserver._forkserver_pid  # a fork of the server, not a new interpreter
    assert where["frozen"] > 100_000  # Prefect and the cleaners, loaded there (a spawned worker has none)
    assert (where["variable"], where["cwd"]) == ("set after the worker server started", str(tmp_path))


def test_the_worker_server_is_stopped_and_reaped_when_its_block_ends():
    from multiprocessing import forkserver

    from flows.worker_server import worker_server

    with worker_server():
        pid = forkserver._forkserver._forkserver_pid
        assert pid and Path(f"/proc/{pid}").exists()
    assert not Path(f"/proc/{pid}").exists()  # ended and waited for: no zombie, its workers' CPU time accounted


def processes_with(variable: bytes) -> list[str]:
    """Command lines of the processes whose environment holds VARIABLE (NAME=value)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if variable in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found
