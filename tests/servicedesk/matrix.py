"""Permission matrix of the service-desk pages, API and Open311 read API (read by
tests/permissions/test_matrix.py).

Fixture objects: target A is a request of enterprise A (zone A) dispatched to a customs unit whose member is
customs_a; target B a request of enterprise B (zone B) dispatched to a tax unit whose member is tax."""

from __future__ import annotations

from ..permissions.matrix import OK_WRITE, Rule, spec_answer, third_enterprise

VISIBLE = {
    ("request", "A"): {"admin", "commerce", "zone_a", "customs_a", "ent_a"},
    ("request", "B"): {"admin", "commerce", "tax", "ent_b"},
    ("category", "A"): {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a", "ent_b"},
}
VISIBLE[("category", "B")] = VISIBLE[("category", "A")]
VISIBLE[("registration", "A")] = VISIBLE[("document", "A")] = {"admin", "zone_a", "market"}
VISIBLE[("registration", "B")] = VISIBLE[("document", "B")] = {"admin", "market"}
# article A is published (every logged-in user reads it), article B a draft (its writers only)
VISIBLE[("article", "A")] = VISIBLE[("category", "A")]
VISIBLE[("article", "B")] = {"admin", "zone_a"}
# investment guide: every version to staff; changed (published) by zone A's administration for zone A and
# by the platform admin. Promotion projects: A is in zone A (TZ), B in zone B (DX); staff without a zone
# read every zone's; zone A's customs and administration only zone A's; commerce and the admin all.
STAFF_USERS = {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce"}
VISIBLE[("guide_version", "A")] = VISIBLE[("guide_version", "B")] = STAFF_USERS
VISIBLE[("guide_change", "A")], VISIBLE[("guide_change", "B")] = {"admin", "zone_a"}, {"admin"}
VISIBLE[("project", "A")] = STAFF_USERS
VISIBLE[("project", "B")] = STAFF_USERS - {"customs_a", "zone_a"}
VISIBLE[("project_change", "A")], VISIBLE[("project_change", "B")] = {"admin", "commerce", "zone_a"}, {"admin", "commerce"}
WRITE = frozenset(OK_WRITE | {403})  # a step the role may attempt can still be refused for this request




# label -> (kind, action, object, ok); kinds: page, api, public. Writes are tried with BODIES that pass
# their schemas, so the answer shows the permission and scope rules.
R = "/api/v1/servicedesk/requests/{request_id}"
SPEC: dict[str, tuple] = {
    "servicedesk:index": ("page", None, None, {200}),
    "servicedesk:create": ("page", "servicedesk.file", None, {200}),
    "servicedesk:request": ("page", None, "request", {200}),
    "servicedesk:action": ("page", None, "request", {404}),  # the shared fixture fills action=approve
    "servicedesk:categories": ("page", None, None, {200}),
    "servicedesk:category-save": ("page", "servicedesk.manage", None, {302}),
    "servicedesk:rates": ("page", "servicedesk.view_rates", None, {200}),
    "servicedesk:register": ("public", None, None, {200}),
    "servicedesk:registrations": ("page", "servicedesk.view_registrations", None, {200}),
    "servicedesk:registration": ("page", None, "registration", {200}),
    "servicedesk:registration-review": ("page-obj-first", "servicedesk.review_registration", "registration", {302}),
    "servicedesk:document": ("page", None, "document", {200}),
    "servicedesk:members": ("page", None, None, {200}),
    "servicedesk:knowledge": ("page", None, None, {200}),
    "servicedesk:article": ("page", None, "article", {200}),
    "servicedesk:article-new": ("page", "servicedesk.write_knowledge", None, {200}),
    "servicedesk:article-edit": ("page", "servicedesk.write_knowledge", "article", {200}),
    "servicedesk:article-publish": ("page", "servicedesk.write_knowledge", "article", {302}),
    "GET /api/v1/servicedesk/knowledge": ("api", None, None, {200}),
    "POST /api/v1/servicedesk/knowledge": ("api", "servicedesk.write_knowledge", None, {201}),
    "GET /api/v1/servicedesk/knowledge/{article_id}": ("api", None, "article", {200}),
    "PATCH /api/v1/servicedesk/knowledge/{article_id}": ("api", "servicedesk.write_knowledge", "article", {200}),
    "GET /api/v1/servicedesk/categories": ("api", None, None, {200}),
    "POST /api/v1/servicedesk/categories": ("api", "servicedesk.manage", None, {201, 400}),  # 400: code taken
    "PATCH /api/v1/servicedesk/categories/{category_id}": ("api", "servicedesk.manage", "category", {200}),
    "GET /api/v1/servicedesk/requests": ("api", None, None, {200}),
    "POST /api/v1/servicedesk/requests": ("api", "servicedesk.file", None, {201, 400}),  # 400: admin has no enterprise
    f"GET {R}": ("api", None, "request", {200}),
    f"GET {R}/events": ("api", None, "request", {200}),
    f"POST {R}/dispatch": ("api", "servicedesk.dispatch", "request", WRITE),
    f"POST {R}/transfer": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/co-units": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/return": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/sign": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/start": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/pause": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/resume": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/notes": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/reply": ("api", "servicedesk.handle", "request", WRITE),
    f"POST {R}/extend": ("api", "servicedesk.dispatch", "request", WRITE),
    f"POST {R}/escalate": ("api", "servicedesk.dispatch", "request", WRITE),
    f"POST {R}/feedback": ("api", "servicedesk.file", "request", WRITE),
    f"POST {R}/callback": ("api", "servicedesk.dispatch", "request", WRITE),
    "GET /api/v1/servicedesk/rates": ("api", "servicedesk.view_rates", None, {200}),
    "POST /api/v1/servicedesk/reminders/run": ("api", "servicedesk.run_reminders", None, {200}),
    f"POST {R}/article": ("api", "servicedesk.handle", "request", WRITE),
    # investment guide: zone A's guide (TZ) for the pages that name a zone; the version is each zone's draft
    "servicedesk:guides": ("public", None, None, {200}),
    "servicedesk:guide": ("public", None, None, {200}),
    "servicedesk:guide-pdf": ("public", None, None, {200}),
    "servicedesk:guide-versions": ("page", "servicedesk.view_guide_drafts", None, {200}),
    "servicedesk:guide-version": ("page", "servicedesk.view_guide_drafts", "guide_version", {200}),
    "servicedesk:guide-edit": ("page", "servicedesk.write_guide", None, {200}),
    "servicedesk:guide-publish": ("page", "servicedesk.write_guide", "guide_change", {302}),
    "GET /api/v1/servicedesk/guides": ("public", None, None, {200}),
    "GET /api/v1/servicedesk/guides/{zone_code}": ("public", None, None, {200}),
    "GET /api/v1/servicedesk/guides/{zone_code}/versions": ("api", "servicedesk.view_guide_drafts", None, {200}),
    "POST /api/v1/servicedesk/guides/{zone_code}/versions": ("api", "servicedesk.write_guide", None, {201}),
    "POST /api/v1/servicedesk/guide-versions/{version_id}/publish": ("api", "servicedesk.write_guide", "guide_change",
                                                                     {200}),
    # promotion: the page forms' bodies are left empty (refused, nothing written); the API's move names a
    # stage that does not exist (400) and the key-list step a project still at lead (409)
    "servicedesk:promotion": ("page", "servicedesk.view_promotion", None, {200}),
    "servicedesk:project-new": ("page", "servicedesk.promote", None, {200}),
    "servicedesk:promotion-events": ("page", "servicedesk.view_promotion", None, {200}),
    "servicedesk:promotion-export": ("page", "servicedesk.view_promotion", None, {200}),
    "servicedesk:project": ("page", "servicedesk.view_promotion", "project", {200}),
    "servicedesk:project-move": ("page-obj-first", "servicedesk.promote", "project", {302}),
    "servicedesk:project-key-list": ("page-obj-first", "servicedesk.key_list", "project", {302}),
    "GET /api/v1/servicedesk/projects": ("api", "servicedesk.view_promotion", None, {200}),
    "POST /api/v1/servicedesk/projects": ("api", "servicedesk.promote", None, {201}),
    "GET /api/v1/servicedesk/projects/{project_id}": ("api", "servicedesk.view_promotion", "project", {200}),
    "PATCH /api/v1/servicedesk/projects/{project_id}": ("api", "servicedesk.promote", "project_change", {200}),
    "GET /api/v1/servicedesk/projects/{project_id}/moves": ("api", "servicedesk.view_promotion", "project", {200}),
    "POST /api/v1/servicedesk/projects/{project_id}/move": ("api", "servicedesk.promote", "project_change", {400}),
    "POST /api/v1/servicedesk/projects/{project_id}/key-list": ("api", "servicedesk.key_list", "project", {409}),
    "GET /api/v1/servicedesk/promotion-events": ("api", "servicedesk.view_promotion", None, {200}),
    "POST /api/v1/servicedesk/promotion-events": ("api", "servicedesk.promote", None, {400}),
    "GET /api/v1/servicedesk/promotion/conversion": ("api", "servicedesk.view_promotion", None, {200}),
    "GET /api/v1/servicedesk/promotion/export": ("api", "servicedesk.view_promotion", None, {200}),
    "GET /api/v1/open311/services.json": ("public", None, None, {200}),
    "GET /api/v1/open311/services/{service_code}.json": ("public", None, None, {200}),
    "GET /api/v1/open311/requests.json": ("api", None, None, {200}),
    "GET /api/v1/open311/requests/{service_request_id}.json": ("api", None, "request", {200}),
}


def _rule(label: str, spec: tuple) -> Rule:
    kind, action, obj, ok = spec
    method = label.split(" ")[0] if " " in label else "GET"
    if label in ("servicedesk:action", "servicedesk:category-save", "servicedesk:registration-review",
                 "servicedesk:article-publish", "servicedesk:guide-publish", "servicedesk:project-move",
                 "servicedesk:project-key-list"):
        method = "POST"
    return Rule("public" if kind == "public" else ("object" if obj else "list"), action=action, object=obj,
                ok=frozenset(ok), method=method, body=label if label in BODIES else None)


BODIES = {
    "POST /api/v1/servicedesk/knowledge": lambda w, o: {"title": "矩阵文章", "body": "正文"},
    "PATCH /api/v1/servicedesk/knowledge/{article_id}": lambda w, o: {"tags": "matrix"},
    "POST /api/v1/servicedesk/categories": lambda w, o: {"code": "matrix-new", "name": "矩阵类别"},
    "PATCH /api/v1/servicedesk/categories/{category_id}": lambda w, o: {"description": "矩阵测试"},
    "POST /api/v1/servicedesk/requests": lambda w, o: {"category_id": o["category"].pk, "title": "t",
                                                       "description": "d"},
    # steps that name a unit keep who sees the request: dispatch and transfer to its own unit (a transfer
    # there is refused as the same unit, after the permission and scope checks), a co-unit nobody is in
    f"POST {R}/dispatch": lambda w, o: {"unit_id": o["own_unit_id"], "note": "矩阵测试"},
    f"POST {R}/transfer": lambda w, o: {"unit_id": o["own_unit_id"], "reason": "矩阵测试"},
    f"POST {R}/co-units": lambda w, o: {"unit_id": o["idle_unit_id"]},
    # a return would take the request from its unit: its reason is left out, so the service refuses it
    f"POST {R}/return": lambda w, o: {"reason": ""},
    **{f"POST {R}/{step}": (lambda w, o: {"reason": "矩阵测试"}) for step in ("pause", "escalate")},
    **{f"POST {R}/{step}": (lambda w, o: {"text": "矩阵测试"}) for step in ("start", "resume", "notes", "reply")},
    f"POST {R}/extend": lambda w, o: {"workdays": "2", "reason": "矩阵测试"},
    f"POST {R}/feedback": lambda w, o: {"satisfaction": "satisfied", "solved": True},
    f"POST {R}/callback": lambda w, o: {"satisfaction": "satisfied"},
    f"POST {R}/article": lambda w, o: {"article_id": o["published_article_id"]},
    "POST /api/v1/servicedesk/guides/{zone_code}/versions": lambda w, o: {"note": "矩阵测试"},
    "POST /api/v1/servicedesk/projects": lambda w, o: {"name": "矩阵项目", "industry": "医药", "zone": "TZ",
                                                      "unit_id": o["idle_unit_id"]},
    "PATCH /api/v1/servicedesk/projects/{project_id}": lambda w, o: {"team": "矩阵测试"},
    "POST /api/v1/servicedesk/projects/{project_id}/move": lambda w, o: {"stage": "matrix"},
    "POST /api/v1/servicedesk/projects/{project_id}/key-list": lambda w, o: {},
    "POST /api/v1/servicedesk/promotion-events": lambda w, o: {"kind": "party", "title": "t", "held_on": "2026-01-01"},
}
NO_WRITES = {"servicedesk:project-move", "servicedesk:project-key-list"}

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {f"/api/v1/servicedesk/{path}": (obj, {t: VISIBLE[(obj, t)] for t in "AB"}) for path, obj in (
    ("requests", "request"), ("knowledge", "article"), ("categories", "category"), ("projects", "project"))}
COLLECTIONS["/api/v1/servicedesk/promotion-events"] = ("promotion_event", {t: VISIBLE[("project", t)] for t in "AB"})
# target C: a request of a second enterprise of zone A, dispatched like A's: zone A's staff see it, enterprise A not
VISIBLE[("request", "C")] = {"admin", "commerce", "zone_a", "customs_a"}
COLLECTIONS["/api/v1/servicedesk/requests"] = ("request", {t: VISIBLE[("request", t)] for t in "ABC"})
# Open311's rows carry the request's number (service_request_id), not its id
COLLECTIONS["/api/v1/open311/requests.json"] = ("service_request_id", {t: VISIBLE[("request", t)] for t in "ABC"})
ROW_KEYS = {"/api/v1/open311/requests.json": lambda row: row["service_request_id"]}
# anyone reads every zone's published guide (never a draft) and the Open311 service list
REFERENCE = {"/api/v1/servicedesk/guides": ("id", True, "published_guide", "version"),
             "/api/v1/open311/services.json": ("service_code", True, "service_code", None)}

PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("servicedesk:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("servicedesk:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    return want if spec is None else spec_answer(spec, username, target, VISIBLE)


CODES = {"A": "91110105MA00BAJ37B", "B": "91110113MA01ABCD1M"}


def objects(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bondzone.core.actor import ANONYMOUS
    from bondzone.governance import services as gov
    from bondzone.servicedesk import services

    from .conftest import cover_next_year

    cover_next_year()
    admin = world.actor("admin")
    customs_unit = gov.create_unit(actor=admin, name="matrix customs unit", kind="customs")
    tax_unit = gov.create_unit(actor=admin, name="matrix tax unit", kind="tax")
    idle_unit = gov.create_unit(actor=admin, name="matrix unit without members", kind="other")
    gov.add_member(actor=admin, unit_id=customs_unit.pk, user_id=world.users["customs_a"].pk)
    gov.add_member(actor=admin, unit_id=tax_unit.pk, user_id=world.users["tax"].pk)
    out = {}
    for target, user, unit in (("A", "ent_a", customs_unit), ("B", "ent_b", tax_unit)):
        category = services.create_category(actor=admin, data={"code": f"matrix-{target}", "name": target,
                                                               "default_unit_id": unit.pk})
        req = services.file_request(actor=world.actor(user), data={"category_id": category.pk, "title": "t",
                                                                   "description": "d"})
        zone = world.zone_a if target == "A" else world.zone_b
        reg = services.register(actor=ANONYMOUS, data={
            "name": f"申请{target}", "credit_code": CODES[target], "customs_code": f"11059601{target}0",
            "zone_id": str(zone.pk), "contact_name": "c", "contact_phone": "1", "username": f"applicant_{target}",
            "password": "a-long-passw0rd"}, files=[SimpleUploadedFile(f"{target}.pdf", b"%PDF")])
        article = services.create_article(actor=admin, data={"title": f"文章{target}", "body": "b",
                                                             "published": target == "A"})
        # each zone's guide: version 1 published, version 2 a draft; a promotion project in each zone
        zone_code = "TZ" if target == "A" else "DX"
        published = services.write_guide(actor=admin, zone=zone_code, data={"title": f"指南{target}"})
        services.publish_guide(actor=admin, version_id=published.pk)
        draft = services.write_guide(actor=admin, zone=zone_code, data={"industries": "医药"})
        project = services.create_project(actor=admin, data={"name": f"项目{target}", "industry": "医药",
                                                             "zone": zone_code, "unit_id": idle_unit.pk})
        promotion_event = services.record_event(actor=admin, data={
            "kind": "visit", "title": f"走访{target}", "held_on": "2026-01-05", "zone": zone_code,
            "unit_id": idle_unit.pk, "project_ids": [project.pk]})
        out[target] = {"zone_code": zone_code, "version": draft, "published_guide": published, "project": project,
                       "promotion_event": promotion_event,
                       "request": req, "category": category, "service_code": category.code, "article": article,
                       "service_request_id": req.number, "registration": reg, "document": reg.documents.get(),
                       "own_unit_id": unit.pk, "idle_unit_id": idle_unit.pk}
    for target in "AB":
        out[target]["published_article_id"] = out["A"]["article"].pk
    ent_c = third_enterprise(world)
    other = services.file_request(actor=world.actor("ent_c"), data={
        "category_id": out["A"]["category"].pk, "title": "t", "description": "d"})
    out["C"] = {"request": other, "service_request_id": other.number}
    # a member of each enterprise, added by the platform administrator
    for target, ent in (("A", world.ent_a), ("B", world.ent_b), ("C", ent_c)):
        out[target]["member"] = services.add_member(actor=admin, username=f"member_{target.lower()}",
                                                    password="a-long-passw0rd", roles=["declarant"],
                                                    enterprise_id=ent.pk)
    return out


def snapshot():
    from bondzone.servicedesk.models import (
        Article, Category, GuideVersion, Project, ProjectMove, PromotionEvent, RequestEvent, ServiceRequest,
    )

    return (Category.objects.count(), ServiceRequest.objects.count(), RequestEvent.objects.count(),
            Article.objects.count(), GuideVersion.objects.count(), Project.objects.count(),
            ProjectMove.objects.count(), PromotionEvent.objects.count(),
            list(Project.objects.order_by("pk").values_list("stage", "key_list_id")))
