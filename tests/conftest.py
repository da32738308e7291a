"""Shared fixtures. Prefect settings are fixed here, before Prefect is imported
anywhere, so test runs never touch the user's ~/.prefect or ~/.cache or leak
cached results between sessions (shared/PREFECT.md)."""

import os
import tempfile
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="presswash-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "90"
os.environ.pop("PREFECT_API_URL", None)
# The batch cache too lives in a fresh folder per test session, never in the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="presswash-test-cache-")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI runs the property tests on a fixed seed, so a submission passes or fails
# on its merits; a developer's run explores new examples every time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
COMMITTED_CLEAN = ROOT / "data" / "clean"
CASES = Path(__file__).resolve().parent / "cases"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
