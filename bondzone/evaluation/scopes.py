"""Scoping rules for this app's models (register one per model with core.scoping.scope_rule)."""
