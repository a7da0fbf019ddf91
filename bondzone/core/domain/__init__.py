"""Pure rules shared by every part: no Django, no HTTP, no ORM (checked by import-linter)."""
