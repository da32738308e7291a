"""Prefect's embedded server for one `presswash clean` run, started from here.

With no PREFECT_API_URL, Prefect's client starts a temporary server itself
(`prefect.server.api.server.SubprocessASGIServer`). Two costs come with that,
both measured at 40 MB (docs/performance.md):

- the client process imports the whole server package (FastAPI routes, the
  ORM, the database layer) only to launch a subprocess that imports it again:
  about 2 s of CPU;
- the client waits for the server to answer before it does anything else,
  and process-pool or local Dask workers, which get Prefect's settings but
  not the server's address, each start a server of their own (about 5 s of
  CPU each).

`EmbeddedServer` runs uvicorn with the arguments Prefect gives it (the test
suite compares the two), from `python -m flows.server`, which first loads
the app with the garbage collector paused (`main`), and with defaults of its
own for a server that lives for one run (SERVER_DEFAULTS; no heartbeats, in
`serving`). The command line launches it before it loads Prefect, so the
server boots while Prefect and the cleaners load; it then points this
process and every worker it starts at that one server, and stops it when
the run ends.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flows.collector import loading_what_lives

# The environment Prefect 3.8 gives its temporary server: no UI, the
# ephemeral set of services, and the last app this process will build.
SERVER_ENVIRONMENT = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}

# Defaults of ours for that server (a user's own setting wins): no block
# types registered at start. The registration imports every installed Prefect
# collection first (prefect-dask brings in all of Dask's distributed), for
# block types that only the UI lists, and this server has no UI and lives for
# one run: 0.5 s of CPU and of waiting at every start. A server of the user's
# own (`prefect server start`) registers them on the same database as usual.
SERVER_DEFAULTS = {"PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
                   "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false"}

# What `presswash clean` prints when it starts the server (tests look for it).
STARTING = "presswash: starting Prefect's embedded server on "

# uvicorn's exit status when it cannot bind its port (another process took the
# free port between our probe and its bind): try another port.
PORT_TAKEN_STATUS = 3

# How often the health check asks while the server boots (Prefect's own
# interval); booting takes about 3 s, up to 20 s on a fresh PREFECT_HOME.
HEALTH_POLL_SECONDS = 0.1

# How long a stopping server gets to exit before it is killed (Prefect's own).
STOP_GRACE_SECONDS = 5

# How long the logs and events a run leaves queued get to reach the server
# before it stops (Prefect's own test harness waits the same way).
DRAIN_SECONDS = 10


class ServerError(OSError):
    """The embedded server did not come up; the message says what to do."""


def needs_embedded_server(kind: str, dask_address: str | None, api_url: str | None) -> bool:
    """Whether `presswash clean` starts the embedded server itself.

    Not when a server is configured, and not for a Dask cluster at an address
    or Ray: their workers may be on other machines, where this machine's
    127.0.0.1 is not this server, so Prefect's own per-process fallback stays.

    >>> needs_embedded_server("threads", None, None)
    True
    >>> needs_embedded_server("processes", None, "http://127.0.0.1:4200/api")
    False
    >>> needs_embedded_server("dask", "tcp://10.0.0.5:8786", None)
    False
    """
    return not api_url and not dask_address and kind != "ray"


def uvicorn_arguments(port: int) -> list[str]:
    """The arguments Prefect gives uvicorn for its temporary server on PORT.

    >>> uvicorn_arguments(8123)[2:5]
    ['--factory', 'prefect.server.api.server:create_app', '--host']
    """
    prefect_package = Path(importlib.util.find_spec("prefect").origin).parent  # found, not loaded
    return [
        "--app-dir", str(prefect_package.parent), "--factory", "prefect.server.api.server:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
    ]


def server_command(port: int) -> list[str]:
    """The server's command: uvicorn with Prefect's arguments, started by
    `main` below (Prefect runs `python -m uvicorn`).

    >>> server_command(8123)[1:4]
    ['-m', 'flows.server', '--app-dir']
    """
    return [sys.executable, "-m", "flows.server", *uvicorn_arguments(port)]


def main(argv: list[str] | None = None) -> None:
    """The server process: uvicorn with ARGV (default: the command line's),
    Prefect's server app loaded first with the garbage collector paused and
    then frozen (`flows.collector.loading_what_lives`).

    Loading the app is most of the server's boot, which the run waits for:
    with the collector paused it takes 1.6-1.7 s of CPU instead of 2.0-2.2 s,
    and the objects it made are left out of the collections that follow.
    """
    with loading_what_lives():
        import prefect.server.api.server  # noqa: F401  (the module uvicorn's --factory names)
        from uvicorn.main import main as uvicorn
    uvicorn(argv)


def server_environment() -> dict[str, str]:
    """The server's environment: SERVER_DEFAULTS, overridden by this
    process's environment, with SERVER_ENVIRONMENT.

    Prefect's own launcher also passes its process's settings as variables,
    since they may have been changed in-process. `presswash clean` starts
    the server before it loads Prefect (0.7 s sooner), so there are none
    yet: the server reads the same environment and profile as this process.
    """
    return {**SERVER_DEFAULTS, **os.environ, **SERVER_ENVIRONMENT}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedServer:
    """Prefect's temporary server as a subprocess: `start` launches it and
    returns at once; `serving()` waits until it answers and points Prefect
    (this process's settings, and the environment that worker processes
    inherit) at it; `stop` ends it. As a context manager, it starts on entry
    and stops on exit, whatever happens in between."""

    def __init__(self) -> None:
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(server_command(self.port), env=server_environment(),
                                        preexec_fn=_ends_with_parent())
        print(f"{STARTING}{self.api_url}", file=sys.stderr)

    def wait_until_ready(self, timeout: float) -> None:
        """Block until the server answers its health check; relaunch on
        another port if its port was taken; ServerError after TIMEOUT s."""
        import httpx

        deadline = time.monotonic() + timeout
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                status = self.process.poll()
                if status == PORT_TAKEN_STATUS:
                    self.start()
                    continue
                if status is not None:
                    raise ServerError(
                        f"Prefect's embedded server exited with status {status} before it answered (its error is "
                        "above); check PREFECT_HOME, or run on a server of your own: prefect server start, then "
                        "set PREFECT_API_URL"
                    )
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(HEALTH_POLL_SECONDS)
        raise ServerError(
            f"Prefect's embedded server did not answer within {timeout:.0f} s; raise "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run on a server of your own: "
            "prefect server start, then set PREFECT_API_URL"
        )

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Within this block, Prefect in this process and in the processes it
        starts uses this server; yields its API URL.

        Settings are looked up per thread: the block's settings are also made
        the process-wide ones (as Prefect's own test harness does), or a
        thread Prefect starts without them, like the one that forwards the
        events of process-pool workers, would start a server of its own."""
        from prefect.context import _temporary_global_settings_context, get_settings_context
        from prefect.settings import (
            PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_UI_URL, get_current_settings,
            temporary_settings,
        )

        self.wait_until_ready(get_current_settings().server.ephemeral.startup_timeout_seconds)
        previous = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = self.api_url
        try:
            with (
                # No UI URL: this server serves none and ends with the run, so no "View at" link to
                # it. No heartbeats: they tell a lasting server that a run's process is still alive,
                # and this one ends with the process. A run's heartbeat thread sleeps in steps of
                # 1 s, and the run waited for it at its end: 0.5 s on average.
                temporary_settings(updates={
                    PREFECT_API_URL: self.api_url, PREFECT_UI_URL: "", PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
                }),
                _temporary_global_settings_context(get_settings_context()),
            ):
                try:
                    yield self.api_url
                finally:
                    send_pending_logs_and_events()
        finally:
            if previous is None:
                del os.environ["PREFECT_API_URL"]
            else:
                os.environ["PREFECT_API_URL"] = previous

    def stop(self) -> None:
        """Ends the server (SIGTERM, then SIGKILL after STOP_GRACE_SECONDS)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


# prctl(2) option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def _ends_with_parent():
    """What the server process runs before it starts, so that it gets SIGTERM
    when presswash dies, however it dies (on Linux; elsewhere nothing).

    A `presswash clean` killed outright (SIGTERM, SIGKILL) runs no cleanup
    of its own: during a flow run, Prefect turns SIGTERM into a crash of the
    run (whose staging folder is then removed) and sends it again, and the
    process ends. Its server would be left running; Prefect's own temporary
    server was. libc is loaded here, before the fork: the child only calls it.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    return lambda: libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def send_pending_logs_and_events() -> None:
    """Send what Prefect's background workers still hold to the server, as
    Prefect's test harness does before it stops its server. Stopped first,
    the server leaves them retrying against a closed port at exit (a 40 MB
    run took 75 s longer) and the run's history incomplete."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=DRAIN_SECONDS)
    EventsWorker.drain_all(timeout=DRAIN_SECONDS)


if __name__ == "__main__":
    main()
