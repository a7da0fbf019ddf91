"""Permission matrix of the information-sharing pages and API (read by tests/permissions/test_matrix.py).

Fixture objects: delivery A is an event of enterprise A (zone TZ) delivered to a customs subscription of
zone TZ (made by customs_a); delivery B an event of enterprise B delivered to a tax subscription."""

from __future__ import annotations

from ..permissions.matrix import Rule, spec_answer

VISIBLE = {
    ("delivery", "A"): {"admin", "customs", "customs_a"},
    ("delivery", "B"): {"admin", "tax"},
    ("subscription", "A"): {"admin", "customs", "customs_a"},  # the subscriptions those deliveries went to
    ("subscription", "B"): {"admin", "tax"},
}

SPEC: dict[str, tuple] = {
    "sharing:index": ("page", None, None, {200}),  # every role: the parts it may open, or a sentence that none
    "sharing:audit-export": ("page", "sharing.export_audit", None, {200}),
    "sharing:agency-index": ("page", "sharing.view_agency", None, {302}),
    "sharing:agency": ("page", "sharing.view_agency", None, {200}),  # the fixture opens "enterprises"
    "sharing:subscriptions": ("page", "sharing.subscribe", None, {200}),
    "sharing:subscription-create": ("page", "sharing.subscribe", None, {302}),  # empty form: refused, flashed
    "sharing:subscription-action": ("page", None, None, {404}),  # the shared fixture fills action=approve
    "sharing:notifications": ("page", "sharing.subscribe", None, {200}),
    "sharing:delivery": ("page", "sharing.subscribe", "delivery", {200}),
    "sharing:delivery-retry": ("page", "sharing.subscribe", "delivery", {302}),  # not given up: refused, flashed
    "sharing:exports": ("page", "sharing.subscribe", None, {200}),
    "sharing:export-create": ("page", "sharing.subscribe", None, {302}),  # empty form: refused, flashed
    "sharing:export-action": ("page", None, None, {404}),  # action=approve is not one
    "sharing:export-download": ("page", "sharing.subscribe", "delivery", {200}),  # same agencies as the delivery
    "GET /api/v1/audit-events/export": ("api", "sharing.export_audit", None, {200}),
    "GET /api/v1/sharing/agency/{dataset}": ("api", "sharing.view_agency", None, {200}),
    "GET /api/v1/sharing/subscriptions": ("api", "sharing.subscribe", None, {200}),
    "POST /api/v1/sharing/subscriptions": ("api", "sharing.subscribe", None, {400}),
    "GET /api/v1/sharing/notifications": ("api", "sharing.subscribe", None, {200}),
    # the fixture's subscriptions have no webhook: rotating is refused (400), nothing written
    "POST /api/v1/sharing/subscriptions/{subscription_id}/rotate-secret": ("api", "sharing.subscribe", "subscription",
                                                                           {400}),
    "GET /api/v1/sharing/deliveries/{delivery_id}/log": ("api", "sharing.subscribe", "delivery", {200}),
}
POSTS = {"sharing:subscription-create", "sharing:subscription-action", "sharing:delivery-retry",
         "sharing:export-create", "sharing:export-action"}
NO_WRITES = POSTS


def _rule(label: str, spec: tuple) -> Rule:
    kind, action, obj, ok = spec
    method = label.split(" ")[0] if " " in label else ("POST" if label in POSTS else "GET")
    return Rule("public" if kind == "public" else ("object" if obj else "list"), action=action, object=obj,
                ok=frozenset(ok), method=method)


PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("sharing:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("sharing:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    return want if spec is None else spec_answer(spec, username, target, VISIBLE)


def objects(world) -> dict:
    from django.db import transaction

    from bondzone.sharing import services
    from bondzone.sharing.models import Delivery, ExportRun

    customs = services.create_subscription(actor=world.actor("customs_a"), name="matrix customs",
                                           kinds=["enterprise.registered"])
    tax = services.create_subscription(actor=world.actor("tax"), name="matrix tax", kinds=["enterprise.registered"])
    with transaction.atomic():
        a = services.enterprise_registered(world.actor("admin"), world.ent_a)
        b = services.enterprise_registered(world.actor("admin"), world.ent_b)
    services.fan_out()
    # scheduled exports of the same two agencies, each run once
    exports = {t: services.create_export(actor=world.actor(u), name=f"matrix {u}", dataset="enterprises",
                                         format="csv", every="daily") for t, u in (("A", "customs_a"), ("B", "tax"))}
    services.run_due_exports()
    runs = {t: ExportRun.objects.get(schedule=s) for t, s in exports.items()}
    return {t: {"delivery": Delivery.objects.get(event=e, subscription=s), "dataset": "enterprises",
                "subscription": s, "scheduled_export": exports[t], "export_run": runs[t]}
            for t, e, s in (("A", a, customs), ("B", b, tax))}


def snapshot():
    from bondzone.sharing.models import (
        Delivery, DeliveryAttempt, ExportRun, OutboxEvent, ScheduledExport, Subscription,
    )

    return tuple(m.objects.count() for m in (Subscription, OutboxEvent, Delivery, DeliveryAttempt, ScheduledExport,
                                             ExportRun))

# collection -> (fixture object, who sees target A's and B's row): an agency's subscriptions and what was
# delivered to them, row by row per role (customs of all zones see zone TZ's customs subscription too)
_SUBSCRIBERS = {t: VISIBLE[("delivery", t)] for t in "AB"}
COLLECTIONS = {"/api/v1/sharing/subscriptions": ("subscription", _SUBSCRIBERS),
               "/api/v1/sharing/notifications": ("delivery", _SUBSCRIBERS)}
