"""BondZone: a platform for running a comprehensive bonded zone (综合保税区)."""
