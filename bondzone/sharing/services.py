"""Writes of information sharing: events into the outbox (inside the caller's transaction), agencies'
subscriptions, and the webhook deliveries with their log. Other apps reach sharing only through here."""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from bondzone.core import audit
from bondzone.core.actor import SYSTEM, Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import as_id, collect_date
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped

from . import transport
from .domain import events, schedule, webhooks
from .domain.fields import allowed_fields, datasets_for, project
from .models import (
    Delivery, DeliveryAttempt, DeliveryStatus, ExportRun, OutboxEvent, ScheduledExport, Subscription,
)
from .rows import row_of

LEASE = timedelta(minutes=2)  # a claimed delivery is left alone this long by other runners


# ---------------------------------------------------------------- events (the transactional outbox)

def record_event(actor: Actor, kind: str, obj: Any = None, *, dataset: str = "", data: dict | None = None,
                 zone_id: int | None = None, enterprise_id: int | None = None) -> OutboxEvent:
    """Write one event to the outbox: one INSERT, inside the transaction of the change it reports, so the
    event exists if and only if the change committed. Its payload is the dataset's row with related records
    by id (no extra query). After the commit a task (eager without a broker) fans it out to the matching
    subscriptions and sends the webhooks; `bondzone deliver-events` does the same for anything left."""
    if kind not in events.KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it reports")
    payload = row_of(dataset, obj, ids=True) if dataset and obj is not None else {}
    payload.update(data or {})
    if obj is not None:
        zone_id = zone_id or getattr(obj, "zone_id", None)
        enterprise_id = enterprise_id or getattr(obj, "enterprise_id", None)
    event = OutboxEvent.objects.create(
        kind=kind, at=timezone.now(), zone_id=zone_id, enterprise_id=enterprise_id,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
        dataset=dataset, data=payload, actor_name=actor.username)
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def fan_out(*, now=None, event_id: int | None = None, limit: int = 1000) -> int:
    """Make the deliveries of events not yet fanned out: one per matching active subscription (its kinds,
    its zone, and only kinds its agency may receive). In-app deliveries are delivered at once; webhook
    ones wait for `deliver_due`. Each event is claimed with a conditional UPDATE (done once).

    An event no subscription wants is left as it is by the task that follows its commit (no second write
    transaction on the path of the change it reports); the periodic sweep marks those in one UPDATE."""
    now = now or timezone.now()
    qs = OutboxEvent.objects.filter(fanned_out_at__isnull=True)
    if event_id is not None:
        qs = qs.filter(pk=event_id)
    subs = list(Subscription.objects.filter(active=True))
    n = 0
    unwanted = []
    for event in qs.order_by("at", "pk")[:limit]:
        wanted = [sub for sub in subs if _wants(sub, event)]
        if not wanted:
            unwanted.append(event.pk)
            continue
        with transaction.atomic(durable=True):
            if OutboxEvent.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(fanned_out_at=now) != 1:
                continue
            for sub in wanted:
                hook = bool(sub.webhook_url)
                Delivery.objects.get_or_create(event=event, subscription=sub, defaults=dict(
                    webhook=hook, status=DeliveryStatus.PENDING if hook else DeliveryStatus.DELIVERED,
                    next_attempt_at=now if hook else None, delivered_at=None if hook else now))
                n += 1
    if unwanted and event_id is None:
        OutboxEvent.objects.filter(pk__in=unwanted, fanned_out_at__isnull=True).update(fanned_out_at=now)
    return n


def _wants(sub: Subscription, event: OutboxEvent) -> bool:
    if event.kind not in sub.kinds or event.kind not in events.kinds_for(sub.role):
        return False
    if event.kind == events.ENTERPRISE_CHANGED and not events.reports_visible_change(
            event.data.get("changed"), allowed_fields(sub.role, event.dataset)):
        return False
    return sub.zone_id is None or sub.zone_id == event.zone_id


def _enqueue(event_id: int) -> None:
    from . import tasks

    with connection.cursor() as cur:  # plain SQL: this runs after every reported change
        cur.execute("SELECT 1 FROM sharing_subscription WHERE active LIMIT 1")
        if cur.fetchone() is None:
            return  # nobody listens: no task on the change's path; the periodic sweep marks the event
    try:
        tasks.deliver_event.delay(event_id)
    except Exception:  # a broker that is down must not fail the request that committed; the cron catches up
        import logging

        logging.getLogger(__name__).exception("could not queue the deliveries of event %s", event_id)


def enterprise_registered(actor: Actor, enterprise) -> OutboxEvent:
    return record_event(actor, events.ENTERPRISE_REGISTERED, enterprise, dataset="enterprises",
                        enterprise_id=enterprise.pk)


def enterprise_changed(actor: Actor, enterprise, changed: list[str]) -> OutboxEvent:
    """The registry record changed (core's update_enterprise, through core.hooks): the row as it is now and
    the names of the fields that changed; each agency hears of it only if it may see one of them."""
    return record_event(actor, events.ENTERPRISE_CHANGED, enterprise, dataset="enterprises",
                        data={"changed": sorted(changed)}, enterprise_id=enterprise.pk)


def regime_overdue(actor: Actor, regime) -> OutboxEvent:
    """A time-limited regime passed its deadline without the goods coming back (duties' daily sweep)."""
    return record_event(actor, events.REGIME_OVERDUE, regime, dataset="regimes")


def list_approved(actor: Actor, vlist) -> OutboxEvent:
    return record_event(actor, events.LIST_APPROVED, vlist, dataset="lists")


def request_escalated(actor: Actor, request, *, issue_id: int | None) -> OutboxEvent:
    return record_event(actor, events.REQUEST_ESCALATED, request, data={
        "number": request.number, "title": request.title, "issue": issue_id,
        "zone": getattr(request.zone, "code", None)})


# ---------------------------------------------------------------- subscriptions

def subscription_snapshot(s: Subscription) -> dict:  # never the secret (its fingerprint tells versions apart)
    return {"role": s.role, "zone": s.zone_id, "name": s.name, "kinds": list(s.kinds),
            "webhook_url": s.webhook_url, "active": s.active, "secret": webhooks.fingerprint(s.secret)}


def check_webhook_url(url: Any, problems: list[Problem], field: str = "webhook_url") -> str:
    """The URL as it will be stored, or a field problem (nothing resolves a name when private targets are
    allowed; in production every address the name resolves to must be public)."""
    text = str(url or "").strip()
    if not text:
        return ""
    allow = settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE
    target = webhooks.parse_target(text, allow_private=allow)
    if target.problem:
        problems.append(problem(field, target.problem))
    elif not allow and not transport.resolves_to_allowed(text):
        problems.append(problem(field, "webhook_url_private"))
    return text


def create_subscription(*, actor: Actor, name: Any, kinds: Any, webhook_url: Any = "", role: Any = None,
                        zone_id: Any = None) -> Subscription:
    """An agency subscribes for itself (its role, its zone when zone-bound); an administrator for any
    agency. Kinds must be ones the agency may receive; a webhook URL must be allowed."""
    actor.require("sharing.subscribe")
    problems: list[Problem] = []
    if actor.is_admin:
        role = str(role or "")
        if role not in events.AGENCY_ROLES:
            problems.append(problem("role", "required") if not role else problem("role", "bad_choice", value=role, choices=", ".join(events.AGENCY_ROLES)))
        zone = as_id(zone_id) if zone_id not in (None, "") else None
        if zone_id not in (None, "") and (zone is None or not Zone.objects.filter(pk=zone).exists()):
            problems.append(problem("zone_id", "not_found", model=Zone._meta.verbose_name, id=str(zone_id)[:20]))
    else:
        role, zone = str(actor.role), actor.zone_id
    text = str(name or "").strip()[:100]
    if not text:
        problems.append(problem("name", "required"))
    chosen = [str(k) for k in (kinds if isinstance(kinds, list | tuple) else [kinds] if kinds else [])]
    if not chosen:
        problems.append(problem("kinds", "required"))
    for k in chosen if role in events.AGENCY_ROLES else ():
        if k not in events.kinds_for(role):
            problems.append(problem("kinds", "event_kind_not_allowed", kind=k))
    url = check_webhook_url(webhook_url, problems)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        sub = Subscription.objects.create(role=role, zone_id=zone, name=text, kinds=sorted(set(chosen)),
                                          webhook_url=url, secret=secrets.token_hex(32) if url else "",
                                          created_by_id=actor.user_id)
        audit.record(actor, "sharing.subscription.create", sub, after=subscription_snapshot(sub), zone_id=zone)
    return sub


def set_subscription_active(*, actor: Actor, subscription_id: Any, active: bool) -> Subscription:
    return _set_active(actor, Subscription, subscription_id, active, subscription_snapshot, "sharing.subscription")


def _set_active(actor: Actor, model, pk: Any, active: bool, snapshot, action: str):
    """Pause or resume an agency's subscription or scheduled export, audited as `action`.active / .pause."""
    actor.require("sharing.subscribe")
    with transaction.atomic(durable=True):
        obj = get_scoped(model.objects.select_for_update(), actor, pk, action="change")
        before = snapshot(obj)
        obj.active = bool(active)
        obj.save(update_fields=["active"])
        audit.record(actor, f"{action}.active" if active else f"{action}.pause", obj, before=before,
                     after=snapshot(obj), zone_id=obj.zone_id)
    return obj


def rotate_secret(*, actor: Actor, subscription_id: Any) -> Subscription:
    actor.require("sharing.subscribe")
    with transaction.atomic(durable=True):
        sub = get_scoped(Subscription.objects.select_for_update(), actor, subscription_id, action="change")
        if not sub.webhook_url:
            raise DomainError([problem("webhook_url", "required")])
        before = subscription_snapshot(sub)
        sub.secret = secrets.token_hex(32)
        sub.save(update_fields=["secret"])
        audit.record(actor, "sharing.subscription.rotate_secret", sub, before=before, after=subscription_snapshot(sub),
                     zone_id=sub.zone_id)
    return sub


# ---------------------------------------------------------------- delivery

def body_of(delivery: Delivery) -> bytes:
    """What the subscriber receives: the event with only the fields its agency may see."""
    event, sub = delivery.event, delivery.subscription
    visible = allowed_fields(sub.role, event.dataset)
    data = project(event.data, visible) if event.dataset else dict(event.data)
    if "changed" in event.data:  # which fields changed: only those the agency may see
        data["changed"] = [f for f in event.data["changed"] if f in visible]
    return json.dumps({"delivery": delivery.pk, "event": event.kind, "event_id": event.pk,
                       "at": event.at.isoformat(), "object": {"type": event.object_type, "id": event.object_id},
                       "data": data}, ensure_ascii=False, sort_keys=True).encode()


def _claim(delivery_id: int, now) -> Delivery | None:
    """Take one due delivery with a conditional UPDATE (the lease), so two runners never send it twice."""
    n = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, webhook=True,
                                next_attempt_at__lte=now).update(next_attempt_at=now + LEASE)
    if n != 1:
        return None
    return Delivery.objects.select_related("event", "subscription").get(pk=delivery_id)


def attempt(delivery: Delivery, now=None) -> Delivery:
    """One webhook attempt and its log row; then delivered, another try after the back-off, or given up."""
    now = now or timezone.now()
    sub = delivery.subscription
    body = body_of(delivery)
    headers = {"Content-Type": "application/json", "User-Agent": "BondZone-Webhook/1",
               webhooks.EVENT_HEADER: delivery.event.kind, webhooks.DELIVERY_HEADER: str(delivery.pk),
               webhooks.SIGNATURE_HEADER: webhooks.sign(sub.secret, body, int(time.time()))}
    started = time.monotonic()
    allow = settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE
    target = webhooks.parse_target(sub.webhook_url, allow_private=allow)
    if target.problem or (not allow and not transport.resolves_to_allowed(sub.webhook_url)):
        code, error = None, "target not allowed (loopback, private or unresolvable address)"
    else:
        code, error = transport.send(sub.webhook_url, body, headers, timeout=settings.BONDZONE_WEBHOOK_TIMEOUT)
    ms = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    with transaction.atomic(durable=True):
        d = Delivery.objects.select_for_update().get(pk=delivery.pk)
        d.attempts += 1
        DeliveryAttempt.objects.create(delivery=d, number=d.attempts, at=now, status_code=code,
                                       error="" if ok else (error or f"HTTP {code}")[:500], duration_ms=ms)
        d.last_status_code, d.last_error = code, "" if ok else (error or f"HTTP {code}")[:500]
        if ok:
            d.status, d.delivered_at, d.next_attempt_at = DeliveryStatus.DELIVERED, timezone.now(), None
        elif webhooks.gives_up(d.attempts, settings.BONDZONE_WEBHOOK_MAX_ATTEMPTS):
            d.status, d.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            d.next_attempt_at = now + webhooks.backoff(d.attempts)
        d.save()
    return d


def deliver_due(*, now=None, limit: int = 200, event_id: int | None = None) -> dict:
    """Send every webhook delivery that is due (of one event, or all), each once; safe to run beside
    another runner. Returns the counts by outcome."""
    now = now or timezone.now()
    fan_out(now=now, event_id=event_id)
    qs = Delivery.objects.filter(status=DeliveryStatus.PENDING, webhook=True, next_attempt_at__lte=now)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for pk in list(qs.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        d = _claim(pk, now)
        if d is None:
            continue
        d = attempt(d, now)
        counts[{"delivered": "delivered", "failed": "failed"}.get(d.status, "retrying")] += 1
    return counts


def run_deliveries(*, actor: Actor, now=None, limit: int = 200) -> dict:
    """`bondzone deliver-events` and the admin's button: deliver what is due, audited."""
    actor.require("sharing.deliver")
    counts = deliver_due(now=now, limit=limit)
    with transaction.atomic(durable=True):
        audit.record(actor, "sharing.deliveries.run", object_type="sharing.delivery", object_id="", after=counts)
    return counts


def redeliver(*, actor: Actor, delivery_id: Any) -> Delivery:
    """Try a given-up delivery again (from attempt 1 of a new series; the log keeps the old attempts)."""
    actor.require("sharing.subscribe")
    with transaction.atomic(durable=True):
        d = get_scoped(Delivery.objects.select_for_update(of=("self",)), actor, delivery_id, action="change")
        if not d.webhook or d.status != DeliveryStatus.FAILED:
            raise DomainError([problem("status", "invalid", message=str(d.status))])
        d.status, d.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
        d.save(update_fields=["status", "next_attempt_at"])
        audit.record(actor, "sharing.delivery.retry", d, zone_id=d.subscription.zone_id)
    transaction.on_commit(lambda: _enqueue(d.event_id))
    return d




# ---------------------------------------------------------------- scheduled exports

def export_snapshot(s: ScheduledExport) -> dict:
    return {"role": s.role, "zone": s.zone_id, "name": s.name, "dataset": s.dataset, "format": s.format,
            "every": s.every, "language": s.language, "active": s.active, "next_run_at": s.next_run_at.isoformat()}


def _language() -> str:
    """The active language if the site offers it (a request's, or the CLI's), else the site's."""
    active = translation.get_language() or ""
    return next((code for code, _name in settings.LANGUAGES if active.lower() == code), settings.LANGUAGE_CODE)


def create_export(*, actor: Actor, name: Any, dataset: Any, format: Any, every: Any, first_run: Any = None
                  ) -> ScheduledExport:
    """An agency's standing export of a dataset it may open, in CSV / XLSX / JSON, daily, weekly or monthly;
    the first run is `first_run` (a date, at 06:00 local time) or now."""
    actor.require("sharing.subscribe")
    problems: list[Problem] = []
    text = str(name or "").strip()[:100]
    if not text:
        problems.append(problem("name", "required"))
    dataset, fmt, every = str(dataset or ""), str(format or ""), str(every or "")
    if dataset not in datasets_for(actor.role):
        problems.append(problem("dataset", "bad_choice", value=dataset, choices=", ".join(datasets_for(actor.role))))
    if fmt not in ("csv", "xlsx", "json"):
        problems.append(problem("format", "bad_choice", value=fmt, choices="csv, xlsx, json"))
    if every not in schedule.EVERY:
        problems.append(problem("every", "bad_choice", value=every, choices=", ".join(schedule.EVERY)))
    start = timezone.now()
    if first_run not in (None, ""):
        day = collect_date(first_run, "first_run", problems)
        if day is not None:
            start = timezone.make_aware(datetime.combine(day, dtime(6, 0)))
    if problems:
        raise DomainError(problems)
    role = str(actor.role)
    with transaction.atomic(durable=True):
        s = ScheduledExport.objects.create(role=role, zone_id=actor.zone_id, name=text, dataset=dataset, format=fmt,
                                           every=every, next_run_at=start, created_by_id=actor.user_id,
                                           language=_language())
        audit.record(actor, "sharing.export.create", s, after=export_snapshot(s), zone_id=s.zone_id)
    return s


def set_export_active(*, actor: Actor, export_id: Any, active: bool) -> ScheduledExport:
    return _set_active(actor, ScheduledExport, export_id, active, export_snapshot, "sharing.export")


def run_due_exports(*, now=None, limit: int = 50) -> dict:
    """Run every scheduled export that is due, once each (claimed with a conditional UPDATE that moves
    its next run on), as the user who set it up — with that user's current role and scope. A run that
    cannot be made (the user is gone, or may no longer open the dataset) is kept with its reason."""
    from bondzone.core.actor import actor_of

    from .exports import agency_table

    now = now or timezone.now()
    counts = {"done": 0, "failed": 0}
    due = ScheduledExport.objects.filter(active=True, next_run_at__lte=now).order_by("next_run_at", "pk")
    for s in list(due.select_related("created_by")[:limit]):
        nxt = schedule.catch_up(s.next_run_at, now, s.every)
        if ScheduledExport.objects.filter(pk=s.pk, next_run_at=s.next_run_at).update(next_run_at=nxt) != 1:
            continue
        user = s.created_by
        content, rows, error = b"", 0, ""
        if user is None or not user.is_active:
            error = "the user who set up this export is no longer active"
        else:
            owner = actor_of(user)
            try:
                with translation.override(s.language):
                    content, rows = agency_table(owner, s.dataset, s.format)
            except DomainError as exc:
                error = "; ".join(p.code for p in exc.problems)[:500]
        with transaction.atomic(durable=True):
            run = ExportRun.objects.create(schedule=s, at=now, rows=rows, content=content, error=error)
            audit.record(SYSTEM, "sharing.export.run", run, object_type="sharing.scheduledexport", object_id=s.pk,
                         after={"rows": rows, "error": error, "format": s.format, "dataset": s.dataset},
                         zone_id=s.zone_id)
        counts["failed" if error else "done"] += 1
    return counts


def run_exports(*, actor: Actor, now=None) -> dict:
    """`bondzone run-exports` and the periodic task: run what is due."""
    actor.require("sharing.deliver")
    return run_due_exports(now=now)
