
from bondzone.core.commands import ServiceCommand, id_argument
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import new_idempotency_key
from bondzone.supervision import services


class Command(ServiceCommand):
    help = ("Act on a verification list: submit, withdraw, approve, reject, pass (goods passed: post the reserved "
            "shares), cancel (删单 before posting), reverse or delete.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", choices=["submit", "withdraw", "approve", "reject", "pass", "cancel", "reverse",
                                               "delete"])
        parser.add_argument("list_id", type=id_argument)
        parser.add_argument("--reason", default="")
        parser.add_argument("--date", default="", help="posting date YYYY-MM-DD (approve, reverse)")
        parser.add_argument("--idempotency-key", default="")
        parser.add_argument("--share", action="append", default=[], metavar="LINE=QTY",
                            help="pass: the quantity of one line passing now (repeat; none = all still reserved)")
        parser.add_argument("--event-id", default="", help="pass: the passage's event id (default: from the key)")

    def run(self, actor, **o):
        problems = []
        when = inputs.collect_date(o["date"], "--date", problems, window=inputs.RECORDED)
        if problems:
            raise DomainError(problems)
        key = o["idempotency_key"] or new_idempotency_key()
        pk, action = o["list_id"], o["action"]
        if action == "pass":
            shares = {}
            for item in o["share"]:
                line, sep, qty = item.partition("=")
                if not sep:
                    raise DomainError(problem("--share", "bad_format", value=item, example="1=10"))
                shares[line.strip()] = qty.strip()
            r = services.pass_goods(actor=actor, list_id=pk, event_id=o["event_id"] or f"manual:{key}",
                                    shares=shares or None, effective_date=when, idempotency_key=key)
            posted = ", ".join(f"line {line}: {q}" for line, q in sorted(r.posted.items()))
            self.stdout.write(f"List {pk}: posted {posted}; {'complete' if r.complete else 'still reserved in part'}")
            return
        if action == "submit":
            v = services.submit_list(actor=actor, list_id=pk, idempotency_key=key)
        elif action == "withdraw":
            v = services.withdraw_list(actor=actor, list_id=pk)
        elif action == "cancel":
            v = services.cancel_list(actor=actor, list_id=pk, reason=o["reason"], idempotency_key=key)
        elif action == "approve":
            v = services.approve_list(actor=actor, list_id=pk, idempotency_key=key, effective_date=when)
        elif action == "reject":
            v = services.reject_list(actor=actor, list_id=pk, reason=o["reason"])
        elif action == "reverse":
            v = services.reverse_list(actor=actor, list_id=pk, reason=o["reason"], idempotency_key=key,
                                      effective_date=when)
        else:
            services.delete_list(actor=actor, list_id=pk)
            self.stdout.write(f"Deleted draft list {pk}.")
            return
        self.stdout.write(f"List {v.pk} {v.display_number}: {v.status}" + (f" ({v.posting_state})" if v.posting_state else ""))
