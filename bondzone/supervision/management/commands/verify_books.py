from bondzone.core.commands import ServiceCommand
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.messages import render
from bondzone.supervision.reconcile import verify


class Command(ServiceCommand):
    help = "Fold every account's entries and compare with its balance row; exit 1 on any mismatch."
    requires_user = False

    def run(self, actor, **options):
        n_accounts, n_entries, findings = verify()
        for f in findings:
            self.stdout.write(f"MISMATCH {f.message}")
        summary = problem("", "books_mismatch", accounts=n_accounts, entries=n_entries, count=len(findings))
        if findings:
            raise DomainError(summary)
        self.stdout.write(self.style.SUCCESS(f"OK: {render(summary)}"))
