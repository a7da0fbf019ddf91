"""Secure by default: no start on the repository's key with debug off, `check --deploy` clean on the
documented production settings, a Content-Security-Policy with no inline script, no server version."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

from bondzone.core.checks import secret_key_errors

REPO = Path(__file__).resolve().parents[2]


def test_debug_off_without_a_secret_key_is_an_error(settings):
    with override_settings(DEBUG=False, SECRET_KEY=settings.INSECURE_DEV_KEY):
        assert [e.id for e in secret_key_errors()] == ["bondzone.E001"]
    with override_settings(DEBUG=True, SECRET_KEY=settings.INSECURE_DEV_KEY):
        assert secret_key_errors() == []
    with override_settings(DEBUG=False, SECRET_KEY=secrets.token_urlsafe(50)):
        assert secret_key_errors() == []


def _bondzone(args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BONDZONE_", "DJANGO_"))}
    return subprocess.run([sys.executable, "-m", "bondzone.cli", *args], capture_output=True, text=True,
                          env={**base, **env}, cwd=REPO)


def test_commands_refuse_to_run_on_the_repository_key():
    r = _bondzone(["check"], BONDZONE_DEBUG="0")
    assert r.returncode != 0 and "bondzone.E001" in r.stderr


def test_check_deploy_has_no_warning_on_the_documented_production_settings():
    r = _bondzone(["check", "--deploy", "--fail-level", "WARNING"], BONDZONE_DEBUG="0", BONDZONE_HTTPS="1",
                  BONDZONE_SECRET_KEY=secrets.token_urlsafe(50), BONDZONE_ALLOWED_HOSTS="bondzone.example.org")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_pages_and_api_carry_a_csp_without_inline_script_and_no_server_version(client: Client, db):
    for path in ("/login/", "/api/v1/openapi.json", "/governance/public/"):
        r = client.get(path)
        csp = r["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in csp and r["Server"] == "BondZone", path


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in (REPO / "bondzone").glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/json" not in match.group(1):
                offenders.append(f"{template.name}: inline <script>")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
        offenders += [f"{template.name}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert offenders == []
