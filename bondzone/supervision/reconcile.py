"""`bondzone verify-books`: fold every account's entries and reservations and compare with its balance row.

Invariants (docs/ledger.md):
1. posted = Σ posted_delta, reserved = Σ reserved_delta, incoming = Σ incoming_delta per account;
2. 0 ≤ reserved ≤ posted, incoming ≥ 0;
3. reserved = Σ what is left of the open outbound reservations, incoming = the same for inbound ones;
4. every reservation ended at most once and its entries fold to it: reserve entries summing to its quantity
   (one, or more when a 变更 resized it before anything posted),
   post entries summing to its posted share, void entries to its voided rest (at most one), and it is
   open, posted or voided exactly as those say;
5. every entry of a list traces to a line of an approved (or cancelled) list on the same item, goods
   status and book unit, with the sign of the list's direction and the line's book quantity (a status
   change line: out of its status, into its target status); a list posted at approval has exactly one
   direct entry per line (two for a status change), a reserved one exactly one reservation per line.
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


_BALANCES = """
SELECT a.id, a.posted, a.reserved, a.incoming, COALESCE(s.p, 0), COALESCE(s.r, 0), COALESCE(s.i, 0),
       COALESCE(o.r, 0), COALESCE(o.i, 0)
FROM supervision_stockaccount a
LEFT JOIN (SELECT account_id, SUM(posted_delta) AS p, SUM(reserved_delta) AS r, SUM(incoming_delta) AS i
           FROM supervision_stockentry GROUP BY account_id) s ON s.account_id = a.id
LEFT JOIN (SELECT account_id,
                  SUM(CASE WHEN sign < 0 THEN quantity - posted ELSE 0 END) AS r,
                  SUM(CASE WHEN sign > 0 THEN quantity - posted ELSE 0 END) AS i
           FROM supervision_reservation WHERE state = 'open' GROUP BY account_id) o ON o.account_id = a.id
WHERE a.posted <> COALESCE(s.p, 0) OR a.reserved <> COALESCE(s.r, 0) OR a.incoming <> COALESCE(s.i, 0)
   OR a.reserved < 0 OR a.reserved > a.posted OR a.incoming < 0
   OR a.reserved <> COALESCE(o.r, 0) OR a.incoming <> COALESCE(o.i, 0)
"""

# per reservation: what its entries say (reserve quantity, posted and voided shares, void count)
_RESERVATIONS = """
SELECT r.id, r.account_id, r.quantity, r.posted, r.voided, r.state, r.ended_at IS NOT NULL,
       COALESCE(e.reserved, 0), COALESCE(e.posted, 0), COALESCE(e.voided, 0), COALESCE(e.voids, 0),
       COALESCE(e.reserves, 0), COALESCE(e.wrong_account, 0)
FROM supervision_reservation r
LEFT JOIN (
  SELECT reservation_id,
         SUM(CASE WHEN kind = 'reserve' THEN reserved_delta + incoming_delta ELSE 0 END) AS reserved,
         SUM(CASE WHEN kind = 'post' THEN -(reserved_delta + incoming_delta) ELSE 0 END) AS posted,
         SUM(CASE WHEN kind = 'void' THEN -(reserved_delta + incoming_delta) ELSE 0 END) AS voided,
         SUM(CASE WHEN kind = 'void' THEN 1 ELSE 0 END) AS voids,
         SUM(CASE WHEN kind = 'reserve' THEN 1 ELSE 0 END) AS reserves,
         SUM(CASE WHEN x.account_id <> (SELECT account_id FROM supervision_reservation y
                                        WHERE y.id = x.reservation_id) THEN 1 ELSE 0 END) AS wrong_account
  FROM supervision_stockentry x WHERE reservation_id IS NOT NULL GROUP BY reservation_id
) e ON e.reservation_id = r.id
"""

# direct entries and reservations of lists against the lines they name
_LIST_SOURCES = """
SELECT 'entry', e.id, e.account_id, l.id, v.status, v.posting_state, v.direction,
       a.item_id, l.item_id, a.goods_status, l.goods_status, a.unit, l.book_unit, e.posted_delta, l.book_quantity,
       l.target_status
FROM supervision_stockentry e
JOIN supervision_stockaccount a ON a.id = e.account_id
LEFT JOIN supervision_verificationlist v ON v.id = e.source_id
LEFT JOIN supervision_verificationlistline l ON l.vlist_id = e.source_id AND l.seq = e.source_line
WHERE e.source_kind = 'list' AND e.kind = 'direct'
UNION ALL
SELECT 'reservation', r.id, r.account_id, l.id, v.status, v.posting_state, v.direction,
       a.item_id, l.item_id, a.goods_status, l.goods_status, a.unit, l.book_unit, r.sign * r.quantity, l.book_quantity,
       l.target_status
FROM supervision_reservation r
JOIN supervision_stockaccount a ON a.id = r.account_id
LEFT JOIN supervision_verificationlist v ON v.id = r.source_id
LEFT JOIN supervision_verificationlistline l ON l.vlist_id = r.source_id AND l.seq = r.source_line
WHERE r.source_kind = 'list'
"""

_LINE_COUNTS = """
SELECT l.id, COALESCE(v.number, v.pre_entry_no), v.posting_state, l.target_status,
       (SELECT COUNT(*) FROM supervision_stockentry e
        WHERE e.source_kind = 'list' AND e.kind = 'direct' AND e.source_id = v.id AND e.source_line = l.seq),
       (SELECT COUNT(*) FROM supervision_reservation r
        WHERE r.source_kind = 'list' AND r.source_id = v.id AND r.source_line = l.seq)
FROM supervision_verificationlistline l
JOIN supervision_verificationlist v ON v.id = l.vlist_id
WHERE v.status IN ('approved', 'cancelled')
"""


def verify() -> tuple[int, int, list[Finding]]:
    """Returns (accounts checked, entries checked, findings)."""
    findings: list[Finding] = []
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM supervision_stockaccount")
        n_accounts = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM supervision_stockentry")
        n_entries = cur.fetchone()[0]
        cur.execute(_BALANCES)
        for acc_id, posted, reserved, incoming, p, r, i, open_r, open_i in cur.fetchall():
            q = [from_units(int(x)) for x in (posted, reserved, incoming, p, r, i, open_r, open_i)]
            findings.append(Finding(acc_id, None, (
                f"account {acc_id}: balance posted={q[0]} reserved={q[1]} incoming={q[2]}, "
                f"entries fold to posted={q[3]} reserved={q[4]} incoming={q[5]}, "
                f"open reservations hold reserved={q[6]} incoming={q[7]}")))
        cur.execute(_RESERVATIONS)
        for row in cur.fetchall():
            findings += _reservation_findings(row)
        cur.execute(_LIST_SOURCES)
        for row in cur.fetchall():
            findings += _list_source_findings(row)
        cur.execute(_LINE_COUNTS)
        for line_id, number, state, target, direct, reservations in cur.fetchall():
            # posted at approval: one direct entry per line; reserved at approval: one reservation per line
            # (a status change: two of either; one reserved at approval is goods crossing a warehouse door)
            moves = 2 if target else 1
            allowed = {(moves, 0), (0, moves)} if state == "posted" else {(0, moves)}
            if (direct, reservations) not in allowed:
                findings.append(Finding(None, None, (
                    f"line {line_id} of list {number} ({state}) has {direct} direct entries and "
                    f"{reservations} reservations")))
    return n_accounts, n_entries, findings


def _reservation_findings(row) -> list[Finding]:
    (rid, acc_id, quantity, posted, voided, state, ended, e_reserved, e_posted, e_voided, voids, reserves,
     wrong_account) = row
    quantity, posted, voided = int(quantity), int(posted), int(voided)
    problems = []
    if reserves < 1 or int(e_reserved) != quantity:  # more than one: a 变更 resized it (ledger.resize)
        problems.append(f"{reserves} reserve entries for {from_units(int(e_reserved))}, quantity {from_units(quantity)}")
    if int(e_posted) != posted:
        problems.append(f"post entries {from_units(int(e_posted))}, posted {from_units(posted)}")
    if int(e_voided) != voided or voids > 1 or (voids == 1) != (state == "voided"):
        problems.append(f"{voids} void entries for {from_units(int(e_voided))}, voided {from_units(voided)}")
    ends_ok = {
        "open": not ended and voided == 0 and posted < quantity,
        "posted": ended and voided == 0 and posted == quantity,
        "voided": ended and voided > 0 and posted + voided == quantity,
    }.get(state, False)
    if not ends_ok:
        problems.append(f"state {state} does not match posted {from_units(posted)} + voided {from_units(voided)} "
                        f"of {from_units(quantity)}")
    if wrong_account:
        problems.append(f"{wrong_account} entries on another account")
    return [Finding(acc_id, None, f"reservation {rid}: {p}") for p in problems]


def _list_source_findings(row) -> list[Finding]:
    (what, pk, acc_id, line_id, status, state, direction, a_item, l_item, a_status, l_status, a_unit, l_unit,
     delta, quantity, target) = row
    entry_id = pk if what == "entry" else None
    if line_id is None:
        return [Finding(acc_id, entry_id, f"{what} {pk} on account {acc_id} traces to no list line")]
    if status not in ("approved", "cancelled"):
        return [Finding(acc_id, entry_id, f"{what} {pk} traces to line {line_id} of a list that is {status}")]
    sign = 1 if direction == "I" else -1
    if target:  # a status change: out of the line's status, into its target status
        expected = {l_status: -int(quantity), target: int(quantity)}.get(a_status)
    else:
        expected = sign * int(quantity) if a_status == l_status else None
    if (a_item, a_unit) != (l_item, l_unit) or int(delta) != expected:
        return [Finding(acc_id, entry_id,
                        f"{what} {pk} does not match its line {line_id} (account, status, unit or quantity)")]
    return []
