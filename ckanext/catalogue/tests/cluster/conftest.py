"""Fixtures of the cluster stack's tests (``make test-cluster``): they drive
stack/bin/cluster.sh to take a part down and bring it back."""
from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from ckanext.catalogue.tests.helpers import run_stack


def cluster_sh(*args: str) -> str:
    return run_stack("cluster.sh", *args)


def replica_sql(sql: str) -> str:
    """One statement on the replica as PostgreSQL's superuser (pausing replay needs one)."""
    done = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-p", "5433", "-qtAX", "-c", sql],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def replica() -> Callable[..., str]:
    """cluster.sh, with the replica running and replaying again after the test."""
    yield cluster_sh
    cluster_sh("start-replica")
    replica_sql("SELECT pg_wal_replay_resume()")
