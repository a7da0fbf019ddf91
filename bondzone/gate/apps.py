from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from bondzone.core import labels

AUDIT_ACTIONS = {
    "slip.apply": _("release slip applied for"), "slip.approve": _("release slip approved"),
    "slip.cancel": _("release slip cancelled"), "slip.inspect": _("inspection result recorded"),
    "gate.pass": _("vehicle passed the gate"), "gate.hold": _("vehicle held at the gate"),
    "gate.refuse": _("vehicle refused at the gate"), "door.pass": _("goods passed a warehouse door"),
    "slip.receipt": _("customs receipt (SAS221) applied to a release slip"),
    "gate.create": _("gate set up"), "gate.token": _("gate token issued"), "gate.settings": _("gate settings changed"),
}


class GateConfig(AppConfig):
    """卡口: release slips (核放单), gate passages and inspection."""

    name = "bondzone.gate"
    label = "gate"
    verbose_name = _("Gate")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
        from .models import (
            BINDING_LABELS, DOOR_STATUS_LABELS, GOODS_CLASS_LABELS, HOLD_REASON_LABELS,
            INSPECTION_LABELS, OUTCOME_LABELS, RECEIPT_DECISION_LABELS, RECEIPT_EFFECT_LABELS, RESULT_LABELS,
            SLIP_STATUS_LABELS, SLIP_TYPE_LABELS,
        )

        labels.register("slip_type", SLIP_TYPE_LABELS)
        labels.register("slip_binding", BINDING_LABELS)
        labels.register("slip_status", SLIP_STATUS_LABELS)
        labels.register("slip_inspection", INSPECTION_LABELS)
        labels.register("goods_class", GOODS_CLASS_LABELS)
        labels.register("gate_outcome", OUTCOME_LABELS)
        labels.register("inspection_result", RESULT_LABELS)
        labels.register("door_status", DOOR_STATUS_LABELS)
        labels.register("gate_hold_reason", HOLD_REASON_LABELS)
        labels.register("gate_hold_reasons", labels.each("gate_hold_reason", ","))
        labels.register("slip_statuses", labels.each("slip_status", "/", " / "))
        labels.register("receipt_decision", RECEIPT_DECISION_LABELS)
        labels.register("receipt_effect", RECEIPT_EFFECT_LABELS)
        labels.register("audit_action", AUDIT_ACTIONS)
        # the ledger's source documents this app posts (a write-off's "explained by": 过卡记录 #7)
        from .models import DoorPassage, Passage
        from .posting import SOURCE_KIND as PASSAGE_KIND
        from .services.door import SOURCE_KIND as DOOR_KIND

        labels.register("source_kind", {PASSAGE_KIND: Passage._meta.verbose_name,
                                        DOOR_KIND: DoorPassage._meta.verbose_name})
