from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bondzone.core.labels import in_language

from .domain.regimes import RULES


def _legal_basis(kind: str) -> str | None:
    rule = RULES.get(kind)
    return in_language(rule.legal_basis_zh, rule.legal_basis_en) if rule else None


class DutiesConfig(AppConfig):
    """关税与进口环节税: the duty engine, rate tables and exchange rates, quotations (issue 12)."""

    name = "bondzone.duties"
    label = "duties"
    verbose_name = _("Duties")

    def ready(self):
        from bondzone.core import labels

        from . import permissions, scopes, tasks  # noqa: F401
        from .models import GUARANTEE_STATUS_NAMES, GuaranteeEntry, GuaranteeKind, RegimeAlert, RegimeKind, RegimeList, RegimeStatus
        from .models import DomesticSale, DomesticSaleStatus, TaxBill

        labels.register("guarantee_kind", dict(GuaranteeKind.choices))
        labels.register("id_number_fault", permissions.ID_NUMBER_FAULTS)
        labels.register("guarantee_entry_kind", dict(GuaranteeEntry.Kind.choices))
        labels.register("guarantee_status", GUARANTEE_STATUS_NAMES)
        labels.register("regime_kind", dict(RegimeKind.choices))
        labels.register("regime_status", dict(RegimeStatus.choices))
        # a regime kind's legal basis, whole in the reader's language (domain.regimes holds it in both)
        labels.register("regime_legal_basis", _legal_basis)
        labels.register("regime_alert_kind", dict(RegimeAlert.Kind.choices))
        labels.register("regime_list_role", dict(RegimeList.Role.choices))
        labels.register("tax_bill_state", dict(TaxBill.State.choices))
        labels.register("domestic_status", dict(DomesticSaleStatus.choices))
        labels.register("domestic_mode", dict(DomesticSale.Mode.choices))
        labels.register("duty_basis", {"goods": _("Goods basis"), "materials": _("Materials basis")})
