"""Source priority per series (issue 15): an official figure (imported statistics, an officer's entry)
outranks one computed from the books, whenever either came in; each value on the zone page shows its
source."""

from __future__ import annotations

from decimal import Decimal as D

from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.evaluation import services
from bondzone.evaluation.domain.series import counting_revision
from bondzone.evaluation.models import NodeScore, SeriesValue, Source

from ..conftest import PASSWORD
from .conftest import YEAR, build_field


def test_an_official_revision_counts_before_a_newer_computed_one():
    assert counting_revision([(1, "imported", 10), (2, "computed", 20)]) == (1, "imported", 10)
    assert counting_revision([(1, "computed", 10), (2, "computed", 20)]) == (2, "computed", 20)
    assert counting_revision([(1, "entered", 10), (2, "imported", 20), (3, "synthetic", 5)]) == (2, "imported", 20)


def test_a_run_uses_the_official_value_and_the_zone_page_names_its_source(world):
    ev = build_field(world)
    commerce = ev.actor("commerce")
    services.record_value(actor=commerce, zone_id=ev.zone_a.pk,
                          data={"series": "revenue", "year": YEAR, "value": "250.5", "unit": "亿元"})
    newest = SeriesValue.objects.filter(zone=ev.zone_a, series="revenue", year=YEAR).order_by("-revision").first()
    SeriesValue.objects.create(zone=ev.zone_a, series="revenue", year=YEAR, value=D("999"), unit="亿元",
                               revision=newest.revision + 1, source=Source.COMPUTED, note="from the books")
    run = services.create_run(actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=0)
    assert ["EV-TZ", "revenue", YEAR, "250.5000", newest.revision, "entered"] in run.inputs["values"]
    assert NodeScore.objects.get(run=run, zone=ev.zone_a, code="S05").value == D("250.5")
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    page = c.get(f"/evaluation/runs/{run.pk}/zones/{ev.zone_a.pk}/").content.decode()
    assert 'data-testid="source">(录入)' in page or 'data-testid="source">(手工录入)' in page


def test_computing_from_the_books_keeps_an_official_figure(world):
    ev = build_field(world)
    commerce = ev.actor("commerce")
    first = services.compute_platform_values(actor=commerce, year=YEAR)
    computed = sorted({(v.zone_id, v.series) for v in first})
    assert computed  # the platform zones have figures from their books
    zone_id, series = computed[0]
    unit = next(v.unit for v in first if (v.zone_id, v.series) == (zone_id, series))
    services.record_value(actor=commerce, zone_id=zone_id, data={"series": series, "year": YEAR, "value": "7",
                                                                  "unit": unit})
    again = services.compute_platform_values(actor=commerce, year=YEAR)
    assert (zone_id, series) not in {(v.zone_id, v.series) for v in again}
    assert len(again) == len(first) - 1
    audit = AuditEvent.objects.filter(action="evaluation.values_computed").order_by("-id").first()
    assert audit.after["official_kept"] == 1
