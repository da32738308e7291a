"""`presswash clean` starts Prefect's embedded server itself (flows/server.py)."""

import sys

import pytest

from flows import server as embedded
from flows.server import EmbeddedServer, ServerError


def test_the_server_runs_as_prefect_runs_it(monkeypatch):
    # The command and environment are Prefect 3.8's own; a Prefect upgrade
    # that changes them fails here instead of starting a different server.
    from prefect.server.api import server as prefect_server

    launched = {}
    monkeypatch.setattr(prefect_server.subprocess, "Popen", lambda args, env: launched.update(args=args, env=env))
    prefect_server.SubprocessASGIServer(port=8123)._run_uvicorn_command()
    assert launched["args"] == embedded.server_command(8123)
    assert embedded.SERVER_ENVIRONMENT.items() <= launched["env"].items()


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
