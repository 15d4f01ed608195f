"""Shared fixtures: every test gets its own data folder; nothing touches the user's real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.store import Store

pytest_plugins = ("tests.postgres.plugin",)  # pg_server, new_pg_database, engine, new_db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point HOME, XDG dirs and ANNOTATOR_DB at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)
    return home


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "test.db") as s:
        yield s


@pytest.fixture
def cli_env(tmp_path):
    """Environment for running the CLI in a subprocess against a temp DB."""
    env = dict(os.environ)
    env["ANNOTATOR_DB"] = str(tmp_path / "cli.db")
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    return env


def pytest_terminal_summary(terminalreporter):
    """One reliability report line for the whole run (trials, faults, inputs, lost)."""
    from tests.reliability.tally import TALLY, report_line

    if TALLY:
        terminalreporter.write_line(report_line())
