"""Playwright drives Debian's chromium (/usr/bin/chromium); a browser download is never attempted.

Screenshots (test_pages.shot) go to test-screenshots/<database vendor>/ at the top of the checkout, emptied when
a test session starts: CI keeps that folder as its artifacts (.ci/run runs SQLite then PostgreSQL, so each run
has its own folder). Not test-results/: pytest-playwright deletes that folder at the start of every session."""

import shutil
from pathlib import Path

import pytest
from django.db import connection

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-screenshots" / connection.vendor


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots():
    shutil.rmtree(SHOTS, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def e2e_world(ledger_triggers, live_server):
    from ..conftest import build_world

    return build_world()
