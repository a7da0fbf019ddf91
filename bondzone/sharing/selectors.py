"""Reads of information sharing: the audit trail with its filters and differences, the agencies'
field-limited views, subscriptions and what was delivered to them. Every read starts from a scoped
selector (core.scoping.restrict)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from bondzone.core import selectors as core_selectors
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Forbidden, problem
from bondzone.core.domain.inputs import collect_date
from bondzone.core.models import ROLE_LABELS, AuditEvent, Enterprise
from bondzone.core.scoping import get_scoped, restrict
from bondzone.duties import selectors as duties_selectors
from bondzone.gate import selectors as gate_selectors
from bondzone.supervision import selectors as supervision_selectors

from .domain.diff import Change, diff
from .domain.fields import DATASETS, allowed_fields, audit_keys, datasets_for, only_keys
from .models import Delivery, DeliveryAttempt, DeliveryStatus, ExportRun, ScheduledExport, Subscription
from .rows import row_of

AUDIT_FILTERS = ("user", "role", "date_from", "date_to", "object_type", "object_id", "action", "request_id")


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    role: str = ""
    date_from: date | None = None
    date_to: date | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    request_id: str = ""


def audit_filters(params) -> AuditFilters:
    """The filters from a query string (or dict); a bad date or a reversed range is a field-level 400."""
    problems: list = []
    text = {k: str(params.get(k) or "").strip()[:150] for k in AUDIT_FILTERS}
    d_from = collect_date(text["date_from"], "date_from", problems) if text["date_from"] else None
    d_to = collect_date(text["date_to"], "date_to", problems) if text["date_to"] else None
    if d_from and d_to and d_to < d_from:
        problems.append(problem("date_to", "end_before_start", start=d_from.isoformat(), end=d_to.isoformat()))
    if problems:
        raise DomainError(problems)
    return AuditFilters(**{**text, "date_from": d_from, "date_to": d_to})


def audit_events(actor: Actor, f: AuditFilters) -> QuerySet[AuditEvent]:
    return core_selectors.audit_events(
        actor, action=f.action, object_type=f.object_type, object_id=f.object_id, request_id=f.request_id,
        user=f.user, role=f.role, date_from=f.date_from, date_to=f.date_to)


REGISTRY = Enterprise._meta.label_lower


# The audit trail's objects that are rows of a shared dataset: a role that opens the dataset without all of its
# fields reads, of their before and after, only the keys its view shows (fields.audit_keys: deny by default).
# A role that may not open the dataset reads such events in full only when it reads the objects themselves (the
# permission their scoping rule needs, READS: tax reads account books through supervision,
# docs/authorization.md); a role that may do neither reads that the event happened — action, object,
# enterprise, user, time — and nothing of its before/after (the zone administration: regimes, domestic sales,
# tax bills, with their duty and tax amounts). The objects that are no dataset's rows (READS only: guarantees
# with their amounts, CBEC orders with the consumer's name and identity number, their settlements and
# consolidated lists) follow the second half of the rule: whole to a role that reads them, else only that
# the event happened. An audited object type named in neither map is shown whole: each new one that a role
# may see in its trail without reading the object itself is added here.
AUDITED_DATASETS = {REGISTRY: "enterprises", "supervision.accountbook": "books", "supervision.verificationlist": "lists",
                    "gate.slip": "slips", "duties.regime": "regimes", "duties.domesticsale": "domestic_sales",
                    "duties.taxbill": "tax_bills"}
READS = {REGISTRY: "core.view_enterprise", "supervision.accountbook": "supervision.view_book",
         "supervision.verificationlist": "supervision.view_book", "gate.slip": "gate.view",
         "duties.regime": "duties.view_regimes", "duties.domesticsale": "duties.view_domestic",
         "duties.taxbill": "duties.view_domestic", "duties.guarantee": "duties.view_guarantees",
         "cbec.cbecorder": "cbec.view", "cbec.taxsettlement": "cbec.view", "cbec.consolidatedlist": "cbec.view"}


def visible_keys(actor: Actor) -> dict[str, frozenset[str]]:
    """Per audited object type the reader's role sees only in part, the keys of its events' before/after the
    role may read (an empty set: none); an object type not named is shown whole. The one rule of what a
    reader sees of an event's values: the page, the API and the export all go through `sides`."""
    opens = set(datasets_for(actor.role))
    visible = {}
    for object_type, permission in READS.items():
        dataset = AUDITED_DATASETS.get(object_type)
        if dataset is not None and (dataset in opens or not actor.can(permission)):
            keys = audit_keys(actor.role, dataset)  # () of a dataset it may not open: nothing
        elif dataset is None and not actor.can(permission):
            keys = frozenset()  # no dataset shows any of its fields: that the event happened, nothing more
        else:
            keys = None
        if keys is not None:
            visible[object_type] = keys
    return visible


def sides(event: AuditEvent, visible: dict[str, frozenset[str]] | None = None) -> tuple[dict | None, dict | None]:
    """An event's before and after as the reader may see them (`visible`: visible_keys of the reader)."""
    keys = (visible or {}).get(event.object_type)
    if keys is None:
        return event.before, event.after
    return only_keys(event.before, keys), only_keys(event.after, keys)


def changes(event: AuditEvent, visible: dict[str, frozenset[str]] | None = None) -> list[Change]:
    return diff(*sides(event, visible))


def audit_roles(actor: Actor) -> list[str]:
    """The roles the filter offers (every role: reading which ones occur would scan the whole trail)."""
    return list(ROLE_LABELS)


# ---------------------------------------------------------------- agency views (field-level)

def _source(actor: Actor, dataset: str) -> QuerySet:
    if dataset == "enterprises":
        return core_selectors.enterprises(actor)
    if dataset == "books":
        return supervision_selectors.books(actor).select_related("zone").order_by("number")
    if dataset == "slips":
        return gate_selectors.slips(actor).select_related("zone").order_by("-created_at", "-id")
    if dataset == "regimes":
        return duties_selectors.regimes(actor).select_related("zone").order_by("deadline", "id")
    if dataset == "domestic_entries":
        return supervision_selectors.domestic_entries(actor)
    if dataset == "domestic_sales":
        return duties_selectors.domestic_sales(actor).select_related("zone").order_by("-declared_on", "-id")
    if dataset == "tax_bills":
        return duties_selectors.tax_bills(actor).select_related("zone").order_by("-issued_on", "-id")
    return supervision_selectors.lists(actor).select_related("zone").order_by("-created_at", "-id")


def agency_datasets(actor: Actor) -> list[str]:
    actor.require("sharing.view_agency")
    return datasets_for(actor.role)


def agency_view(actor: Actor, dataset: str, *, object_id=None) -> tuple[tuple[str, ...], QuerySet]:
    """The one place the field policy is applied: the dataset's rows the actor's scope lets it see, and
    the columns its role may see of them. A dataset the role may not open is 403 (it is not a secret
    which datasets exist); a row outside the scope is simply absent."""
    actor.require("sharing.view_agency")
    if dataset not in DATASETS:
        raise DomainError([problem("dataset", "bad_choice", value=dataset, choices=", ".join(DATASETS))])
    fields = allowed_fields(actor.role, dataset)
    if not fields:
        raise Forbidden(problem("dataset", "dataset_not_allowed", dataset=dataset))
    qs = _source(actor, dataset)
    if object_id not in (None, ""):
        qs = qs.filter(pk=object_id) if str(object_id).isdigit() else qs.none()
    return fields, qs


def agency_rows(dataset: str, fields: tuple[str, ...], objects) -> list[dict]:
    """The rows with only the allowed fields (nothing else leaves this function)."""
    out = []
    for obj in objects:
        full = row_of(dataset, obj)
        out.append({f: full[f] for f in fields})
    return out


# ---------------------------------------------------------------- subscriptions and deliveries

def subscriptions(actor: Actor) -> QuerySet[Subscription]:
    actor.require("sharing.subscribe")
    return restrict(Subscription, actor).select_related("zone")


def subscription(actor: Actor, subscription_id) -> Subscription:
    actor.require("sharing.subscribe")
    return get_scoped(Subscription.objects.select_related("zone"), actor, subscription_id)


def notifications(actor: Actor, *, status: str = "", subscription_id=None) -> QuerySet[Delivery]:
    """The events delivered to the actor's agency (in-app list), newest first, with the webhook state."""
    actor.require("sharing.subscribe")
    qs = restrict(Delivery, actor).select_related("event", "subscription", "event__enterprise", "event__zone")
    if status:
        qs = qs.filter(status=status)
    if subscription_id:
        qs = qs.filter(subscription_id=subscription_id)
    return qs


def delivery(actor: Actor, delivery_id) -> Delivery:
    actor.require("sharing.subscribe")
    return get_scoped(Delivery.objects.select_related("event", "subscription"), actor, delivery_id)


def delivery_log(actor: Actor, delivery_id) -> QuerySet[DeliveryAttempt]:
    d = delivery(actor, delivery_id)
    return restrict(DeliveryAttempt, actor).filter(delivery=d)


# ---------------------------------------------------------------- scheduled exports

def scheduled_exports(actor: Actor) -> QuerySet[ScheduledExport]:
    actor.require("sharing.subscribe")
    return restrict(ScheduledExport, actor)


def agency_counts(actor: Actor) -> dict[str, int]:
    """What the reader's agency has in its parts of sharing (the index page): active subscriptions, notifications
    received, webhook deliveries given up, active scheduled exports. Empty for a role that may not subscribe."""
    if not actor.can("sharing.subscribe"):
        return {}
    received = notifications(actor)
    return {"subscriptions": subscriptions(actor).filter(active=True).count(), "notifications": received.count(),
            "failed": received.filter(status=DeliveryStatus.FAILED).count(),
            "exports": scheduled_exports(actor).filter(active=True).count()}


def export_runs(actor: Actor) -> QuerySet[ExportRun]:
    actor.require("sharing.subscribe")
    return restrict(ExportRun, actor).select_related("schedule").defer("content")


def export_run(actor: Actor, run_id) -> ExportRun:
    actor.require("sharing.subscribe")
    return get_scoped(ExportRun.objects.select_related("schedule"), actor, run_id)
