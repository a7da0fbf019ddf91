"""Shared fixtures: a small world of two zones, two enterprises, one user per role, and a book."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from django.utils import timezone

from bondzone.core.actor import Actor, actor_of
from bondzone.core.domain.roles import Role
from bondzone.core.models import Enterprise, Zone
from bondzone.core.services import create_user

# The suite shares its machine (CI runs two databases side by side): how fast examples are drawn says nothing
# about the code, so no property fails on a deadline or a slow draw.
settings.register_profile("bondzone", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bondzone")

PASSWORD = "test-password-123"

# The browser tests' screenshots (tests/e2e/test_pages.shot): test-screenshots/<database vendor>/ at the top of the
# checkout. CI keeps that folder as its artifacts (.ci/run runs SQLite then PostgreSQL, so each run has its own
# folder). Not test-results/: pytest-playwright deletes that folder at the start of every session.
SHOTS = Path(__file__).resolve().parents[1] / "test-screenshots" / connection.vendor


def pytest_sessionstart(session):
    """Empty this run's screenshot folder once: in the process that runs the session, or with pytest-xdist in
    the controller (a worker's session start would delete what another worker has already saved)."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(SHOTS, ignore_errors=True)


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test logins
    # the test client's login() authenticates without a request, which django-axes refuses; the lock-out
    # itself is tested with AXES_ENABLED on (tests/core/test_lockout.py)
    settings.AXES_ENABLED = False


def key() -> str:
    return uuid.uuid4().hex


@dataclass
class World:
    zone_a: Zone
    zone_b: Zone
    ent_a: Enterprise
    ent_b: Enterprise
    users: dict  # name -> User
    book_a: object
    book_b: object

    def actor(self, name: str) -> Actor:
        return actor_of(self.users[name])


def ensure_calendar() -> None:
    """The working-day calendar comes from a data migration; a transactional test's flush empties it, so the
    next such test puts the same seed back (the migration's own function)."""
    from importlib import import_module

    from django.apps import apps

    from bondzone.core.models import CalendarYear

    if not CalendarYear.objects.exists():
        import_module("bondzone.core.migrations.0004_calendar_seed").seed(apps, None)


def ensure_seeds() -> None:
    """Every row a data migration seeds (the calendar, the shipped evaluation framework), put back after a
    transactional test's flush by the migrations' own functions, for a test that needs them all (the demo)."""
    from importlib import import_module

    from django.apps import apps

    ensure_calendar()
    import_module("bondzone.evaluation.migrations.0002_gacc_2020_framework").install(apps, None)
    import_module("bondzone.evaluation.migrations.0004_coverage_and_imputation").shipped_default_does_not_reward_gaps(
        apps, None)


def build_world() -> World:
    from bondzone.supervision import services

    ensure_calendar()
    zone_a = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    zone_b = Zone.objects.create(code="DX", name_zh="大兴综保区", name_en="Daxing", customs_office_code="0120")
    ent_a = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone_a)
    ent_b = Enterprise.objects.create(name="企业乙", credit_code="91110108MA01CUXH29", customs_code="1101960002", zone=zone_b)
    users = {}
    for name, role, ent, zone in [
        ("admin", Role.PLATFORM_ADMIN, None, None),
        ("customs", Role.CUSTOMS, None, None),
        ("customs_a", Role.CUSTOMS, None, zone_a),
        ("zone_a", Role.ZONE_ADMIN, None, zone_a),
        ("tax", Role.TAX, None, None),
        ("market", Role.MARKET, None, None),
        ("commerce", Role.COMMERCE, None, None),
        ("ent_a", Role.ENTERPRISE, ent_a, None),
        ("ent_b", Role.ENTERPRISE, ent_b, None),
    ]:
        users[name] = create_user(username=name, password=PASSWORD, role=role, enterprise=ent, zone=zone)
    customs = actor_of(users["customs"])
    today = timezone.localdate()
    books = []
    for ent, number in ((ent_a, "T0110W000001"), (ent_b, "T0120W000002")):
        book = services.create_book(actor=customs, enterprise_id=ent.pk, number=number, kind="T",
                                    valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400))
        for item_no, unit, legal in ((1, "007", "007"), (2, "035", "035"), (3, "011", "035")):
            services.add_item(actor=customs, book_id=book.pk, data={
                "item_no": item_no, "hs_code": f"847130000{item_no}", "name_zh": f"商品{item_no}",
                "declared_unit": unit, "legal_unit": legal, "unit_price": "10.5",
            })
        books.append(book)
    return World(zone_a, zone_b, ent_a, ent_b, users, books[0], books[1])


@pytest.fixture
def world(db) -> World:
    return build_world()


def post_list(world: World, *, direction: str, lines: list[tuple[int, str]], unit_of=None, status: str = "bonded",
              book=None, when: date | None = None, enterprise_user: str = "ent_a", passed: bool = True):
    """Create, submit and approve a list through the services, and (`passed`) let its goods pass the gate
    so everything is posted; returns the list as it is then."""
    from bondzone.supervision import services

    book = book or world.book_a
    units = unit_of or {1: "007", 2: "035", 3: "011"}
    owner, customs = world.actor(enterprise_user), world.actor("customs")
    # 5034 (一线) carries bonded goods only; domestic goods come and go across the second line (5000)
    data = {"direction": direction, "trade_mode": "5034" if status == "bonded" else "5000",
            "lines": [{"item_no": i, "quantity": q, "unit": units[i], "goods_status": status, "value": "1.00"}
                      for i, q in lines]}
    vlist = services.create_list(actor=owner, book_id=book.pk, data=data, idempotency_key=key())
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = services.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key(), effective_date=when)
    if passed and vlist.posting_state == "reserved":
        services.pass_goods(actor=customs, list_id=vlist.pk, event_id=key(), effective_date=when,
                            idempotency_key=key())
        vlist.refresh_from_db()
    return vlist


@pytest.fixture
def ledger_triggers(transactional_db):
    """On SQLite the append-only triggers would stop the test flush (DELETE FROM): drop them after
    each transactional test and put them back before the next. PostgreSQL flushes by TRUNCATE."""
    from importlib import import_module

    mod = import_module("bondzone.supervision.migrations.0002_entry_append_only")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for sql in mod.statements("sqlite"):
                cur.execute(sql)
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for sql in mod.statements("sqlite", drop=True):
                cur.execute(sql)


def qty(value) -> Decimal:
    return Decimal(str(value))


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
