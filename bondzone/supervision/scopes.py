"""Who sees which account-book rows. Enterprise users: their own; zone-bound staff: their zone;
roles without `supervision.view_book` (market supervision, commerce): none."""

from bondzone.core.scoping import by_enterprise_or_zone, scope_rule

from .models import (
    AccountBook, BookItem, Reservation, StockAccount, StockEntry, VerificationList, VerificationListLine,
)

VIEW = "supervision.view_book"

scope_rule(AccountBook)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(BookItem)(by_enterprise_or_zone("book__enterprise_id", "book__zone_id", VIEW))
scope_rule(StockAccount)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(VerificationList)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(VerificationListLine)(by_enterprise_or_zone("vlist__enterprise_id", "vlist__zone_id", VIEW))
scope_rule(StockEntry)(by_enterprise_or_zone("account__enterprise_id", "account__zone_id", VIEW))
scope_rule(Reservation)(by_enterprise_or_zone("account__enterprise_id", "account__zone_id", VIEW))
