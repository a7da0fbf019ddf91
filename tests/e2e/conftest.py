"""Playwright drives Debian's chromium (/usr/bin/chromium); a browser download is never attempted. Screenshots
(test_pages.shot) go to tests.conftest.SHOTS."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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
