"""Investment promotion (招商引资): the pipeline rules, projects moving through it under the permission and
scope rules, conversion per unit and stage, the key-project list through governance, events, CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bondzone.core.domain.errors import Conflict, DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent
from bondzone.governance import selectors as gov_selectors
from bondzone.governance import services as gov
from bondzone.servicedesk import selectors, services
from bondzone.servicedesk.domain import promotion as rules
from bondzone.servicedesk.models import Project, ProjectMove, PromotionEvent

from ..conftest import PASSWORD

API = "/api/v1/servicedesk"


def client(user):
    c = Client()
    assert c.login(username=user, password=PASSWORD)
    return c


def snap():
    return (Project.objects.count(), ProjectMove.objects.count(), PromotionEvent.objects.count(),
            AuditEvent.objects.count(), list(Project.objects.order_by("pk").values("stage", "reached", "key_list_id")))


@pytest.fixture
def units(world):
    admin = world.actor("admin")
    zone_unit = gov.create_unit(actor=admin, name="天竺综保区管委会", kind="zone_admin")
    commerce_unit = gov.create_unit(actor=admin, name="市商务局", kind="city")
    gov.add_member(actor=admin, unit_id=zone_unit.pk, user_id=world.users["zone_a"].pk)
    gov.add_member(actor=admin, unit_id=commerce_unit.pk, user_id=world.users["commerce"].pk)
    return {"zone": zone_unit, "commerce": commerce_unit}


def new(world, units, user="zone_a", zone="TZ", unit="zone", **data):
    body = {"name": "疫苗分拨中心", "industry": "医药", "planned_investment": "52000.50", "zone": zone,
            "unit_id": units[unit].pk, "team": "招商一组"}
    body.update(data)
    return services.create_project(actor=world.actor(user), data=body)


# ---------------------------------------------------------------- rules
def test_moves_go_forward_or_drop_and_a_dropped_project_resumes_where_it_was():
    assert rules.can_move("lead", "contacted") and rules.can_move("lead", "signed")
    assert not rules.can_move("signed", "negotiating") and not rules.can_move("lead", "lead")
    assert rules.can_move("negotiating", "dropped") and not rules.can_move("operating", "dropped")
    assert not rules.can_move("lead", "nonsense")
    reached = rules.RANK["negotiating"]
    assert rules.can_move("dropped", "negotiating", reached) and not rules.can_move("dropped", "lead", reached)
    assert rules.reached_after(reached, "dropped") == reached


def test_conversion_counts_projects_at_a_stage_or_beyond():
    # 4 stayed leads, 3 reached contacted at most, 2 negotiating, 1 signed
    rows = rules.conversion({0: 4, 1: 3, 2: 2, 3: 1})
    assert [r["reached"] for r in rows] == [10, 6, 3, 1, 0, 0]
    assert [r["to_next"] for r in rows] == [Decimal("60.0"), Decimal("50.0"), Decimal("33.3"), Decimal("0.0"),
                                            None, None]


@given(st.dictionaries(st.integers(0, len(rules.PIPELINE) - 1), st.integers(0, 50)))
def test_conversion_never_grows_along_the_pipeline_and_rates_stay_within_0_and_100(counts):
    rows = rules.conversion(counts)
    reached = [r["reached"] for r in rows]
    assert reached == sorted(reached, reverse=True) and reached[0] == sum(counts.values())
    assert all(r["to_next"] is None or Decimal(0) <= r["to_next"] <= Decimal(100) for r in rows)


# ---------------------------------------------------------------- services
def test_a_project_moves_through_the_pipeline_with_its_history(world, units):
    p = new(world, units)
    assert (p.stage, p.reached, p.planned_investment) == ("lead", 0, Decimal("52000.50"))
    za = world.actor("zone_a")
    services.move_project(actor=za, project_id=p.pk, stage="negotiating", note="第二次洽谈")
    before = snap()
    with pytest.raises(Conflict):
        services.move_project(actor=za, project_id=p.pk, stage="contacted")
    with pytest.raises(DomainError) as info:  # dropping needs a reason
        services.move_project(actor=za, project_id=p.pk, stage="dropped")
    assert info.value.problems[0].field == "note"
    assert snap() == before
    services.move_project(actor=za, project_id=p.pk, stage="dropped", note="投资方暂缓")
    p = services.move_project(actor=za, project_id=p.pk, stage="signed", note="恢复并签约")
    assert (p.stage, p.reached) == ("signed", rules.RANK["signed"])
    assert [(m.from_stage, m.to_stage) for m in selectors.project_moves(za, p.pk)] == [
        ("", "lead"), ("lead", "negotiating"), ("negotiating", "dropped"), ("dropped", "signed")]
    assert AuditEvent.objects.filter(action="servicedesk.project.move").count() == 3


def test_who_writes_and_who_reads(world, units):
    a = new(world, units)
    b = new(world, units, user="commerce", zone="DX", unit="commerce", name="跨境电商药品进口")
    before = snap()
    with pytest.raises(Forbidden):  # the zone administration promotes for its own zone only
        new(world, units, zone="DX")
    with pytest.raises(NotFound):
        services.move_project(actor=world.actor("zone_a"), project_id=b.pk, stage="contacted")
    for user in ("customs", "tax", "market", "ent_a"):
        with pytest.raises(Forbidden):
            services.move_project(actor=world.actor(user), project_id=a.pk, stage="contacted")
    assert snap() == before
    seen = {u: set(selectors.projects(world.actor(u)).values_list("pk", flat=True))
            for u in ("commerce", "zone_a", "customs", "customs_a", "tax")}
    assert seen == {"commerce": {a.pk, b.pk}, "zone_a": {a.pk}, "customs": {a.pk, b.pk}, "customs_a": {a.pk},
                    "tax": {a.pk, b.pk}}
    assert client("ent_a").get(f"{API}/projects").status_code == 403
    assert client("zone_a").get(f"{API}/projects/{b.pk}").status_code == 404


def test_conversion_per_unit(world, units):
    za, co = world.actor("zone_a"), world.actor("commerce")
    for stage in ("lead", "contacted", "signed", "operating"):
        p = new(world, units, name=f"项目{stage}")
        if stage != "lead":
            services.move_project(actor=za, project_id=p.pk, stage=stage)
    p = new(world, units, user="commerce", unit="commerce", zone="DX")
    services.move_project(actor=co, project_id=p.pk, stage="negotiating")
    rows = {r["unit"]: r["stages"] for r in selectors.conversion(co)}
    assert [s["reached"] for s in rows["天竺综保区管委会"]] == [4, 3, 2, 2, 1, 1]
    assert rows["天竺综保区管委会"][0]["to_next"] == Decimal("75.0")
    assert [s["reached"] for s in rows["市商务局"]] == [1, 1, 1, 0, 0, 0]
    assert [s["reached"] for s in rows[None]] == [5, 4, 3, 2, 1, 1]
    # the zone administration's chart counts its zone's projects only
    assert [r["unit"] for r in selectors.conversion(za)] == [None, "天竺综保区管委会"]
    api = client("commerce").get(f"{API}/promotion/conversion").json()
    assert api[0]["unit"] is None and api[0]["stages"][0] == {"stage": "lead", "reached": 5, "to_next": "80.0"}
    page = client("commerce").get("/services/promotion/").content.decode()
    assert 'id="chart-conversion"' in page and 'id="conversion-data"' in page and "<script>" not in page


def test_a_signed_project_goes_on_the_key_project_list_once(world, units):
    p = new(world, units)
    co = world.actor("commerce")
    before = snap()
    with pytest.raises(Conflict) as info:
        services.put_on_key_list(actor=co, project_id=p.pk)
    assert info.value.problems[0].code == "project_not_signed"
    services.move_project(actor=co, project_id=p.pk, stage="signed")
    with pytest.raises(Forbidden):  # governance keeps the list: commerce and the platform admin
        services.put_on_key_list(actor=world.actor("zone_a"), project_id=p.pk)
    year = timezone.localdate().year
    p = services.put_on_key_list(actor=co, project_id=p.pk)
    assert p.key_list_year == year
    items = list(gov_selectors.list_items(co, p.key_list_id))
    assert [(i.name, i.investment, i.lead_unit_id, i.zone.code) for i in items] == [
        ("疫苗分拨中心", Decimal("52000.50"), units["zone"].pk, "TZ")]
    assert items[0].task is not None  # tracked in the policy ledger
    with pytest.raises(Conflict):
        services.put_on_key_list(actor=co, project_id=p.pk)
    # a second project revises the year's list into a new version that keeps the first item
    q = new(world, units, name="航材维修基地")
    services.move_project(actor=co, project_id=q.pk, stage="registered")
    q = services.put_on_key_list(actor=co, project_id=q.pk)
    assert q.key_list_id != p.key_list_id
    assert {i.name for i in gov_selectors.list_items(co, q.key_list_id)} == {"疫苗分拨中心", "航材维修基地"}
    assert before[0] == 1


def test_api_writes_and_bad_input(world, units):
    c = client("zone_a")
    before = snap()
    for body, field in (({"name": "", "industry": "医药", "unit_id": units["zone"].pk}, "name"),
                        ({"name": "x", "industry": "医药", "unit_id": units["zone"].pk, "planned_investment": "-1"},
                         "planned_investment"),
                        ({"name": "x", "industry": "医药", "unit_id": 999999}, "unit_id"),
                        ({"name": "x", "industry": "医药", "unit_id": units["zone"].pk, "zone": "NOPE"}, "zone"),
                        ({"name": "x", "industry": "医药", "unit_id": units["zone"].pk, "planned_investment": "1e30"},
                         "planned_investment")):
        r = c.post(f"{API}/projects", body, content_type="application/json")
        assert r.status_code == 400, (body, r.content)
        assert field in {e["field"] for e in r.json()["errors"]}
    assert snap() == before
    r = c.post(f"{API}/projects", {"name": "冷链分拨", "industry": "冷链", "unit_id": units["zone"].pk,
                                   "planned_investment": "4000"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["zone"] == "TZ" and r.json()["planned_investment"] == "4000.00"
    pid = r.json()["id"]
    assert c.post(f"{API}/projects/{pid}/move", {"stage": "bogus"}, content_type="application/json").status_code == 400
    r = c.post(f"{API}/projects/{pid}/move", {"stage": "contacted"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["stage"] == "contacted"
    assert c.post(f"{API}/projects/{pid}/move", {"stage": "lead"}, content_type="application/json").status_code == 409
    r = c.post(f"{API}/promotion-events", {"kind": "invitation", "title": "生物医药专题邀约", "held_on": "2026-01-10",
                                           "unit_id": units["zone"].pk, "project_ids": [pid]},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["project_ids"] == [pid] and r.json()["zone"] == "TZ"
    before = snap()
    r = c.post(f"{API}/promotion-events", {"kind": "party", "title": "", "held_on": "later", "unit_id": units["zone"].pk},
               content_type="application/json")
    assert r.status_code == 400 and {"kind", "title", "held_on"} <= {e["field"] for e in r.json()["errors"]}
    assert snap() == before
    assert [m["to_stage"] for m in c.get(f"{API}/projects/{pid}/moves").json()] == ["lead", "contacted"]


def test_cli_lists_and_moves(world, units, capsys):
    p = new(world, units)
    call_command("promotion", "--user", "zone_a", "move", str(p.pk), "contacted", "--note", "电话联系")
    call_command("promotion", "--user", "zone_a", "list", "--stage", "contacted")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [(r["id"], r["stage"], r["planned_investment"]) for r in out] == [(p.pk, "contacted", "52000.50")]
    before = snap()
    with pytest.raises(CommandError, match="联系|contacted|“"):
        call_command("promotion", "--user", "zone_a", "move", str(p.pk), "lead")
    with pytest.raises(CommandError):
        call_command("promotion", "--user", "tax", "move", str(p.pk), "signed")
    with pytest.raises(CommandError):
        call_command("promotion", "--user", "commerce", "key-list", str(p.pk))
    assert snap() == before


def test_pages_open_and_move_a_project(world, units):
    p = new(world, units)
    c = client("zone_a")
    assert c.get("/services/promotion/").status_code == 200
    assert c.get(f"/services/promotion/{p.pk}/").status_code == 200
    assert c.post(f"/services/promotion/{p.pk}/move/", {"stage": "negotiating"}).status_code == 302
    assert Project.objects.get().stage == "negotiating"
    assert c.get("/services/promotion/events/").status_code == 200
    assert client("ent_a").get("/services/promotion/").status_code == 403
    r = c.post("/services/promotion/new/", {"name": "新项目", "industry": "医药", "zone": "TZ",
                                            "unit_id": units["zone"].pk, "planned_investment": "12"})
    assert r.status_code == 302 and Project.objects.count() == 2


def test_zone_staff_count_each_project_once_however_many_members_its_unit_has(world, units):
    admin = world.actor("admin")
    for user in ("customs_a", "tax", "market"):  # customs_a also reads through membership of the unit
        gov.add_member(actor=admin, unit_id=units["zone"].pk, user_id=world.users[user].pk)
    p = new(world, units)
    services.move_project(actor=world.actor("zone_a"), project_id=p.pk, stage="signed")
    new(world, units, user="commerce", zone="DX", unit="commerce", name="乙区项目")
    reader = world.actor("customs_a")
    assert list(selectors.projects(reader).values_list("pk", flat=True)) == [p.pk]
    assert selectors.stage_counts(reader)["signed"] == 1
    assert [s["reached"] for s in selectors.conversion(reader)[0]["stages"]] == [1, 1, 1, 1, 0, 0]


def test_the_zone_administration_cannot_move_a_project_to_another_zone(world, units):
    p = new(world, units)
    before = snap()
    with pytest.raises(Forbidden):
        services.update_project(actor=world.actor("zone_a"), project_id=p.pk, data={"zone": "DX"})
    assert snap() == before
    r = client("zone_a").patch(f"{API}/projects/{p.pk}", {"planned_investment": "60000", "team": "二组"},
                               content_type="application/json")
    assert r.status_code == 200 and (r.json()["planned_investment"], r.json()["team"]) == ("60000.00", "二组")
    assert AuditEvent.objects.filter(action="servicedesk.project.update").count() == 1


def test_a_retried_create_with_the_same_key_writes_once(world, units):
    c = client("zone_a")
    body = {"name": "冷链分拨", "industry": "冷链", "unit_id": units["zone"].pk, "planned_investment": "4000"}
    first = c.post(f"{API}/projects", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = c.post(f"{API}/projects", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Project.objects.count() == 1 and ProjectMove.objects.count() == 1
    other = c.post(f"{API}/projects", {**body, "planned_investment": "5000"}, content_type="application/json",
                   HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and Project.objects.count() == 1
    event = {"kind": "visit", "title": "走访", "held_on": "2026-01-05", "unit_id": units["zone"].pk}
    for _ in range(2):
        assert c.post(f"{API}/promotion-events", event, content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="e-1").status_code == 201
    assert PromotionEvent.objects.count() == 1


# ---------------------------------------------------------------- export (core.tabular)
def test_pipeline_export_in_three_formats_with_notes_for_synthetic_projects(world, units, tmp_path):
    import io

    import openpyxl

    real = new(world, units)
    demo = new(world, units, name="演示项目", synthetic=True)
    services.move_project(actor=world.actor("zone_a"), project_id=real.pk, stage="signed")
    c = client("zone_a")
    c.cookies["django_language"] = "zh-hans"
    csv_text = c.get("/services/promotion/export/?format=csv").content.decode("utf-8-sig")
    notes = [ln for ln in csv_text.splitlines() if ln.startswith("#") and "合成数据" in ln]
    assert len(notes) == 1 and f"演示项目 (id {demo.pk})" in notes[0]  # the synthetic project is named in a note
    assert f"(id {real.pk})" not in notes[0]
    header = next(ln for ln in csv_text.splitlines() if not ln.startswith("#"))
    assert "阶段 (stage_name)" in header and "计划投资（万元） (planned_investment)" in header
    data = json.loads(c.get(f"{API}/promotion/export?format=json").content)
    assert data["synthetic"] is True and data["notes"][0]["codes"] == [str(demo.pk)]
    rows = {r["id"]: r for r in data["rows"]}
    assert rows[real.pk]["stage"] == "signed" and rows[real.pk]["planned_investment"] == "52000.50"
    total = data["conversion"][0]
    assert (total["lead"], total["signed"], total["registered"]) == (2, 1, 0)
    book = openpyxl.load_workbook(io.BytesIO(c.get("/services/promotion/export/?format=xlsx&stage=signed").content))
    assert len(book.sheetnames) == 3  # data, notes, conversion
    sheet = book.worksheets[0]
    assert sheet.max_row == 2 and sheet.cell(2, 1).value in (real.pk, str(real.pk))  # only the signed project
    en = client("zone_a")
    en.cookies["django_language"] = "en"
    assert "Stage (stage_name)" in en.get("/services/promotion/export/?format=csv",
                                          HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    # bad input: a clear 400, the enterprise may not export (403), the CLI refuses with a sentence
    assert c.get(f"{API}/promotion/export?format=pdf").status_code == 400
    assert c.get("/services/promotion/export/?format=pdf").status_code == 400
    assert c.get(f"{API}/promotion/export?format=csv&stage=won").status_code == 400
    assert client("ent_a").get(f"{API}/promotion/export?format=csv").status_code == 403
    out = tmp_path / "pipeline.xlsx"
    call_command("promotion", "--user", "commerce", "export", "--format", "xlsx", "--output", str(out))
    assert openpyxl.load_workbook(out).worksheets[0].max_row == 3
    with pytest.raises(CommandError):
        call_command("promotion", "--user", "commerce", "export", "--format", "xlsx")
    with pytest.raises(CommandError):
        call_command("promotion", "--user", "commerce", "export", "--format", "doc")
    # an --output the CLI cannot write (a missing folder): a sentence, not a FileNotFoundError traceback
    with pytest.raises(CommandError, match="无法使用 .*missing"):  # in the CLI's language (zh-hans)
        call_command("promotion", "--user", "commerce", "export", "--format", "csv",
                     "--output", str(tmp_path / "missing" / "pipeline.csv"))
    page = c.get("/services/promotion/").content.decode()
    assert 'data-testid="export-xlsx"' in page
