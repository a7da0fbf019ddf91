"""Where an audit event's object can be opened: object type -> (URL name, its id parameter). An object
type without a page here is shown without a link (the reader may still filter the trail by it)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

OBJECT_PAGES: dict[str, tuple[str, str]] = {
    "supervision.verificationlist": ("supervision:list", "list_id"),
    "supervision.accountbook": ("supervision:book", "book_id"),
    "supervision.stockaccount": ("supervision:account", "account_id"),
    "cbec.cbecorder": ("cbec:order", "order_id"),
    "duties.guarantee": ("duties:guarantee", "guarantee_id"),
    "gate.slip": ("gate:slip", "slip_id"),
    "governance.task": ("governance:task", "task_id"),
    "governance.issue": ("governance:issue", "issue_id"),
    "governance.annuallist": ("governance:list", "annual_list_id"),
    "governance.unit": ("governance:unit", "unit_id"),
    "processing.stocktake": ("processing:stocktake", "stocktake_id"),
    "processing.writeoff": ("processing:writeoff", "writeoff_id"),
    "servicedesk.servicerequest": ("servicedesk:request", "request_id"),
    "servicedesk.registration": ("servicedesk:registration", "registration_id"),
    "servicedesk.article": ("servicedesk:article", "article_id"),
    "evaluation.framework": ("evaluation:framework", "framework_id"),
    "evaluation.evaluationrun": ("evaluation:run", "run_id"),
    "core.enterprise": ("sharing:agency", "dataset"),  # the registry record, in the reader's agency view
}


def object_url(object_type: str, object_id: str) -> str:
    """The page of the event's object, or "" (no page, or an id that is not one)."""
    target = OBJECT_PAGES.get(object_type)
    if target is None or not str(object_id).isdigit():
        return ""
    name, param = target
    try:
        if param == "dataset":
            return reverse(name, kwargs={"dataset": "enterprises"}) + f"?id={object_id}"
        return reverse(name, kwargs={param: int(object_id)})
    except NoReverseMatch:
        return ""


def object_urls(actor, events) -> dict[int, str]:
    """The links of a page of audit events, only to objects the reader may open: one scoped query per
    object type on the page (core.scoping.restrict), so a link never leads to a 404."""
    from django.apps import apps

    from bondzone.core.scoping import restrict

    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_type in OBJECT_PAGES and str(e.object_id).isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    visible: set[tuple[str, int]] = set()
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
            found = restrict(model, actor).filter(pk__in=ids).values_list("pk", flat=True)
            visible.update((object_type, pk) for pk in found)
        except LookupError:  # no such model, or a model without a scoping rule: no link
            continue
    return {e.pk: object_url(e.object_type, e.object_id) for e in events
            if str(e.object_id).isdigit() and (e.object_type, int(e.object_id)) in visible}
