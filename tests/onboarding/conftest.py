"""Fixtures for the onboarding tests: one throw-away PostgreSQL server per session.

The server is started only when a test asks for it (``pg_cluster``) and stopped at
the end of the session. Without PostgreSQL binaries the tests fail, saying what to
install (``pg_server.INSTALL``); they never skip.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pg_server import Cluster, ServerMissing


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = Cluster()
    except ServerMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
