"""`presswash clean` starts Prefect's embedded server itself (flows/server.py)."""

import signal
import subprocess
import sys
import time

import httpx
import pytest

from conftest import ROOT, SEEDS

from flows import server as embedded
from flows.server import STARTING, EmbeddedServer, ServerError
from test_flow import PRESSWASH


def test_the_server_runs_as_prefect_runs_it(monkeypatch):
    # The command and environment are Prefect 3.8's own; a Prefect upgrade
    # that changes them fails here instead of starting a different server.
    from prefect.server.api import server as prefect_server

    launched = {}
    monkeypatch.setattr(prefect_server.subprocess, "Popen", lambda args, env: launched.update(args=args, env=env))
    prefect_server.SubprocessASGIServer(port=8123)._run_uvicorn_command()
    assert launched["args"] == [sys.executable, "-m", "uvicorn", *embedded.uvicorn_arguments(8123)]
    assert embedded.server_command(8123) == [sys.executable, "-m", "flows.server", *embedded.uvicorn_arguments(8123)]
    assert embedded.SERVER_ENVIRONMENT.items() <= launched["env"].items()


def test_the_server_process_loads_the_app_frozen_then_hands_uvicorn_its_arguments(monkeypatch):
    import gc

    import uvicorn.main

    seen = {}
    monkeypatch.setattr(uvicorn.main, "main", lambda argv: seen.update(
        argv=argv, collector_on=gc.isenabled(), frozen=gc.get_freeze_count()))
    try:
        embedded.main(["--port", "8123"])
    finally:
        gc.unfreeze()
    assert seen["argv"] == ["--port", "8123"] and seen["collector_on"]
    assert seen["frozen"] > 100_000, "Prefect's server modules are left out of the collector's scans"


def test_the_servers_own_defaults_are_prefect_settings_and_yield_to_the_users(monkeypatch):
    from prefect.settings import Settings

    for name, value in embedded.SERVER_DEFAULTS.items():
        monkeypatch.setenv(name, value)
    server_settings = Settings().server
    assert (server_settings.register_blocks_on_start, server_settings.memoize_block_auto_registration) == (False, False)
    monkeypatch.setenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "true")
    assert embedded.server_environment()["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "true"
    monkeypatch.delenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START")
    assert embedded.server_environment()["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"


def fake_server(monkeypatch, *scripts):
    """An EmbeddedServer whose successive launches run SCRIPTS instead of Prefect's server."""
    commands = iter([sys.executable, "-c", script] for script in scripts)
    monkeypatch.setattr(embedded, "server_command", lambda port: next(commands))
    return EmbeddedServer()


def test_a_server_that_exits_says_so_and_what_to_do(monkeypatch):
    # exit status 3 is uvicorn's "port taken": the server is relaunched on another port
    server = fake_server(monkeypatch, "raise SystemExit(3)", "raise SystemExit(1)")
    with server, pytest.raises(ServerError, match="exited with status 1 .*PREFECT_API_URL"):
        server.wait_until_ready(timeout=30)


def test_a_server_that_never_answers_times_out_and_is_stopped(monkeypatch):
    server = fake_server(monkeypatch, "import time; time.sleep(60)")
    with server:
        process = server.process
        with pytest.raises(ServerError, match="did not answer within 1 s; raise PREFECT_SERVER_EPHEMERAL"):
            server.wait_until_ready(timeout=1)
    assert process.poll() is not None, "the server must not outlive the run"


def terminate_when(line_says: str, tmp_path):
    """Run `presswash clean` on many copies of the seeds, send it SIGTERM once
    its stderr prints a line with LINE_SAYS; its exit status, the rest of its
    stderr, the embedded server's API URL and the output folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(40):
        for seed in SEEDS.glob("*.txt"):
            (corpus / f"{copy:02d}_{seed.name}").write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    run = subprocess.Popen([*PRESSWASH, "clean", str(corpus), "--out", str(out), "--no-cache", "--batch-size", "5"],
                           stderr=subprocess.PIPE, text=True, cwd=ROOT)
    api_url = None
    for line in run.stderr:
        if line.startswith(STARTING):
            api_url = line.removeprefix(STARTING).strip()
        if line_says in line:
            break
    run.send_signal(signal.SIGTERM)
    rest = run.communicate(timeout=120)[1]
    return run.returncode, rest, api_url, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the server ends with its parent on Linux only (prctl)")
@pytest.mark.parametrize("line_says", [STARTING, "batches cleaned"])
def test_sigterm_ends_the_run_and_its_server(tmp_path, line_says):
    # While the server boots, and mid-flow (where Prefect turns SIGTERM into
    # a crash of the run and sends it again): no DST is written (a staging
    # folder left behind is removed by the next run, as after any kill) and
    # the server does not outlive the run.
    status, stderr, api_url, out = terminate_when(line_says, tmp_path)
    assert status == -signal.SIGTERM, stderr[-3000:]
    assert not out.exists()
    deadline = time.monotonic() + 10  # the server gets SIGTERM as presswash dies, and takes a moment to stop
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{api_url}/health", timeout=1)
        except httpx.TransportError:
            return
        time.sleep(0.2)
    pytest.fail(f"the embedded server at {api_url} outlived presswash")
