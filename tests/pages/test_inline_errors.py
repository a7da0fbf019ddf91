"""A refused form comes back with each problem under its own field, the field marked, what was typed kept —
never a list of keys such as `progress:` at the top."""

from __future__ import annotations

import re

from django.utils import timezone

from bondzone.core.web import field_label
from bondzone.governance import services
from bondzone.governance.domain.schedule import period_of
from bondzone.governance.models import ProgressReport

from ..conftest import key
from ..governance.conftest import build_gov
from .test_pages import client_for, text


def form_html(page: str, form_id: str) -> str:
    start = page.index(f'id="{form_id}"')
    return page[start:page.index("</form>", start)]


def test_report_form_errors_sit_under_their_fields_with_the_typed_text(world):
    gov = build_gov(world)
    c = client_for("zone_a")
    r = c.post(f"/governance/tasks/{gov.measure.pk}/report/", {
        "unit_id": gov.zone_unit.pk, "period": "2026-Q9", "progress": "abc", "text": "做了三件事",
        "problems": "", "help_needed": "协调用地", "idempotency_key": key()}, follow=True)
    page = text(r)
    form = form_html(page, "report-form")
    assert re.search(r'id="report-progress"[^>]*value="abc"[^>]*aria-invalid="true"', form)
    assert re.search(r'id="report-period"[^>]*value="2026-Q9"[^>]*aria-invalid="true"', form)
    assert 'data-field="progress"' in form and "不是数字" in form.split('data-field="progress"', 1)[1]
    assert '>做了三件事</textarea>' in form and ">协调用地</textarea>" in form
    assert 'id="report-text"' in form and 'id="report-text" name="text" rows="3" cols="40" required>' in form
    assert "progress:" not in page and "period:" not in page
    assert "未保存：请更正标出的字段。" in page
    assert not ProgressReport.objects.exists()
    again = text(c.get(f"/governance/tasks/{gov.measure.pk}/"))
    assert 'aria-invalid="true"' not in again and "abc" not in again  # shown once


def test_problems_without_a_field_on_the_form_are_named_in_words(world):
    gov = build_gov(world)
    services.update_task(actor=gov.actor("commerce"), task_id=gov.measure.pk, data={"status": "completed"})
    page = text(client_for("zone_a", "en").post(f"/governance/tasks/{gov.measure.pk}/report/", {
        "unit_id": gov.zone_unit.pk, "period": period_of(timezone.localdate(), "quarterly"), "progress": "50",
        "text": "x", "idempotency_key": key()}, follow=True))
    assert "task_id:" not in page and 'class="error"' in page


def test_default_period_is_not_one_already_reported(world):
    gov = build_gov(world)
    current = period_of(timezone.localdate(), "quarterly")
    c = client_for("zone_a")
    form = form_html(text(c.get(f"/governance/tasks/{gov.measure.pk}/")), "report-form")
    assert f'name="period" value="{current}"' in form
    services.submit_report(actor=gov.actor("zone_a"), task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                           period=current, text="done", progress="40", idempotency_key=key())
    form = form_html(text(c.get(f"/governance/tasks/{gov.measure.pk}/")), "report-form")
    assert 'name="period" value=""' in form and f'placeholder="{current}"' in form
    assert f'data-testid="reported-periods">已报告： {current}' in form


def test_field_labels_name_lines_and_hide_unknown_keys():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert field_label("lines[2].quantity") == "第 2 项 数量"
        assert field_label("progress") == "进度"
        assert field_label("no_such_key") == ""
    with translation.override("en"):
        assert field_label("lines[2].quantity") == "item 2 Quantity"


def test_issue_and_sub_task_forms_mark_their_fields(world):
    gov = build_gov(world)
    c = client_for("commerce")
    page = text(c.post("/governance/issues/new/", {"title": "", "description": "用地指标不足"}, follow=True))
    form = form_html(page, "issue-form")
    assert re.search(r'id="issue-title"[^>]*aria-invalid="true"', form) and 'id="issue-title-error"' in form
    assert ">用地指标不足</textarea>" in form
    page = text(c.post(f"/governance/tasks/{gov.measure.pk}/add/", {"title": "新子任务", "weight": "x"}, follow=True))
    form = form_html(page, "child-form")
    assert re.search(r'id="child-weight"[^>]*value="x"[^>]*aria-invalid="true"', form)
    assert 'value="新子任务"' in form
