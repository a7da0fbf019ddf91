"""The investment guide (投资指南): the zone administration writes draft versions and publishes one; the
public reads the published one (page, API, PDF) in Chinese or English; old versions stay."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent
from bondzone.governance import services as gov
from bondzone.servicedesk import selectors, services
from bondzone.servicedesk.models import GuideVersion, SpaceListing

from ..conftest import PASSWORD

API = "/api/v1/servicedesk"
SPACE = {"building": "A1 保税仓库", "kind": "warehouse", "floor_area_m2": "1200.5", "rent": "1.80", "bonded": True}


def client(user=None):
    c = Client()
    if user:
        assert c.login(username=user, password=PASSWORD)
    return c


def guide_snapshot():
    return (GuideVersion.objects.count(), SpaceListing.objects.count(), AuditEvent.objects.count(),
            list(GuideVersion.objects.order_by("pk").values("status", "version")))


def write(world, user="zone_a", zone="TZ", **data):
    body = {"title": "天竺综保区投资指南", "title_en": "Tianzhu investment guide", "location": "顺义区，首都机场旁",
            "location_en": "Shunyi, beside Capital Airport", "industries": "医药、航材维修", "spaces": [SPACE]}
    body.update(data)
    return services.write_guide(actor=world.actor(user), zone=zone, data=body)


def test_every_edit_is_a_new_draft_and_publishing_supersedes_the_old_version(world):
    v1 = write(world)
    assert (v1.version, v1.status) == (1, "draft")
    with pytest.raises(NotFound):  # nothing public before a version is published
        selectors.published_guide("TZ")
    services.publish_guide(actor=world.actor("zone_a"), version_id=v1.pk)
    # an edit of one section copies the others (and the spaces) from the latest version
    v2 = services.write_guide(actor=world.actor("zone_a"), zone="TZ", data={"industries": "医药、疫苗、文化贸易"})
    assert (v2.version, v2.status, v2.location, v2.industries) == (2, "draft", "顺义区，首都机场旁", "医药、疫苗、文化贸易")
    assert [(s.building, str(s.floor_area_m2), str(s.rent)) for s in v2.spaces.all()] == [("A1 保税仓库", "1200.50", "1.80")]
    assert selectors.published_guide("tz").version == 1  # the draft is not public yet
    services.publish_guide(actor=world.actor("zone_a"), version_id=v2.pk)
    statuses = dict(GuideVersion.objects.values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "published"}
    assert selectors.published_guide("TZ").industries == "医药、疫苗、文化贸易"
    # an old version can be published again (a rollback); the first one is kept unchanged
    services.publish_guide(actor=world.actor("zone_a"), version_id=v1.pk)
    assert dict(GuideVersion.objects.values_list("version", "status")) == {1: "published", 2: "superseded"}
    assert AuditEvent.objects.filter(action="servicedesk.guide.publish").count() == 3


def test_the_zone_administration_writes_only_its_own_zone(world):
    before = guide_snapshot()
    with pytest.raises(Forbidden) as info:
        write(world, zone="DX")
    assert info.value.problems[0].code == "guide_other_zone"
    with pytest.raises(Forbidden):
        write(world, user="commerce")  # commerce reads guides, the zone administration writes them
    assert guide_snapshot() == before
    v = write(world, user="admin", zone="DX")  # the platform admin may write any zone's guide
    with pytest.raises(NotFound):  # and zone A's administration cannot publish zone B's
        services.publish_guide(actor=world.actor("zone_a"), version_id=v.pk)


@pytest.mark.parametrize("data, field", [
    ({"title": ""}, "title"),
    ({"spaces": [{**SPACE, "floor_area_m2": "-5"}]}, "spaces[1].floor_area_m2"),
    ({"spaces": [{**SPACE, "floor_area_m2": "abc"}]}, "spaces[1].floor_area_m2"),
    ({"spaces": [{**SPACE, "rent": "-1"}]}, "spaces[1].rent"),
    ({"spaces": [{**SPACE, "kind": "castle"}]}, "spaces[1].kind"),
    ({"spaces": [{**SPACE, "building": ""}]}, "spaces[1].building"),
    ({"planned_area_km2": "-1"}, "planned_area_km2"),
    ({"policy_task_ids": [999999]}, "policy_task_ids"),
    ({"location": "x" * 5001}, "location"),
])
def test_bad_input_names_the_field_and_writes_nothing(world, data, field):
    before = guide_snapshot()
    r = client("zone_a").post(f"{API}/guides/TZ/versions", {"title": "指南", **data}, content_type="application/json")
    assert r.status_code in (400, 422), r.content
    if r.status_code == 400:
        assert field in {e["field"] for e in r.json()["errors"]}, r.json()
    assert guide_snapshot() == before


def test_the_public_reads_the_published_guide_with_its_published_policies_only(world):
    admin = world.actor("admin")
    public_task = gov.create_task(actor=admin, data={"code": "二(四)1", "title": "多渠道加强招商引资", "published": True})
    internal = gov.create_task(actor=admin, data={"code": "X1", "title": "内部任务", "published": False})
    # the writer links tasks it may see in the ledger: an unpublished task zone A's administration is not
    # assigned is refused, the platform admin may link it
    with pytest.raises(Exception) as info:
        write(world, policy_task_ids=[public_task.pk, internal.pk])
    assert info.value.problems[0].field == "policy_task_ids"
    v = write(world, user="admin", policy_task_ids=[public_task.pk, internal.pk], synthetic=True)
    anonymous = client()
    assert anonymous.get(f"{API}/guides/TZ").status_code == 404
    services.publish_guide(actor=world.actor("zone_a"), version_id=v.pk)
    body = anonymous.get(f"{API}/guides/TZ").json()
    assert (body["version"], body["zone"], body["synthetic"]) == (1, "TZ", True)
    assert [p["code"] for p in body["policies"]] == ["二(四)1"]
    assert body["spaces"][0]["floor_area_m2"] in ("1200.50", 1200.5)
    assert [g["zone"] for g in anonymous.get(f"{API}/guides").json()] == ["TZ"]
    # staff read every version (drafts included); an enterprise and the public do not
    write(world, note="草稿")
    assert client("customs").get(f"{API}/guides/TZ/versions").json()["count"] == 2
    assert client("ent_a").get(f"{API}/guides/TZ/versions").status_code == 403
    assert anonymous.get(f"{API}/guides/TZ/versions").status_code == 401
    # the staff reader sees the internal task too
    assert {p["code"] for p in client("admin").get(f"{API}/guides/TZ").json()["policies"]} == {"二(四)1"}


def test_public_page_in_both_languages_and_the_pdf_say_the_figures_are_synthetic(world):
    v = write(world, synthetic=True)
    services.publish_guide(actor=world.actor("zone_a"), version_id=v.pk)
    c = client()
    zh = c.get("/services/guide/TZ/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "顺义区，首都机场旁" in zh and 'id="synthetic-warning"' in zh and "A1 保税仓库" in zh
    en = c.get("/services/guide/TZ/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shunyi, beside Capital Airport" in en and "Demo data" in en
    listing = c.get("/services/guide/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tianzhu investment guide" in listing
    r = c.get("/services/guide/TZ/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert c.get("/services/guide/DX/").status_code == 404


def test_the_edit_page_writes_a_draft_from_the_form_lines(world):
    c = client("zone_a")
    r = c.post("/services/guide/TZ/edit/", {
        "title": "天竺指南", "location": "顺义", "spaces": "A1 | warehouse | 800 | 1.5 | yes | | 近卡口\nB2 | office | 120 | | no"})
    assert r.status_code == 302
    v = GuideVersion.objects.get()
    assert [(s.building, s.kind, str(s.floor_area_m2), s.rent, s.bonded, s.note) for s in v.spaces.all()] == [
        ("A1", "warehouse", "800.00", pytest.approx(1.5), True, "近卡口"), ("B2", "office", "120.00", None, False, "")]
    before = guide_snapshot()
    c.post("/services/guide/TZ/edit/", {"title": "天竺指南", "spaces": "A1 | warehouse | -3"})
    assert guide_snapshot() == before
    assert c.post(f"/services/guide/versions/{v.pk}/publish/").status_code == 302
    assert GuideVersion.objects.get().status == "published"
    assert client("zone_a").get("/services/guide/TZ/versions/").status_code == 200


# --- an explicit null: refused where the version needs a value, clearing where it may be empty ------------------


@pytest.mark.parametrize("field", ["title", "synthetic", "policy_task_ids", "spaces"])
def test_null_on_a_guide_field_that_needs_a_value_is_refused_on_it_and_nothing_is_written(world, field):
    write(world, synthetic=True)
    before = guide_snapshot()
    r = client("zone_a").post(f"{API}/guides/TZ/versions", {field: None, "location": "changed too"},
                              content_type="application/json")
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, "null_not_allowed")]
    assert guide_snapshot() == before


def test_a_null_title_on_the_first_version_is_named_once(world):
    r = client("zone_a").post(f"{API}/guides/TZ/versions", {"title": None}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("title", "null_not_allowed")]
    assert GuideVersion.objects.count() == 0


def test_null_clears_a_guide_text_and_the_planned_area_and_keeps_the_rest(world):
    write(world, synthetic=True, planned_area_km2="6.6")
    r = client("zone_a").post(f"{API}/guides/TZ/versions", {"title_en": None, "location": None,
                                                          "planned_area_km2": None}, content_type="application/json")
    assert r.status_code == 201, r.content
    v = GuideVersion.objects.get(version=2)
    assert (v.title_en, v.location, v.planned_area_km2) == ("", "", None)
    assert (v.title, v.synthetic, v.industries, v.spaces.count()) == ("天竺综保区投资指南", True, "医药、航材维修", 1)


@pytest.mark.parametrize("name", ["building", "kind", "floor_area_m2", "bonded"])
def test_null_in_a_space_that_needs_a_value_is_refused_on_it(world, name):
    """The API's schema refuses these before the service (422); the service refuses them too, for any caller."""
    before = guide_snapshot()
    with pytest.raises(DomainError) as info:
        write(world, spaces=[{**SPACE, name: None}])
    assert [(p.field, p.code) for p in info.value.problems] == [(f"spaces[1].{name}", "null_not_allowed")]
    assert guide_snapshot() == before
    r = client("zone_a").post(f"{API}/guides/TZ/versions", {"title": "指南", "spaces": [{**SPACE, name: None}]},
                              content_type="application/json")
    assert r.status_code in (400, 422) and guide_snapshot() == before


def test_null_clears_a_spaces_rent_date_and_note(world):
    v = write(world, spaces=[{**SPACE, "rent": None, "available_from": None, "note": None}])
    assert [(s.rent, s.available_from, s.note, s.bonded) for s in v.spaces.all()] == [(None, None, "", True)]


def test_the_edit_page_refuses_an_empty_title_and_writes_nothing(world):
    write(world)
    before = guide_snapshot()
    r = client("zone_a").post("/services/guide/TZ/edit/", {"title": "", "location": "顺义"}, follow=True)
    assert r.status_code == 200 and 'data-field="title"' in r.content.decode()
    assert guide_snapshot() == before
