from django.core.management.base import BaseCommand, CommandError

from bondzone.supervision.reconcile import verify


class Command(BaseCommand):
    help = "Fold every account's entries and compare with its balance row; exit 1 on any mismatch."

    def handle(self, *args, **options):
        n_accounts, n_entries, findings = verify()
        for f in findings:
            self.stdout.write(f"MISMATCH {f.message}")
        summary = f"{n_accounts} accounts, {n_entries} entries checked; {len(findings)} problem(s)."
        if findings:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(f"OK: {summary}"))
