"""Tables of the duties part (rate tables and exchange rates come with the rate-table increment)."""
