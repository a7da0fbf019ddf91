import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from bondzone.core import demo
from bondzone.core.context import DEMO_REQUEST_ID, set_request_id
from bondzone.core.models import Zone


class Command(BaseCommand):
    help = "Load demo zones, enterprises, users and a year of account-book activity (synthetic)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20211)
        parser.add_argument("--lists", type=int, default=60, help="approved lists per demo enterprise")

    def handle(self, *args, **o):
        if Zone.objects.exists():
            self.stdout.write("Demo data already present; nothing loaded.")
            return
        set_request_id(DEMO_REQUEST_ID)
        rng = random.Random(o["seed"])
        with transaction.atomic():
            core = demo.load(rng)
        from bondzone.supervision import demo as supervision_demo

        totals = supervision_demo.load(rng, core["enterprises"], timezone.localdate(), o["lists"])
        for hook in demo_hooks():
            hook(rng)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {len(core['zones'])} zones, {len(core['enterprises'])} enterprises, {totals['books']} books, "
            f"{totals['items']} items, {totals['lists']} lists."))
        self.stdout.write("Demo logins (password: %s): %s" % (demo.DEMO_PASSWORD, ", ".join(core["users"])))


def demo_hooks():
    """Other apps add demo data by exposing `demo.load_demo(rng)` (looked up, not imported here)."""
    import importlib

    from django.apps import apps

    hooks = []
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("bondzone.") and cfg.label not in ("core", "supervision"):
            try:
                module = importlib.import_module(f"{cfg.name}.demo")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "load_demo"):
                hooks.append(module.load_demo)
    return hooks
