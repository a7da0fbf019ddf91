"""Pure rules of information sharing: the before/after difference, the agencies' field policy, event kinds,
webhook signatures, back-off and allowed targets. No Django (import-linter)."""
