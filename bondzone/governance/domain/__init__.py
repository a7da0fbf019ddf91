"""Pure rules of the policy task ledger: no Django, no ORM, no HTTP (import-linter enforces it)."""
