"""Demo data: each agency subscribes to the events it may receive (in-app notifications; no webhook, the
demo machine has no receiver), the newest approved lists of the demo are announced to them, and tax has a
monthly export with its first file."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db.models import Q

from bondzone.core.actor import actor_of

from . import services
from .domain.events import kinds_for
from .models import OutboxEvent

SUBSCRIBERS = [("customs", "海关监管通知（演示）"), ("tax", "税务：清单与登记（演示）"),
               ("market", "市场监管：企业登记（演示）"), ("commerce", "两区办：诉求提级（演示）"),
               ("zone_tz", "天竺综保区：全部事件（演示）")]


def load_demo(rng: random.Random) -> None:
    users = {u.username: actor_of(u) for u in get_user_model().objects.filter(
        username__in=[name for name, _title in SUBSCRIBERS])}
    for username, title in SUBSCRIBERS:
        a = users.get(username)
        if a is None:
            continue
        services.create_subscription(actor=a, name=title, kinds=sorted(kinds_for(a.role)))
    # the supervision demo ran before these subscriptions existed: announce its newest approvals again
    newest = list(OutboxEvent.objects.filter(kind="list.approved").order_by("-at", "-id")
                  .values_list("pk", flat=True)[:12])
    OutboxEvent.objects.filter(Q(pk__in=newest) | Q(kind="enterprise.registered")).update(fanned_out_at=None)
    services.fan_out()
    # tax's monthly file of approved lists, run once
    if "tax" in users:
        services.create_export(actor=users["tax"], name="核注清单月报（演示）", dataset="lists", format="xlsx",
                               every="monthly")
        services.run_due_exports()
