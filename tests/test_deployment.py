"""End to end through a real Prefect server: the README's "Run as a deployment".

These tests start processes: `prefect server start` on a free loopback port
with its own PREFECT_HOME, `presswash serve` (or a process worker), and run
`prefect deployment run 'clean-corpus/local' ... --watch` against them. Every
process is stopped at the end (SIGTERM to its process group, SIGKILL after a
timeout). About a minute in all on 2 cores.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import COMMITTED_CLEAN, ROOT, SEEDS
from flows.server import STARTING
from test_flow import same_files

pytestmark = pytest.mark.deployment

BIN = Path(sys.executable).parent
PREFECT = [str(BIN / "prefect")]
PRESSWASH = [sys.executable, "-m", "flows.cli"]
DEPLOYMENT = "clean-corpus/local"
# A fresh server is healthy after about 14 s here (shared/PREFECT.md); twice
# that leaves room for a loaded CI machine.
SERVER_READY_SECONDS = 60
# `presswash serve` registers the deployment a few seconds after it starts.
DEPLOYMENT_READY_SECONDS = 60
# One run over the five seeds takes a few seconds; --watch gives up after this.
RUN_SECONDS = 90
# How long a process gets to stop after SIGTERM before SIGKILL.
STOP_SECONDS = 15
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """Start a background process in its own process group, output to LOG."""
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group (SIGINT is ignored by background jobs), SIGKILL after a timeout."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)


def get_json(url: str):
    """GET URL as JSON; None on a 404 or a refused connection."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise
    except (urllib.error.URLError, ConnectionError):
        return None


def wait_for(what: str, probe, seconds: float, process: subprocess.Popen, log: Path):
    """Poll PROBE until it returns something; fail with the process's log if it dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value is not None:
            return value
        if process.poll() is not None:
            pytest.fail(f"{what}: the process exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    pytest.fail(f"{what}: not ready after {seconds} s:\n{log.read_text()[-3000:]}")


class Server:
    def __init__(self, url: str, env: dict, logs: Path):
        self.url, self.env, self.logs = url, env, logs

    def deployment(self, name: str = DEPLOYMENT):
        return get_json(f"{self.url}/deployments/name/{name}")

    def flow_run(self, run_id: str) -> dict:
        return get_json(f"{self.url}/flow_runs/{run_id}")

    def run(self, *args, timeout: float = RUN_SECONDS + 30) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*PREFECT, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def run_deployment(self, *params: str, watch: bool = True) -> tuple[subprocess.CompletedProcess, str]:
        """`prefect deployment run clean-corpus/local --param ... [--watch]`; the run and its flow-run id."""
        args = ["deployment", "run", DEPLOYMENT, *(a for p in params for a in ("--param", p))]
        if watch:
            args += ["--watch", "--watch-timeout", str(RUN_SECONDS)]
        run = self.run(*args)
        found = UUID_RE.search(run.stdout)
        assert found, f"no flow-run id in:\n{run.stdout}\n{run.stderr}"
        return run, found.group()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`prefect server start` on a free loopback port, its own PREFECT_HOME, analytics off."""
    logs = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(logs / "home"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_CLI_COLORS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log = logs / "server.log"
    process = start(
        [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--analytics-off"],
        env, log,
    )
    try:
        wait_for("prefect server", lambda: get_json(f"{url}/health"), SERVER_READY_SECONDS, process, log)
        yield Server(url, env, logs)
    finally:
        stop(process)


@pytest.fixture(scope="class")
def served(server):
    """`presswash serve` in the background until the end of the test class."""
    log = server.logs / "serve.log"
    process = start([*PRESSWASH, "serve"], server.env, log)
    try:
        wait_for("presswash serve", server.deployment, DEPLOYMENT_READY_SECONDS, process, log)
        yield process
    finally:
        stop(process)


class TestServe:
    """`presswash serve` + `prefect deployment run ... --watch`."""

    def test_a_deployment_run_cleans_the_seeds_like_the_committed_output(self, server, served, tmp_path):
        # src relative: it resolves against the serve process's working directory (ROOT).
        run, run_id = server.run_deployment("src=seeds", f"out={tmp_path / 'clean'}")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Completed" in run.stdout
        assert server.flow_run(run_id)["state"]["type"] == "COMPLETED"
        assert same_files(tmp_path / "clean", COMMITTED_CLEAN) == []

    # One bad value is enough here: every field's message is checked at the
    # flow level (tests/test_flow.py); this checks that it reaches the run's state.
    @pytest.mark.parametrize("param, field", [("batch_size=0", "batch_size")])
    def test_a_bad_parameter_fails_the_run_at_once_naming_the_field(self, server, served, tmp_path, param, field):
        started = time.monotonic()
        params = [f"src={SEEDS}", f"out={tmp_path / 'clean'}", param]
        run, run_id = server.run_deployment(*params)
        assert run.returncode == 1, run.stdout + run.stderr
        state = server.flow_run(run_id)["state"]
        assert state["type"] == "FAILED"
        assert f"{field}:" in state["message"], state["message"]
        assert not (tmp_path / "clean").exists()
        # The run fails in its first line: nothing is decoded or cleaned.
        assert time.monotonic() - started < 30

    def test_a_missing_src_is_refused_before_a_run_is_created(self, server, served, tmp_path):
        run = server.run("deployment", "run", DEPLOYMENT, "--param", f"out={tmp_path / 'clean'}", "--watch")
        assert run.returncode == 1, run.stdout + run.stderr
        assert "'src' is a required property" in " ".join(run.stdout.split())
        assert not UUID_RE.search(run.stdout)


def test_prefect_yaml_deploys_the_same_deployment_to_a_process_worker(server, tmp_path):
    """The work-pool route of the README: work pool, `prefect deploy`, a worker."""
    for args in (["work-pool", "create", "local", "--type", "process"], ["--no-prompt", "deploy", "--all"]):
        done = server.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    assert server.deployment()["work_pool_name"] == "local"
    run, run_id = server.run_deployment("src=seeds", f"out={tmp_path / 'clean'}", watch=False)
    assert run.returncode == 0, run.stdout + run.stderr
    worker = server.run("worker", "start", "--pool", "local", "--run-once", timeout=RUN_SECONDS)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    state = server.flow_run(run_id)["state"]
    assert state["type"] == "COMPLETED", f"{state['message']}\n{worker.stdout[-3000:]}\n{worker.stderr[-3000:]}"
    assert same_files(tmp_path / "clean", COMMITTED_CLEAN) == []


def runs_recorded_on(server) -> list[str]:
    """The `out` parameter of every flow run SERVER has recorded."""
    runs = json.loads(urllib.request.urlopen(
        urllib.request.Request(f"{server.url}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"})
    ).read())
    return [r["parameters"].get("out") for r in runs]


def test_presswash_clean_reuses_the_server_of_prefect_api_url(server, tmp_path):
    """No embedded server when PREFECT_API_URL is set: the run is recorded on that server."""
    started = time.monotonic()
    run = subprocess.run(
        [*PRESSWASH, "clean", "seeds", "--out", tmp_path / "clean"], cwd=ROOT, env=server.env,
        capture_output=True, text=True, timeout=RUN_SECONDS,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert STARTING not in run.stderr and "Starting temporary server" not in run.stderr
    assert same_files(tmp_path / "clean", COMMITTED_CLEAN) == []
    assert str(tmp_path / "clean") in runs_recorded_on(server)
    # About 2 s here against 4-8 s with an embedded server (README, "Start-up cost").
    assert time.monotonic() - started < 30


def test_a_server_named_by_the_active_profile_is_used_too(server, tmp_path):
    # The embedded server is launched before Prefect's settings are read (only
    # the variable is checked then); a profile's PREFECT_API_URL still wins.
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(f'active = "mine"\n\n[profiles.mine]\nPREFECT_API_URL = "{server.url}"\n')
    env = {**server.env, "PREFECT_PROFILES_PATH": str(profiles)}
    del env["PREFECT_API_URL"]
    run = subprocess.run(
        [*PRESSWASH, "clean", "seeds", "--out", tmp_path / "clean"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=RUN_SECONDS,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"using the Prefect server of the active profile, {server.url}" in run.stderr
    assert str(tmp_path / "clean") in runs_recorded_on(server)
