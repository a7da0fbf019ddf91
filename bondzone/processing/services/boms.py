"""Bills of materials: declared by the enterprise, approved (or rejected) by customs."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.scoping import get_scoped
from bondzone.supervision import services as ledger

from .. import selectors
from ..domain.bom import overlapping, validate_bom
from ..domain.bom import Bom as BomRule
from ..models import Bom, BomLine
from .common import processing_book


def bom_snapshot(b: Bom) -> dict:
    return {"finished_no": b.finished_no, "version": b.version, "valid_from": b.valid_from.isoformat(),
            "valid_until": b.valid_until.isoformat() if b.valid_until else None, "status": b.status,
            "lines": [[ln.material_no, str(ln.net), str(ln.loss_pct)] for ln in b.lines.all()]}


def _named_items(data: dict) -> set[int]:
    """The item numbers a BOM's raw data names (the finished item, each material); validation refuses the rest."""
    lines = data.get("lines") if isinstance(data.get("lines"), list) else []
    raw = [data.get("finished_no"), *(ln.get("material_no") for ln in lines if isinstance(ln, Mapping))]
    return {n for n in map(inputs.parse_int, raw) if n is not None and 0 < n <= inputs.INT[1]}


def declare_bom(*, actor: Actor, book_id: int, data: dict) -> Bom:
    actor.require("processing.declare_bom")
    book = processing_book(actor, book_id)
    with transaction.atomic(durable=True):
        # the items it names are locked FOR SHARE before they are read: a unit change of one of them (supervision
        # change_item, which counts BOM rows) waits for this version, or this version sees the changed unit
        ledger.share_items(book.pk, _named_items(data))
        rule, problems = validate_bom(data, selectors.item_facts(actor, book.pk), book.number)
        if rule and Bom.objects.filter(book=book, finished_no=rule.finished_no, version=rule.version).exists():
            problems.append(problem("version", "duplicate_value", value=rule.version))
        if problems:
            raise DomainError(problems)
        b = Bom.objects.create(book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                               finished_no=rule.finished_no, version=rule.version, valid_from=rule.valid_from,
                               valid_until=rule.valid_until, declared_by_id=actor.user_id)
        BomLine.objects.bulk_create([BomLine(bom=b, material_no=ln.material_no, net=ln.net, loss_pct=ln.loss_pct)
                                     for ln in rule.lines])
        audit.record(actor, "bom.declare", b, after=bom_snapshot(b))
    return b


def decide_bom(*, actor: Actor, bom_id: int, approve: bool) -> Bom:
    """Customs approves a declared version (refused if an approved version overlaps its dates) or rejects it."""
    actor.require("processing.approve_bom")
    with transaction.atomic(durable=True):
        b = get_scoped(Bom.objects.select_for_update(of=("self",)), actor, bom_id, action="change")
        if b.status != "declared":
            raise DomainError(problem("status", "bom_wrong_state", state=b.status))
        if approve:
            rule = BomRule(b.finished_no, b.version, b.valid_from, b.valid_until, ())
            clash = overlapping(rule, [r for r in selectors.rule_boms(b.book_id) if r.version != b.version])
            if clash is not None:
                raise DomainError(problem("valid_from", "bom_overlaps", version=clash.version))
        before = bom_snapshot(b)
        b.status = "approved" if approve else "rejected"
        b.decided_by_id, b.decided_at = actor.user_id, timezone.now()
        b.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(actor, "bom.approve" if approve else "bom.reject", b, before=before, after=bom_snapshot(b))
    return b
