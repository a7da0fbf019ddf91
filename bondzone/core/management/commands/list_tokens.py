from bondzone.core import selectors
from bondzone.core.actor import SYSTEM
from bondzone.core.commands import ServiceCommand



class Command(ServiceCommand):
    help = "List API tokens (id, user, name, scope, actions, expires, last used, revoked) — never the tokens themselves."
    requires_user = False

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="only this user's tokens")

    def run(self, actor, **o):
        qs = selectors.api_tokens(SYSTEM)
        if o["username"]:
            qs = qs.filter(user__username=o["username"])
        for t in qs:
            used = t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "-"
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else ("active" if t.active else "expired")
            actions = ",".join(t.actions) if t.actions else "all"
            self.stdout.write(f"{t.pk}\t{t.user.get_username()}\t{t.name}\t{t.scope}\tactions {actions}\t"
                              f"expires {t.expires_at:%Y-%m-%d}\tused {used}\t{state}")
