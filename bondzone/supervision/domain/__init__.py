"""Pure rules of the account book: codes, validation, posting. No Django (import-linter contract)."""
