"""The unit assessment (考核) with the service desk's results (服务成效, 招商成果), frozen versions, idempotent
ledger-office writes and who sees which unit's score."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bondzone.core.domain.errors import Conflict, DomainError, NotFound
from bondzone.core.models import AuditEvent, IdempotencyRecord
from bondzone.governance import exports, scores, services
from bondzone.governance.domain import assessment as rules
from bondzone.governance.models import (
    Acknowledgement, AssessmentFreeze, AssessmentRule, FrozenScore, Notice, Task, Unit,
)
from bondzone.servicedesk.models import Category, Project, ProjectMove, ServiceRequest

from .test_pages import client_for

YEAR = 2025
FIVE = {"timeliness": "20", "quality": "20", "results": "20", "service": "20", "promotion": "20"}


def _at(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(10)))


# ---------------------------------------------------------------- pure rules
def test_service_score_is_the_mean_of_the_rates_it_has():
    assert rules.service_score(None) is None
    assert rules.service_score(rules.ServiceFact()) is None
    assert rules.service_score(rules.ServiceFact(replied=4, replied_on_time=3)) == D("75.00")
    assert rules.service_score(rules.ServiceFact(4, 3, rated=2, satisfied_or_basically=1)) == D("62.50")


def test_promotion_scores_are_shares_of_the_best_unit():
    facts = {1: rules.PromotionFact(3, (("operating", D(600)), ("signed", D(200)))),  # 4 points, 800
             2: rules.PromotionFact(1, (("registered", D(400)),)),  # 2 points, 400
             3: rules.PromotionFact(2, ()),  # promotes, nothing landed in the year
             4: rules.PromotionFact(0, ())}  # promotes nothing
    out = rules.promotion_scores(facts)
    assert out == {1: D("100.00"), 2: D("50.00"), 3: D("0.00"), 4: None}
    assert rules.promotion_scores({3: rules.PromotionFact(2, ())}) == {3: None}  # nobody landed: not scored


@given(st.dictionaries(st.integers(1, 30), st.tuples(
    st.integers(0, 5), st.lists(st.tuples(st.sampled_from(["signed", "registered", "operating"]),
                                          st.integers(0, 10**6)), max_size=4)), max_size=8),
    st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_service_and_promotion_scores_stay_between_0_and_100(promoters, replied, on_time, rated, good):
    facts = {u: rules.PromotionFact(n + len(landed), tuple((st_, D(inv)) for st_, inv in landed))
             for u, (n, landed) in promoters.items()}
    for v in rules.promotion_scores(facts).values():
        assert v is None or D(0) <= v <= D(100)
    fact = rules.ServiceFact(replied, min(on_time, replied), rated, min(good, rated))
    v = rules.service_score(fact)
    assert (v is None) == (replied == 0 and rated == 0) and (v is None or D(0) <= v <= D(100))


def test_five_weights_must_all_be_given_and_sum_to_100():
    assert sum(rules.DEFAULT_WEIGHTS.values()) == 100 and set(scores.ASSUMED_REASONS) == set(rules.COMPONENTS)
    problems = rules.check_weights({"timeliness": D(50), "quality": D(25), "results": D(25)})
    assert {(p.field, p.code) for p in problems} == {("service", "required"), ("promotion", "required")}
    assert rules.check_weights({c: D(20) for c in rules.COMPONENTS}) == []


def test_score_unit_mixes_the_components_it_has():
    facts = rules.UnitFacts(1, [rules.TaskFact(date(2025, 6, 30), True, False, date(2025, 6, 1), D(100))])
    s = rules.score_unit(facts, rules.DEFAULT_WEIGHTS, date(2025, 12, 31),
                         service=rules.ServiceFact(2, 1, 0, 0), promotion=D(40),
                         landed=rules.PromotionFact(1, (("signed", D(5)),)))
    # timeliness 100 (30), results 100 (20), service 50 (15), promotion 40 (15); quality not scored (20)
    assert (s.service, s.promotion, s.quality, s.landed, s.investment) == (D("50.00"), D(40), None, 1, D(5))
    assert s.score == D("79.38")  # (3000 + 2000 + 750 + 600) / 80 = 79.375
    assert s.missing == ["quality"]


# ---------------------------------------------------------------- the service desk's results
def _desk_results(gov, year: int = YEAR):
    """zone_unit led two requests replied in `year` (one in time), rated satisfied and unsatisfied, and promotes
    a project signed then operating in year (500); `other` promotes a project registered in year (1500)."""
    cat = Category.objects.create(code="t-help", name="求助")
    for n, on_time, sat in ((1, True, "satisfied"), (2, False, "unsatisfied")):
        ServiceRequest.objects.create(
            number=f"T{n}", enterprise=gov.world.ent_a, zone=gov.world.zone_a, category=cat, kind="help",
            title="t", description="d", status="closed", lead_unit=gov.zone_unit,
            submitted_at=_at(date(year, 3, 1)), replied_at=_at(date(year, 3, 5)), replied_on_time=on_time,
            feedback_at=_at(date(year, 3, 6)), satisfaction=sat, closed_at=_at(date(year, 3, 6)))
    for name, unit, moves, inv in (("甲", gov.zone_unit, ("signed", "operating"), D(500)),
                                   ("乙", gov.other, ("registered",), D(1500))):
        p = Project.objects.create(name=name, zone=gov.world.zone_a, industry="医药", unit=unit, stage=moves[-1],
                                   planned_investment=inv, stage_changed_at=_at(date(year, 5, 1)))
        for i, stage in enumerate(moves):
            ProjectMove.objects.create(project=p, to_stage=stage, at=_at(date(year, 4 + i, 1)))
    # a project signed the year before counts in that year, not in year
    old = Project.objects.create(name="丙", zone=gov.world.zone_a, industry="物流", unit=gov.other, stage="signed",
                                 planned_investment=D(9000), stage_changed_at=_at(date(year - 1, 5, 1)))
    ProjectMove.objects.create(project=old, to_stage="signed", at=_at(date(year - 1, 5, 1)))


def test_service_and_promotion_results_enter_the_score(gov):
    _desk_results(gov)
    commerce = gov.actor("commerce")
    a = scores.assessment(commerce, YEAR, today=date(YEAR + 1, 1, 10))
    by = {u.pk: s for s, u in a.rows}
    z, o = by[gov.zone_unit.pk], by[gov.other.pk]
    assert (z.replied, z.rated, z.service) == (2, 2, D("50.00"))  # on time 50, satisfied 50
    # points: zone 3 (operating), other 2 (registered); investment 500 vs 1500
    assert (z.landed, z.investment, o.landed, o.investment) == (1, D(500), 1, D(1500))
    assert z.promotion == D("66.67")  # (100 + 33.33…) / 2
    assert o.promotion == D("83.33")  # (66.67 + 100) / 2
    assert o.service is None and "service" in o.missing
    assert a.assumed and set(a.assumed_reasons) == set(rules.COMPONENTS) and "招商成果" in a.assumed_reasons["promotion"]


# ---------------------------------------------------------------- frozen scores
def test_freeze_stores_a_version_shown_thereafter_and_refreezing_needs_a_reason(gov):
    _desk_results(gov)
    commerce = gov.actor("commerce")
    live = scores.assessment(commerce, YEAR)
    with pytest.raises(DomainError):
        services.freeze_assessment(actor=gov.actor("zone_a"), year=YEAR)
    f = services.freeze_assessment(actor=commerce, year=YEAR)
    assert (f.version, f.weights_assumed, f.reason) == (1, True, "")
    assert {s.unit_id: s.score for s in f.scores.all()} == {s.unit_id: s.score for s, _ in live.rows}
    ev = AuditEvent.objects.get(action="assessment.freeze")
    assert ev.after["version"] == 1 and ev.after["scores"][str(gov.zone_unit.pk)] is not None
    # the facts and the weights change: the page and the export still show the frozen figures
    Project.objects.filter(name="乙").update(planned_investment=D(1))
    services.set_assessment_rules(actor=commerce, year=YEAR, weights=FIVE)
    shown = scores.assessment(commerce, YEAR)
    assert shown.frozen == f and shown.weights == rules.DEFAULT_WEIGHTS
    assert {u.pk: s.score for s, u in shown.rows} == {s.unit_id: s.score for s, _ in live.rows}
    preview = scores.assessment(commerce, YEAR, live=True)
    assert preview.frozen is None and preview.weights == {k: D(v) for k, v in FIVE.items()}
    # again without a reason: refused, nothing written
    with pytest.raises(Conflict) as e:
        services.freeze_assessment(actor=commerce, year=YEAR)
    assert e.value.problems[0].code == "assessment_frozen"
    assert AssessmentFreeze.objects.count() == 1 and FrozenScore.objects.count() == len(live.rows)
    f2 = services.freeze_assessment(actor=commerce, year=YEAR, reason="投资额更正")
    assert f2.version == 2 and f2.weights == {k: "20.00" for k in FIVE}  # the rule saved since version 1
    assert scores.assessment(commerce, YEAR).frozen == f2
    assert scores.assessment(commerce, YEAR, version=1).frozen == f
    with pytest.raises(NotFound):
        scores.assessment(commerce, YEAR, version=3)
    rows = exports.export_assessment(commerce, YEAR, fmt="json")
    body = json.loads(rows)
    assert {r["frozen_version"] for r in body["rows"]} == {2}
    assert {r["service"] for r in body["rows"] if r["unit"] == gov.zone_unit.name} == {"50.00"}


def test_freeze_page_button_and_cli(gov):
    _desk_results(gov)
    c = client_for("commerce")
    page = c.get(f"/governance/assessment/?year={YEAR}").content.decode()
    assert 'data-testid="not-frozen"' in page and 'id="freeze-form"' in page
    assert 'data-component="service"' in page and "服务成效" in page and "招商成果" in page
    r = c.post("/governance/assessment/freeze/", {"year": YEAR, "idempotency_key": "k1"}, follow=True)
    page = r.content.decode()
    assert 'data-testid="frozen"' in page and AssessmentFreeze.objects.count() == 1
    c.post("/governance/assessment/freeze/", {"year": YEAR, "idempotency_key": "k1"})  # a double click
    assert AssessmentFreeze.objects.count() == 1
    r = c.post("/governance/assessment/freeze/", {"year": YEAR, "idempotency_key": "k2"}, follow=True)
    assert 'id="freeze-reason-error"' in r.content.decode() and AssessmentFreeze.objects.count() == 1
    en = c.get(f"/governance/assessment/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Version 1, frozen by commerce" in en and "Freeze a new version" in en
    zone = client_for("zone_a").get(f"/governance/assessment/?year={YEAR}").content.decode()
    assert 'data-testid="frozen"' in zone and 'id="freeze-form"' not in zone
    assert client_for("zone_a").post("/governance/assessment/freeze/", {"year": YEAR}).status_code == 403
    out, err = io.StringIO(), io.StringIO()
    call_command("assess_units", "--user", "commerce", "--year", str(YEAR), "--freeze", "--reason", "更正",
                 "--format", "json", stdout=out, stderr=err)
    assert "version 2" in err.getvalue() and json.loads(out.getvalue())["rows"][0]["frozen_version"] == 2
    with pytest.raises(CommandError):
        call_command("assess_units", "--user", "commerce", "--year", str(YEAR), "--freeze")
    with pytest.raises(CommandError):
        call_command("assess_units", "--user", "zone_a", "--year", str(YEAR), "--freeze", "--reason", "x")
    assert AssessmentFreeze.objects.count() == 2


# ---------------------------------------------------------------- who sees scores
def test_each_reader_sees_the_scores_the_rule_allows(gov):
    _desk_results(gov)
    services.freeze_assessment(actor=gov.actor("commerce"), year=YEAR)
    for live in (True, False):
        seen = {name: {u.pk for _, u in scores.assessment(gov.actor(name), YEAR, live=live).rows}
                for name in ("admin", "commerce", "zone_a", "customs", "tax")}
        both = {gov.zone_unit.pk, gov.other.pk}
        assert seen == {"admin": both, "commerce": both, "zone_a": {gov.zone_unit.pk}, "customs": set(), "tax": set()}
    c = client_for("zone_a")
    assert c.get(f"/api/v1/governance/assessment/units/{gov.zone_unit.pk}?year={YEAR}").status_code == 200
    assert c.get(f"/api/v1/governance/assessment/units/{gov.other.pk}?year={YEAR}").status_code == 404
    assert client_for("ent_a").get(f"/api/v1/governance/assessment?year={YEAR}").status_code == 403
    csv = c.get(f"/governance/assessment/export/?year={YEAR}&format=csv").content.decode("utf-8-sig")
    assert gov.zone_unit.name in csv and gov.other.name not in csv
    page = c.get(f"/governance/assessment/?year={YEAR}").content.decode()
    assert 'data-testid="own-units-only"' in page and f'data-unit="{gov.other.pk}"' not in page
    with pytest.raises(NotFound):
        scores.unit_score(gov.actor("tax"), YEAR, gov.zone_unit.pk)


# ---------------------------------------------------------------- Idempotency-Key on the ledger office's writes
def _post(c, method, path, body, key):
    return c.generic(method, path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_ledger_office_writes_replay_a_retry_and_refuse_another_payload(gov):
    c, zone = client_for("commerce"), client_for("zone_a")
    collective = Unit.objects.create(name="各综合保税区管理机构", kind="zone_admin")
    gov.zone_unit.parent = collective
    gov.zone_unit.save()
    Unit.objects.create(name="大兴综保区管委会", kind="zone_admin", parent=collective)
    task = services.create_task(actor=gov.actor("commerce"), data={"title": "集体任务", "code": "三(三)",
                                                                  "lead_unit_id": collective.pk})
    cases = [
        ("POST", f"/api/v1/governance/tasks/{gov.measure.pk}/lead", {"lead_unit_id": gov.customs_unit.pk},
         {"lead_unit_id": gov.other.pk}, c, lambda: AuditEvent.objects.filter(action="task.change_lead").count()),
        ("POST", f"/api/v1/governance/tasks/{task.pk}/expand", {}, None, c,
         lambda: Task.objects.filter(parent=task).count()),
        ("POST", f"/api/v1/governance/tasks/{gov.measure.pk}/sign", {}, {"unit_id": gov.zone_unit.pk}, zone,
         lambda: Acknowledgement.objects.count()),
        ("POST", "/api/v1/governance/notices", {}, None, c, lambda: Notice.objects.count()),
        ("PUT", "/api/v1/governance/assessment/rules", {"year": YEAR, **FIVE},
         {"year": YEAR, **FIVE, "service": "10", "promotion": "30"}, c,
         lambda: AuditEvent.objects.filter(action="assessment.rules").count()),
        ("POST", "/api/v1/governance/assessment/freeze", {"year": YEAR}, {"year": YEAR, "reason": "更正"}, c,
         lambda: AssessmentFreeze.objects.count()),
    ]
    for method, path, body, other_body, client, count in cases:
        key = uuid.uuid4().hex
        first = _post(client, method, path, body, key)
        assert first.status_code in (200, 201), (path, first.content)
        n = count()
        assert n >= 1, path
        again = _post(client, method, path, body, key)
        assert (again.status_code, again.json()) == (first.status_code, first.json()), path
        assert count() == n, path
        if other_body is not None:
            clash = _post(client, method, path, other_body, key)
            assert clash.status_code == 409, (path, clash.content)
            assert "Idempotency-Key" in clash.content.decode() and count() == n, path
    assert IdempotencyRecord.objects.filter(operation__startswith="governance.").count() == len(cases)
    assert AssessmentRule.objects.get(year=YEAR).service == D(20)


def test_a_refused_write_does_not_claim_its_key(gov):
    c = client_for("commerce")
    key = uuid.uuid4().hex
    bad = _post(c, "PUT", "/api/v1/governance/assessment/rules", {"year": YEAR, **FIVE, "service": "30"}, key)
    assert bad.status_code == 400 and not IdempotencyRecord.objects.filter(key=key).exists()
    ok = _post(c, "PUT", "/api/v1/governance/assessment/rules", {"year": YEAR, **FIVE}, key)
    assert ok.status_code == 200
