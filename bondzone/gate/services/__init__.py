"""Writes of the gate, by subject: slips (apply, approve, cancel), the gate's report (passage),
inspection results, the slip as SAS121 / SAS221 messages, and the zone's gate settings and gates."""

from .door import record_door_passage
from .inspection import record_inspection
from .messages import apply_receipt, sas121_document
from .passage import report_passage
from .settings import create_gate, issue_gate_token, update_settings
from .slips import apply_slip, approve_slip, cancel_slip

__all__ = [
    "apply_receipt", "apply_slip", "approve_slip", "cancel_slip", "create_gate", "issue_gate_token", "record_door_passage", "record_inspection",
    "report_passage", "sas121_document", "update_settings",
]
