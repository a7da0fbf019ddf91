"""Loading the policy text into the ledger."""

from __future__ import annotations

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.models import Zone

from ..domain import seed as seed_rules
from ..domain import tree
from ..models import Policy, Task, TaskSource, Unit


def load_policy(*, actor: Actor, text: str, published: bool = True) -> dict:
    """Create the policy, its units and its task tree from the text; loading it again changes nothing."""
    actor.require("governance.manage")
    parsed = seed_rules.parse_policy(text)
    summary = {"code": parsed.code, "measures": len(parsed.measures), "tasks": len(parsed.tasks),
               "units": len(parsed.units), "responsibility_lines": seed_rules.count_responsibility_lines(text)}
    if not parsed.measures or not parsed.code:
        raise DomainError(problem("text", "policy_parse_failed"))
    existing = Policy.objects.filter(code=parsed.code).first()
    if existing is not None:
        return {**summary, "policy_id": existing.pk, "created": False}
    zones = {z.code: z for z in Zone.objects.all()}
    with transaction.atomic(durable=True):
        policy = Policy.objects.create(code=parsed.code, title=parsed.title[:200], issuer=parsed.issuer[:100],
                                       issued_on=parsed.issued_on, text=text, published=published)
        units = {}
        for name in parsed.units:
            units[name], _ = Unit.objects.get_or_create(name=name, defaults={"kind": seed_rules.unit_kind(name)})
        by_code: dict[str, Task] = {}
        year = parsed.issued_on.year if parsed.issued_on else None
        for pt in parsed.tasks:
            task = Task.objects.create(
                policy=policy, parent=by_code.get(pt.parent_code) if pt.parent_code else None, position=pt.position,
                code=pt.code, title=pt.title[:200], text=pt.text, source=TaskSource.POLICY,
                lead_unit=units[pt.units[0]] if pt.units else None, year=year, published=published,
                start_date=parsed.issued_on,
                progress_mode=tree.Mode.MANUAL if pt.level == "measure" else tree.Mode.AVERAGE,
            )
            if len(pt.units) > 1:
                task.co_units.set([units[u] for u in pt.units[1:]])
            if pt.zones:
                task.zones.set([zones[c] for c in pt.zones if c in zones])
            by_code[pt.code] = task
        audit.record(actor, "policy.load", policy, after={**summary, "policy": policy.code})
    return {**summary, "policy_id": policy.pk, "created": True}
