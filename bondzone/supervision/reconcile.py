"""`bondzone verify-books`: fold every account's entries and compare with its balance row.

Invariants (docs/ledger.md): posted = Σ posted_delta and reserved = Σ reserved_delta per account;
0 ≤ reserved ≤ posted; every entry traces to a line of an approved list on the same item, goods
status and unit, with the sign of that list's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from bondzone.core.domain.quantity import from_units


@dataclass(frozen=True)
class Finding:
    account_id: int | None
    entry_id: int | None
    message: str


def verify() -> tuple[int, int, list[Finding]]:
    """Returns (accounts checked, entries checked, findings)."""
    findings: list[Finding] = []
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM supervision_stockaccount")
        n_accounts = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM supervision_stockentry")
        n_entries = cur.fetchone()[0]
        cur.execute(
            """
            SELECT a.id, a.posted, a.reserved, COALESCE(s.p, 0), COALESCE(s.r, 0)
            FROM supervision_stockaccount a
            LEFT JOIN (SELECT account_id, SUM(posted_delta) AS p, SUM(reserved_delta) AS r
                       FROM supervision_stockentry GROUP BY account_id) s ON s.account_id = a.id
            WHERE a.posted <> COALESCE(s.p, 0) OR a.reserved <> COALESCE(s.r, 0)
               OR a.reserved < 0 OR a.reserved > a.posted
            """
        )
        for acc_id, posted, reserved, p, r in cur.fetchall():
            findings.append(Finding(acc_id, None, (
                f"account {acc_id}: balance posted={from_units(posted)} reserved={from_units(reserved)}, "
                f"entries fold to posted={from_units(int(p))} reserved={from_units(int(r))}")))
        cur.execute(
            """
            SELECT e.id, e.account_id, l.id, v.status, v.direction, e.posted_delta,
                   a.item_id, l.item_id, a.goods_status, l.goods_status, a.unit, l.unit, l.quantity
            FROM supervision_stockentry e
            JOIN supervision_stockaccount a ON a.id = e.account_id
            LEFT JOIN supervision_verificationlistline l ON l.id = e.line_id
            LEFT JOIN supervision_verificationlist v ON v.id = l.vlist_id
            WHERE l.id IS NULL OR v.status <> 'approved' OR a.item_id <> l.item_id
               OR a.goods_status <> l.goods_status OR a.unit <> l.unit
               OR (v.direction = 'I' AND e.posted_delta <> l.quantity)
               OR (v.direction = 'E' AND e.posted_delta <> -l.quantity)
            """
        )
        for row in cur.fetchall():
            entry_id, acc_id, line_id, status = row[0], row[1], row[2], row[3]
            if line_id is None:
                msg = f"entry {entry_id} on account {acc_id} traces to no list line"
            elif status != "approved":
                msg = f"entry {entry_id} traces to line {line_id} of a list that is {status}, not approved"
            else:
                msg = f"entry {entry_id} does not match its line {line_id} (account, status, unit or quantity)"
            findings.append(Finding(acc_id, entry_id, msg))
        cur.execute(
            """
            SELECT l.id, COUNT(e.id) FROM supervision_verificationlistline l
            JOIN supervision_verificationlist v ON v.id = l.vlist_id
            LEFT JOIN supervision_stockentry e ON e.line_id = l.id
            WHERE v.status = 'approved' GROUP BY l.id HAVING COUNT(e.id) <> 1
            """
        )
        for line_id, count in cur.fetchall():
            findings.append(Finding(None, None, f"line {line_id} of an approved list has {count} entries, not 1"))
    return n_accounts, n_entries, findings
