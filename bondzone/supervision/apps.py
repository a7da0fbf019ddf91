from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bondzone.core.labels import in_language

from .domain.codes import (
    COUNTRIES, CURRENCIES, DECLARATION_FLAGS, DECLARATION_TYPES, LIST_TYPES, TRADE_MODES, TRANSPORT_MODES, UNITS,
)


def _named_by(table: dict[str, tuple[str, str]]):
    """A labels namer for a code table of (Chinese name, English name)."""
    def name(code: str) -> str | None:
        return in_language(*table[code]) if code in table else None

    return name


def _trade_mode_name(code: str) -> str | None:
    mode = TRADE_MODES.get(code)
    return in_language(mode.name_zh, mode.name_en) if mode else None


def _unit_name(code: str) -> str | None:
    unit = UNITS.get(code)
    return in_language(unit.name_zh, unit.name_en) if unit else None


# the audit trail's action column in words (the code stays in the cell's title and in exports)
AUDIT_ACTIONS = {
    "book.create": _("account book registered"), "book_item.create": _("book item recorded"),
    "book.processing_kind": _("processing kind of the book recorded"),
    "list.create": _("list saved as a draft"), "list.correct": _("draft list edited"),
    "list.submit": _("list submitted to customs"), "list.withdraw": _("list withdrawn"),
    "list.approve": _("list approved"), "list.reject": _("list rejected"), "list.delete": _("draft list deleted"),
    "list.cancel": _("approved list deleted (删单)"), "list.change": _("list changed (变更)"),
    "list.reverse": _("list reversed by a counter-list"), "list.pass": _("goods passed: reserved quantities posted"),
    "list.expire": _("list reservations expired"), "list.void": _("list voided"),
    "list.solid_waste_hold": _("list held or released: solid waste (固体废物)"),
    "ledger.reserve": _("quantities reserved"), "ledger.post_reserved": _("reserved quantities posted"),
    "ledger.void": _("reservations voided"),
}


class SupervisionConfig(AppConfig):
    name = "bondzone.supervision"
    label = "supervision"
    verbose_name = _("Smart supervision")

    def ready(self):
        from bondzone.core import labels

        from . import permissions, scopes, tasks  # noqa: F401
        from .models import (
            ENTRY_KIND_LABELS, GOODS_STATUS_LABELS, LEFTOVER_LABELS, LIST_STATUS_LABELS, POSTING_STATE_LABELS, PROCESSING_KIND_LABELS,
            AccountBook, VerificationList,
        )

        labels.register("audit_action", AUDIT_ACTIONS)
        labels.register("source_kind", {"list": VerificationList._meta.verbose_name})  # the ledger's source documents
        labels.register("goods_status", GOODS_STATUS_LABELS)
        labels.register("leftover", LEFTOVER_LABELS)
        labels.register("processing_kind", PROCESSING_KIND_LABELS)
        labels.register("list_status", LIST_STATUS_LABELS)
        labels.register("list_statuses", labels.each("list_status", "/", " / "))  # "draft / rejected"
        # where a list stands for its goods: its status, or once approved its posting state (no code is both)
        labels.register("list_state", {**LIST_STATUS_LABELS, **POSTING_STATE_LABELS})
        labels.register("list_type", _named_by(LIST_TYPES))
        labels.register("unit", _unit_name)
        labels.register("trade_mode", _trade_mode_name)
        labels.register("currency", _named_by(CURRENCIES))
        labels.register("transport_mode", _named_by(TRANSPORT_MODES))
        labels.register("country", _named_by(COUNTRIES))
        labels.register("declaration_flag", _named_by(DECLARATION_FLAGS))
        labels.register("declaration_type", _named_by(DECLARATION_TYPES))
        labels.register("book_kind", dict(AccountBook._meta.get_field("kind").choices))
        labels.register("entry_kind", ENTRY_KIND_LABELS)
