"""Pages of the gate: slips (apply, approve, cancel, inspect), the officer's live screen and the zone's
settings. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

import re
from dataclasses import replace

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bondzone.core import labels
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import crosses_warehouse_door
from bondzone.core.web import (
    actor,
    errors_of,
    field_label,
    flash_refusal,
    input_of,
    new_idempotency_key,
    page,
    page_of,
)

from . import selectors, services
from .domain.codes import InspectionState, SlipStatus, SlipType
from .models import BINDING_LABELS, GOODS_CLASS_LABELS, SLIP_TYPE_LABELS

SLIP_FIELDS = ("slip_type", "binding", "direction", "plate", "ic_card", "vehicle_wt", "frame_wt", "container_wt",
               "total_gross_wt", "containers", "seal", "elock_no", "bill_of_lading", "goods_class", "lists")


@page
def slip_index(request):
    a = actor(request)
    a.require("gate.view")
    f = {k: request.GET.get(k, "").strip() for k in ("status", "direction", "inspection", "q")}
    page_obj, prefix = page_of(request, selectors.slips(a, **f))
    return render(request, "gate/slip_index.html", {
        "page": page_obj, "querystring_prefix": prefix, "f": f,
        "statuses": labels.choices("slip_status", [s.value for s in SlipStatus]),
        "inspections": labels.choices("slip_inspection", [s.value for s in InspectionState]),
        "can_apply": a.can("gate.apply_slip"),
    })


def _refusal(errors: list[dict]) -> tuple[list[str], dict]:
    """A refused application: each problem under its input (core.templatetags.forms), the others (a list
    line's quantity, the enterprise) above the form, named in words."""
    inline: dict[str, list[str]] = {}
    above: list[str] = []
    for e in errors:
        name = input_of(e["field"])
        if name in SLIP_FIELDS:
            inline.setdefault(name, []).append(e["message"])
            continue
        label = field_label(e["field"])
        above.append(f"{label}: {e['message']}" if label else e["message"])
    if inline:
        above.insert(0, _("The form was not saved: correct the marked fields."))
    return above, {"form": "slip", "errors": inline, "data": {}}


def _form_context(a, data=None, errors=None, key=None):
    above, refused = _refusal(errors or [])
    return {
        "data": data or {"binding": "2", "direction": "I", "slip_type": SlipType.SECOND_LINE.value},
        "errors": above, "refused_form": refused, "idempotency_key": key or new_idempotency_key(),
        "slip_types": SLIP_TYPE_LABELS.items(), "bindings": BINDING_LABELS.items(),
        "goods_classes": [(k, v) for k, v in GOODS_CLASS_LABELS.items() if k != "empty"],
    }


def _lines_from_post(post) -> list[dict]:
    seqs, quantities = post.getlist("line-seq"), post.getlist("line-quantity")
    return [{"seq": s, "quantity": q} for s, q in zip(seqs, quantities, strict=False) if s.strip() or q.strip()]


@page
def slip_create(request):
    a = actor(request)
    a.require("gate.apply_slip")
    if request.method != "POST":
        return render(request, "gate/slip_form.html", _form_context(a))
    data = {k: request.POST.get(k, "").strip() for k in SLIP_FIELDS}
    data["lines"] = _lines_from_post(request.POST)
    key = request.POST.get("idempotency_key")
    try:
        slip = services.apply_slip(actor=a, enterprise_id=None, data=data, idempotency_key=key)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "gate/slip_form.html", _form_context(a, data, errors_of(exc), key), status=400)
    messages.success(request, _("Slip %(number)s applied for.") % {"number": slip.number})
    return redirect("gate:slip", slip_id=slip.pk)


@page
def slip_sas121(request, slip_id: int):
    try:
        name, document = services.sas121_document(actor(request), slip_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        flash_refusal(request, exc)
        return redirect("gate:slip", slip_id=slip_id)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page
def slip_detail(request, slip_id: int):
    a = actor(request)
    slip = selectors.slip(a, slip_id)
    return render(request, "gate/slip_detail.html", {
        "slip": slip, "lists": selectors.slip_lists(slip), "lines": selectors.slip_lines(slip),
        "passages": selectors.passages(a).filter(slip=slip)[:50],
        "inspection": getattr(slip, "inspection_record", None),
        "can": {k: a.can(f"gate.{k}") for k in ("approve_slip", "cancel_slip", "inspect")},
        "idempotency_key": new_idempotency_key(),
    })


def _inspect(a, pk, p):
    seqs, found, lists = p.getlist("disc-seq"), p.getlist("disc-found"), p.getlist("disc-list")
    lists += [""] * (len(seqs) - len(lists))
    rows = [{"seq": s, "found": f, **({"list_id": ln} if ln.strip() else {})}
            for s, f, ln in zip(seqs, found, lists, strict=False) if s.strip() or f.strip()]
    return services.record_inspection(actor=a, slip_id=pk, result=p.get("result", ""),
                                      release=p.get("release") == "1", note=p.get("note", ""), discrepancies=rows)


INSPECT_INPUTS = ("result", "disc-seq", "disc-found", "disc-list", "note")
_DISC_INPUT = re.compile(r"^discrepancies\[1\]\.(seq|found|list_id)$")


def _on_inspect_form(exc: DomainError) -> DomainError:
    """The refusal of an inspection as the form's inputs name it: its one discrepancy row is `disc-seq`,
    `disc-found` and `disc-list` (the service's `discrepancies[1].seq` …)."""
    names = {"seq": "disc-seq", "found": "disc-found", "list_id": "disc-list"}
    problems = [replace(p, field=names[m[1]]) if (m := _DISC_INPUT.match(p.field)) else p for p in exc.problems]
    return type(exc)(problems)


ACTIONS = {
    "approve": lambda a, pk, p: services.approve_slip(actor=a, slip_id=pk, idempotency_key=p.get("idempotency_key")),
    "cancel": lambda a, pk, p: services.cancel_slip(actor=a, slip_id=pk, reason=p.get("reason", "")),
    "inspect": _inspect,
}


@page
def slip_action(request, slip_id: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](actor(request), slip_id, request.POST)
    except DomainError as exc:
        if action == "inspect":  # what the officer typed stays, each problem under its input
            flash_refusal(request, _on_inspect_form(exc), form=f"inspect-{slip_id}", fields=INSPECT_INPUTS)
        else:
            flash_refusal(request, exc)
        return redirect("gate:slip", slip_id=slip_id)
    messages.success(request, {"approve": _("Approved."), "cancel": _("Cancelled."),
                               "inspect": _("Inspection result recorded.")}[action])
    if request.POST.get("next") == "screen":
        return redirect("gate:screen")
    return redirect("gate:slip", slip_id=slip_id)


def _queue(a) -> dict:
    """The screen's queue; the slips waiting with their lists in one query (the inspection form offers a
    discrepancy only on a slip that carries a list)."""
    queue = selectors.queue(a)
    prefetch_related_objects([i.slip for i in queue["waiting"]], "links")
    return {**queue, "can_inspect": a.can("gate.inspect")}


@page
def screen(request):
    """The gate officer's screen: large, for a tablet; the queue refreshes itself (htmx)."""
    a = actor(request)
    a.require("gate.watch")
    return render(request, "gate/screen.html", {**_queue(a), "idempotency_key": new_idempotency_key()})


@page
def screen_feed(request):
    a = actor(request)
    a.require("gate.watch")
    return render(request, "gate/_screen_feed.html", _queue(a))


@page
def zone_settings(request, zone_id: int):
    a = actor(request)
    current = selectors.zone_settings(a, zone_id)
    if request.method == "POST":
        a.require("gate.manage")
        names = ("weight_tolerance_pct", "weight_tolerance_kg", "empty_tolerance_kg", "slip_valid_hours",
                 "random_rate_pct", "risk_credit_classes", "risk_trade_modes", "risk_hs_chapters")
        data = {k: request.POST.get(k, "") for k in names}
        for flag in ("weigh_non_bonded", "check_seal_non_bonded", "inspect_first_time_goods", "double_gate",
                     "check_elock"):
            data[flag] = request.POST.get(flag, "")
        try:
            services.update_settings(actor=a, zone_id=zone_id, data=data)
        except DomainError as exc:
            flash_refusal(request, exc)
            return redirect("gate:settings", zone_id=zone_id)
        messages.success(request, _("Gate settings saved."))
        return redirect("gate:settings", zone_id=zone_id)
    return render(request, "gate/settings.html", {"s": current, "zone_id": zone_id, "can_manage": a.can("gate.manage"),
                                                  "gates": selectors.gates(a).filter(zone_id=zone_id)})


DOOR_FIELDS = ("book_id", "door", "item_no", "quantity", "to_status", "reference", "note", "event_id")


@page
def door_passages(request):
    """库门: crossings of warehouse doors between non-bonded and bonded areas, and the form to record one."""
    a = actor(request)
    a.require("gate.view")
    f = {"door": request.GET.get("door", "").strip()}
    can_record = a.can("gate.door")
    data, errors, status = {"to_status": "bonded"}, [], 200
    if request.method == "POST":
        a.require("gate.door")
        data = {k: request.POST.get(k, "").strip() for k in DOOR_FIELDS}
        to_status = data["to_status"]
        payload = {**data, "from_status": {"bonded": "non_bonded", "non_bonded": "bonded"}.get(to_status, "")}
        book_id = inputs.as_id(data["book_id"])  # ASCII digits of an id: "１" is not book 1
        if book_id is None:
            errors, status = [{"field": "book_id", "message": _("Choose an account book.")}], 400
        else:
            try:
                record, replayed = services.record_door_passage(actor=a, book_id=book_id, data=payload)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                errors, status = errors_of(exc), 400
            else:
                messages.success(request, _("Door passage recorded: item %(item)s, %(quantity)s now %(status)s.") % {
                    "item": record.item_no, "quantity": record.quantity, "status": record.get_to_status_display()}
                    if not replayed else _("This door passage was already recorded."))
                return redirect("gate:door")
    page_obj, prefix = page_of(request, selectors.door_passages(a, door=f["door"]))
    return render(request, "gate/door.html", {
        "page": page_obj, "querystring_prefix": prefix, "f": f, "can_record": can_record, "data": data,
        "errors": errors, "books": books.books(a) if can_record else [], "event_id": new_idempotency_key(),
    }, status=status)


DOOR_CHANGE_INPUTS = ("quantity", "value")  # the page's inputs per line; the API takes every changeable field


@page
def door_list_change(request, list_id: int):
    """变更 of a door list before its goods passed the door: the quantity (and value) of each line."""
    a = actor(request)
    a.require("supervision.change_list")
    vlist = books.list_detail(a, list_id)
    lines = list(books.list_lines(vlist))
    if not crosses_warehouse_door((ln.goods_status, ln.target_status) for ln in lines):
        # not a door list: nothing here applies to it; the list's page with the reason, as list_edit does
        flash_refusal(request, DomainError(problem("list", "list_not_door_change", list=vlist.display_number)))
        return redirect("supervision:list", list_id=vlist.pk)
    typed, errors, status = {}, [], 200
    if request.method == "POST":
        typed = {f"{name}-{ln.seq}": request.POST.get(f"{name}-{ln.seq}", "").strip()
                 for ln in lines for name in DOOR_CHANGE_INPUTS}
        changes = {}
        for ln in lines:  # only what differs from the line as saved is a change
            fields = {name: typed[f"{name}-{ln.seq}"] for name in DOOR_CHANGE_INPUTS
                      if typed[f"{name}-{ln.seq}"] != str(getattr(ln, name))}
            if fields:
                changes[str(ln.seq)] = fields
        try:
            ledger.change_door_list(actor=a, list_id=vlist.pk, lines=changes, reason=request.POST.get("reason", ""),
                                    idempotency_key=request.POST.get("idempotency_key"))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors, status = errors_of(exc), 400
        else:
            messages.success(request, _("Door list %(list)s changed.") % {"list": vlist.display_number})
            return redirect("supervision:list", list_id=vlist.pk)
    rows = [{"line": ln, "errors": [e["message"] for e in errors if e["field"].startswith(f"lines[{ln.seq}]")],
             **{name: typed.get(f"{name}-{ln.seq}", getattr(ln, name)) for name in DOOR_CHANGE_INPUTS}}
            for ln in lines]
    # every refusal in the summary as well as under its line: on a phone the lines' table scrolls sideways
    return render(request, "gate/door_list_change.html", {
        "vlist": vlist, "rows": rows, "errors": errors, "reason": request.POST.get("reason", ""),
        "idempotency_key": request.POST.get("idempotency_key") or new_idempotency_key(),
    }, status=status)
