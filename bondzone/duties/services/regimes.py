"""Time-limited regimes (时限监管): open, extend, close, and the deadline sweep (alerts in-app and by e-mail).

Each write checks the actor's permission, runs in one durable transaction through core.idempotency (the
same key and body answer the first result and write nothing), and writes its audit row. The guarantee a
regime uses is locked and moved in the same transaction (use on opening, free on closing), with a
guarantee entry naming the regime. The duty that would fall due if the goods do not come back is the
duty engine's quotation of the regime's lines on the start date (rates from the tables).

Ties to the book: a regime names its book, the items and quantities concerned, and the verification
lists (核注清单) the goods went out (`out`) or came back (`back`) on, by id; the lists are made and posted
through supervision's own services and pages. A regime does not post stock itself (domain-customs.md
§7.3: the book quantity is unchanged while goods are out under a regime).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bondzone.core import audit, idempotency
from bondzone.core.actor import SYSTEM, Actor
from bondzone.core.domain.errors import DomainError, NotFound, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal, collect_id, collect_quantity, collect_text
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped
from bondzone.sharing import services as sharing_services
from bondzone.supervision import selectors as books

from ..domain import guarantees as guarantee_rules
from ..domain.dated import RateDateRule, rate_date
from ..domain import regimes as rules
from ..models import Guarantee, GuaranteeEntry, Regime, RegimeAlert, RegimeExtension, RegimeLine, RegimeList

log = logging.getLogger(__name__)
MAX_LINES = 200
MAX_LISTS = 20


def regime_snapshot(r: Regime) -> dict:
    return {"number": r.number, "kind": r.kind, "book_id": r.book_id, "start_date": r.start_date.isoformat(),
            "deadline": r.deadline.isoformat(), "extensions_used": r.extensions_used, "status": r.status,
            "duty_at_risk": str(r.duty_at_risk), "guarantee_id": r.guarantee_id, "guarantee_used": str(r.guarantee_used)}


def _lines(raw: Any, problems: list[Problem]) -> list[dict]:
    if not isinstance(raw, (list, tuple)) or not raw:
        problems.append(problem("lines", "required"))
        return []
    if len(raw) > MAX_LINES:
        problems.append(problem("lines", "too_many_rows", max=MAX_LINES, count=len(raw)))
        return []
    out = []
    for n, row in enumerate(raw, start=1):
        row = row if isinstance(row, Mapping) else {}
        item_id = collect_id(row.get("item_id"), f"lines[{n}].item_id", problems, required=True)
        qty = collect_quantity(row.get("quantity"), f"lines[{n}].quantity", problems)
        value = collect_decimal(row.get("customs_value"), f"lines[{n}].customs_value", problems, required=True,
                                max_digits=16, decimal_places=2)
        if qty is not None and qty <= 0:
            problems.append(problem(f"lines[{n}].quantity", "amount_not_positive", value=qty))
        if value is not None and value < 0:
            problems.append(problem(f"lines[{n}].customs_value", "value_negative", value=value))
        out.append({"item_id": item_id, "quantity": qty, "customs_value": value})
    return out


def _list_ids(raw: Any, field: str, problems: list[Problem]) -> list[int]:
    if raw in (None, "", []):
        return []
    items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
    if len(items) > MAX_LISTS:
        problems.append(problem(field, "too_many_rows", max=MAX_LISTS, count=len(items)))
        return []
    out = []
    for one in items:
        pk = collect_id(str(one).strip(), field, problems, required=True)
        if pk is not None and pk not in out:
            out.append(pk)
    return out


def _check_lists(actor: Actor, book_id: int, ids: list[int], field: str, problems: list[Problem]) -> None:
    found = set(books.lists(actor, book_id=book_id).filter(pk__in=ids).values_list("pk", flat=True))
    for pk in ids:
        if pk not in found:
            problems.append(problem(field, "regime_list_not_in_book", value=pk))


def _check_stock(actor: Actor, book_id: int, lines: list[dict], items: dict, problems: list[Problem]) -> None:
    """Goods that leave the zone under a regime must be in the book: the bonded quantity (posted, less what
    approved lists have reserved, in the item's declared unit) not already out under another live regime."""
    wanted: dict[int, Decimal] = {}
    for ln in lines:
        if ln["item_id"] in items and ln["quantity"] is not None:
            wanted[ln["item_id"]] = wanted.get(ln["item_id"], Decimal(0)) + ln["quantity"]
    if not wanted:
        return
    held: dict[int, Decimal] = {}
    for acc in books.accounts(actor, book_id=book_id, goods_status="bonded").filter(item_id__in=wanted):
        if acc.unit == items[acc.item_id].declared_unit:
            held[acc.item_id] = held.get(acc.item_id, Decimal(0)) + acc.posted - acc.reserved
    out = dict(RegimeLine.objects.filter(
        item_id__in=wanted, regime__status__in=rules.LIVE,
        regime__kind__in=[k for k, r in rules.RULES.items() if r.leaves_zone]).values_list("item_id").annotate(
        n=Sum("quantity")).values_list("item_id", "n"))
    for n, ln in enumerate(lines, start=1):
        pk = ln["item_id"]
        if pk in wanted:
            free = held.get(pk, Decimal(0)) - out.get(pk, Decimal(0))
            if wanted[pk] > free:
                problems.append(problem(f"lines[{n}].quantity", "regime_stock_short", value=wanted[pk],
                                        available=max(free, Decimal(0))))
                wanted.pop(pk)


def _solid_waste_problems(book, lines: list[dict], items: dict, rule: rules.RegimeRule) -> list[Problem]:
    """固体废物 may not go into China: a regime whose goods leave the zone for 境内区外 (leaves_zone: display, repair,
    auction, lease delivery) does not take an item customs records as solid waste, line by line, with the
    refusal supervision gives its lists (the modes that remain)."""
    problems = []
    for n, ln in enumerate(lines, start=1):
        item = items.get(ln["item_id"])
        found = item and books.solid_waste_regime_problem(book, item, rule.name_zh, rule.trade_mode,
                                                          f"lines[{n}].item_id", n)
        if found:
            problems.append(found)
    return problems


def _duty(actor: Actor, start: date, lines: list[dict], items: dict) -> tuple[list[Decimal], Decimal]:
    """The duty engine's quotation of the lines on the start date (rates from the tables)."""
    from . import quote

    document = {"declared_on": start.isoformat(), "lines": [
        {"hs_code": items[ln["item_id"]].hs_code, "quantity": str(ln["quantity"]),
         "unit": items[ln["item_id"]].declared_unit, "customs_value": str(ln["customs_value"]),
         "origin": items[ln["item_id"]].origin_country or ""} for ln in lines]}
    try:
        result = quote(actor, document)
    except DomainError as exc:
        raise DomainError([problem(p.field or "lines", p.code, **p.params) for p in exc.problems]) from None
    return [Decimal(row["total"]) for row in result["lines"]], Decimal(result["totals"]["total"])


def _use(g: Guarantee, value: Decimal, purpose: str, kind: str = "use") -> list[Problem]:
    """Use or free part of a locked guarantee, with its entry; problems when the free amount is short."""
    move = guarantee_rules.use if kind == "use" else guarantee_rules.free_use
    after, problems = move(guarantee_rules.Balance(g.amount, g.used, g.released), value)
    if problems:
        return [problem("guarantee_id", p.code, **p.params) for p in problems]
    g.used, g.released = after.used, after.released
    g.save(update_fields=["used", "released"])
    GuaranteeEntry.objects.create(guarantee=g, kind=kind, amount=value, purpose=purpose)
    return []


def open_regime(*, actor: Actor, data: Mapping[str, Any], idempotency_key: str | None,
                today: date | None = None) -> Regime:
    """Open a regime on a book of the actor's scope (an enterprise: its own books only). Refused whole,
    naming the field: an unknown kind, a book or item out of scope, non-positive quantities, a negative
    value, a deadline beyond the rule, lists of another book, a guarantee missing or short of the duty."""
    actor.require("duties.open_regime")
    today = today or timezone.localdate()
    payload = dict(data)

    def do() -> dict:
        problems: list[Problem] = []
        kind = str(data.get("kind") or "")
        if kind not in rules.RULES:
            problems.append(problem("kind", "bad_choice", value=kind, choices=", ".join(rules.KINDS)))
        book_id = collect_id(data.get("book_id"), "book_id", problems, required=True)
        start = collect_date(data.get("start_date"), "start_date", problems, required=True, today=today)
        deadline = collect_date(data.get("deadline"), "deadline", problems, today=today)
        purpose = collect_text(data.get("purpose"), "purpose", problems, max_length=200)
        lines = _lines(data.get("lines"), problems)
        out_lists = _list_ids(data.get("out_lists"), "out_lists", problems)
        guarantee_id = collect_id(data.get("guarantee_id"), "guarantee_id", problems)
        book = None
        if book_id is not None:
            try:
                book = books.book(actor, book_id)
            except NotFound:
                problems.append(problem("book_id", "not_found", model=gettext_lazy("account book"), id=str(book_id)))
            else:  # the enterprise row is the lock: its regimes queue here, so two never take the same goods out
                Enterprise.objects.select_for_update().filter(pk=book.enterprise_id).first()
        items = {}
        if book is not None:
            wanted = {ln["item_id"] for ln in lines if ln["item_id"] is not None}
            items = {i.pk: i for i in books.items(actor, book.pk).filter(pk__in=wanted)}
            for n, ln in enumerate(lines, start=1):
                if ln["item_id"] is not None and ln["item_id"] not in items:
                    problems.append(problem(f"lines[{n}].item_id", "regime_item_not_in_book", value=ln["item_id"]))
            _check_lists(actor, book.pk, out_lists, "out_lists", problems)
            if kind in rules.RULES and rules.RULES[kind].leaves_zone:
                problems += _solid_waste_problems(book, lines, items, rules.RULES[kind])
                _check_stock(actor, book.pk, lines, items, problems)
        if kind in rules.RULES and start is not None:
            deadline, found = rules.check_opening(kind, start, deadline)
            problems += found
        rule = rules.RULES.get(kind)
        if rule is not None and rule.needs_guarantee and guarantee_id is None:
            problems.append(problem("guarantee_id", "regime_guarantee_required", kind=kind))
        if problems:
            raise DomainError(problems)
        line_duties, duty = _duty(actor, start, lines, items)
        g = None
        if guarantee_id is not None:
            try:
                g = get_scoped(Guarantee.objects.select_for_update(), actor, guarantee_id)
            except NotFound:
                raise DomainError(problem("guarantee_id", "not_found", model=gettext_lazy("guarantee"), id=str(guarantee_id))) from None
            if g.enterprise_id != book.enterprise_id:
                raise DomainError(problem("guarantee_id", "regime_guarantee_other_enterprise", value=g.reference))
            if g.valid_to is not None and g.valid_to < deadline:
                raise DomainError(problem("guarantee_id", "regime_guarantee_ends_first", valid_to=g.valid_to,
                                          deadline=deadline))
        regime = Regime.objects.create(
            number="tmp", enterprise_id=book.enterprise_id, zone_id=book.zone_id, book=book, kind=kind,
            legal_basis=rule.legal_basis_zh[:500], purpose=purpose, start_date=start, deadline=deadline,
            duty_at_risk=duty, guarantee=g, created_by_id=actor.user_id,
            status=rules.state_on(rules.OPEN, deadline, today))
        regime.number = f"SX{start:%y}{regime.pk:08d}"
        if g is not None and duty > 0:
            found = _use(g, duty, _("Regime %(number)s") % {"number": regime.number})
            if found:
                raise DomainError(found)
            regime.guarantee_used = duty
        regime.save(update_fields=["number", "guarantee_used"])
        RegimeLine.objects.bulk_create([
            RegimeLine(regime=regime, seq=n, item_id=ln["item_id"], quantity=ln["quantity"],
                       customs_value=ln["customs_value"], duty=d)
            for n, (ln, d) in enumerate(zip(lines, line_duties, strict=True), start=1)])
        RegimeList.objects.bulk_create([RegimeList(regime=regime, vlist_id=pk, role="out") for pk in out_lists])
        audit.record(actor, "duties.regime_opened", regime, after=regime_snapshot(regime))
        return {"regime_id": regime.pk}

    result, _replayed = idempotency.run(actor, idempotency_key, "duties.regime_open", payload, do)
    return Regime.objects.get(pk=result["regime_id"])


def _locked(actor: Actor, regime_id: Any) -> Regime:
    return get_scoped(Regime.objects.select_for_update(), actor, regime_id, action="change")


def extend_regime(*, actor: Actor, regime_id: Any, data: Mapping[str, Any], idempotency_key: str | None,
                  today: date | None = None) -> Regime:
    """Customs grants an extension: refused after expiry, beyond the rule's number of extensions or one
    extension's length, or when the guarantee runs out before the new deadline."""
    actor.require("duties.decide_regime")
    today = today or timezone.localdate()

    def do() -> dict:
        problems: list[Problem] = []
        until = collect_date(data.get("until"), "until", problems, today=today)
        reason = collect_text(data.get("reason"), "reason", problems, max_length=500, required=True)
        if problems:
            raise DomainError(problems)
        regime = _locked(actor, regime_id)
        new, problems = rules.check_extension(regime.kind, deadline=regime.deadline, used=regime.extensions_used,
                                              today=today, until=until, status=regime.status)
        if problems:
            raise DomainError(problems)
        if regime.guarantee_id and regime.guarantee.valid_to is not None and regime.guarantee.valid_to < new:
            raise DomainError(problem("until", "regime_guarantee_ends_first", valid_to=regime.guarantee.valid_to,
                                      deadline=new))
        before = regime_snapshot(regime)
        RegimeExtension.objects.create(regime=regime, previous_deadline=regime.deadline, new_deadline=new,
                                       reason=reason, decided_by_id=actor.user_id)
        regime.deadline, regime.extensions_used = new, regime.extensions_used + 1
        regime.status, regime.overdue_since = rules.OPEN, None
        regime.save(update_fields=["deadline", "extensions_used", "status", "overdue_since"])
        audit.record(actor, "duties.regime_extended", regime, before=before,
                     after={**regime_snapshot(regime), "reason": reason})
        return {"regime_id": regime.pk, "deadline": new.isoformat()}

    idempotency.run(actor, idempotency_key, "duties.regime_extend", {"regime_id": str(regime_id), **dict(data)}, do)
    return Regime.objects.get(pk=regime_id)


def close_regime(*, actor: Actor, regime_id: Any, data: Mapping[str, Any], idempotency_key: str | None,
                 today: date | None = None) -> Regime:
    """Customs closes a regime: `returned` (the goods came back, on the `back_lists` named) or `closed`
    (sold and duty paid, re-exported, written off — the note says which). The guarantee part is freed."""
    actor.require("duties.decide_regime")
    today = today or timezone.localdate()

    def do() -> dict:
        problems: list[Problem] = []
        outcome = str(data.get("outcome") or "")
        if outcome not in rules.ENDINGS:
            problems.append(problem("outcome", "bad_choice", value=outcome, choices=", ".join(rules.ENDINGS)))
        on = collect_date(data.get("closed_on"), "closed_on", problems, today=today) or today
        note = collect_text(data.get("note"), "note", problems, max_length=500, required=outcome == rules.CLOSED)
        back = _list_ids(data.get("back_lists"), "back_lists", problems)
        if problems:
            raise DomainError(problems)
        regime = _locked(actor, regime_id)
        if regime.status not in rules.LIVE:
            raise DomainError(problem("status", "regime_not_open", state=regime.status))
        if on < regime.start_date or on > today:
            raise DomainError(problem("closed_on", "regime_close_date", value=on, start=regime.start_date, today=today))
        _check_lists(actor, regime.book_id, back, "back_lists", problems)
        if problems:
            raise DomainError(problems)
        before = regime_snapshot(regime)
        if regime.guarantee_id and regime.guarantee_used > 0:
            g = Guarantee.objects.select_for_update().get(pk=regime.guarantee_id)
            found = _use(g, regime.guarantee_used, _("Regime %(number)s closed") % {"number": regime.number}, "free")
            if found:
                raise DomainError(found)
        regime.status, regime.closed_on, regime.close_note = outcome, on, note
        regime.save(update_fields=["status", "closed_on", "close_note"])
        RegimeList.objects.bulk_create([RegimeList(regime=regime, vlist_id=pk, role="back") for pk in back],
                                       ignore_conflicts=True)
        audit.record(actor, "duties.regime_closed", regime, before=before,
                     after={**regime_snapshot(regime), "note": note, "back_lists": back})
        return {"regime_id": regime.pk, "status": outcome}

    idempotency.run(actor, idempotency_key, "duties.regime_close", {"regime_id": str(regime_id), **dict(data)}, do)
    return Regime.objects.get(pk=regime_id)


def alert_days(kind: str) -> tuple[int, ...]:
    """Days before a deadline the alerts go out: settings.BONDZONE_REGIME_ALERT_DAYS (a list for every kind,
    or a dict kind → list, with "*" for the rest), else the rule table's."""
    configured = getattr(settings, "BONDZONE_REGIME_ALERT_DAYS", None)
    if isinstance(configured, dict):
        configured = configured.get(kind, configured.get("*"))
    if configured:
        return tuple(int(d) for d in configured)
    return rules.RULES[kind].alert_days


def _recipients(regime: Regime, kind: str) -> list[str]:
    """The enterprise's users; for an overdue regime also customs of the zone (and zone-less customs)."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    mine = users.filter(profile__role="enterprise", profile__enterprise_id=regime.enterprise_id)
    emails = set(mine.values_list("email", flat=True))
    if kind == rules.OVERDUE_ALERT:
        customs = users.filter(Q(profile__zone_id=regime.zone_id) | Q(profile__zone__isnull=True),
                               profile__role="customs")
        emails |= set(customs.values_list("email", flat=True))
    return sorted(emails)


def _mail(regime: Regime, kind: str, days: int, to: list[str]) -> bool:
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        values = {"number": regime.number, "deadline": regime.deadline.isoformat(), "days": days,
                  "enterprise": regime.enterprise.name, "duty": regime.duty_at_risk}
        if kind == rules.OVERDUE_ALERT:
            subject = _("Regime %(number)s is overdue") % values
            body = _("Regime %(number)s of %(enterprise)s passed its deadline %(deadline)s without the goods coming "
                     "back. Duty that would fall due: %(duty)s yuan.") % values
        else:
            subject = _("Regime %(number)s: deadline in %(days)s days") % values
            body = _("Regime %(number)s of %(enterprise)s must end by %(deadline)s (%(days)s days). Duty that would "
                     "fall due if the goods do not come back: %(duty)s yuan.") % values
    try:
        send_mail(subject, body, None, to)
    except (OSError, smtplib.SMTPException) as exc:  # the in-app alert stands; the mail is logged as failed
        log.warning("regime alert mail for %s not sent: %s", regime.number, exc)
        return False
    return True


def _requote_overdue(actor: Actor, regime: Regime) -> None:
    """The duty that falls due on an overdue regime, at the rates of the day after the deadline (the
    engine's REGIME_OVERDUE rate date); kept as it was when no rate is in force on that day."""
    lines = list(regime.lines.select_related("item"))
    on = rate_date(RateDateRule.REGIME_OVERDUE, deadline=regime.deadline)
    try:
        per_line, total = _duty(actor, on, [{"item_id": ln.item_id, "quantity": ln.quantity,
                                             "customs_value": ln.customs_value} for ln in lines],
                                {ln.item_id: ln.item for ln in lines})
    except DomainError:
        return
    for ln, d in zip(lines, per_line, strict=True):
        if ln.duty != d:
            ln.duty = d
            ln.save(update_fields=["duty"])
    regime.duty_at_risk = total


def send_regime_alerts(today: date | None = None, *, actor: Actor | None = None) -> dict[str, int]:
    """The deadline sweep (run daily): for every live regime in the actor's scope (all for the system),
    raise the alert it deserves today — once per threshold and deadline — and e-mail it; a regime past its
    deadline becomes overdue, its duty is quoted again at the rates of the day after the deadline, and it
    is flagged to customs (in-app and by mail) with that duty. Returns {"due_soon": n, "overdue": n, "emails": n}."""
    from .. import selectors

    actor = actor or SYSTEM
    actor.require("duties.sweep_regimes")
    qs = selectors.regimes(actor)
    today = today or timezone.localdate()
    counts = {rules.DUE_SOON: 0, rules.OVERDUE_ALERT: 0, "emails": 0}
    for regime_id in list(qs.filter(status__in=rules.LIVE).values_list("pk", flat=True)):
        raised = None
        with transaction.atomic(durable=True):
            regime = Regime.objects.select_for_update().select_related("enterprise").get(pk=regime_id)
            if regime.status not in rules.LIVE:
                continue
            due = rules.alert_due(regime.deadline, today, alert_days(regime.kind))
            if due is None:
                continue
            kind, days = due
            if kind == rules.OVERDUE_ALERT and regime.status != rules.OVERDUE:
                before = regime_snapshot(regime)
                _requote_overdue(actor, regime)
                regime.status, regime.overdue_since = rules.OVERDUE, today
                regime.save(update_fields=["status", "overdue_since", "duty_at_risk"])
                audit.record(actor, "duties.regime_overdue", regime, before=before, after=regime_snapshot(regime))
                sharing_services.regime_overdue(actor, regime)  # outbox event, in this transaction
            to = _recipients(regime, kind)
            try:
                with transaction.atomic():
                    RegimeAlert.objects.create(regime=regime, kind=kind, days_before=days, deadline=regime.deadline,
                                               raised_on=today, emailed_to=to)
            except IntegrityError:
                continue  # raised by an earlier sweep
            audit.record(actor, f"duties.regime_alert_{kind}", regime, after={"days": days, "to": len(to)})
            raised = (regime, kind, days, to)
            counts[kind] += 1
        if raised:  # after the commit: a mail never announces a rolled-back alert
            counts["emails"] += 1 if _mail(*raised) else 0
    return counts
