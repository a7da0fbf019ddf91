"""Writes of the policy task ledger. Each service checks the actor's permission, validates with the
pure rules in domain/, writes in one durable transaction and records an audit row in it. The ledger
office's writes take an optional Idempotency-Key (`once`): a retry returns the first result. The unit
assessment (考核: rules and frozen scores) is in `assessment.py`."""

from bondzone.core.actor import SYSTEM as SYSTEM  # re-exported: commands and the demo act as it

from .annual_lists import (  # noqa: F401  (the package's interface)
    carry_over,
    create_annual_list,
    revise_annual_list,
)
from .assessment import assessment_weights as assessment_weights
from .assessment import freeze_assessment as freeze_assessment
from .assessment import set_assessment_rules as set_assessment_rules
from .common import (  # noqa: F401  (the package's interface)
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_WORKDAYS,
    PERCENT_DIGITS,
    TASK_FIELDS,
    once,
    parent_map,
    recompute_up,
    task_snapshot,
)
from .issues import (  # noqa: F401  (the package's interface)
    add_decision,
    close_issue,
    create_meeting,
    escalate_issue,
    raise_issue,
)
from .office import (  # noqa: F401  (the package's interface)
    assigned_units,
    collective_members,
    confirm_lead,
    expand_all_collectives,
    expand_collectives,
    issue_notice,
    sign_task,
)
from .policy import (  # noqa: F401  (the package's interface)
    load_policy,
)
from .reminders import (  # noqa: F401  (the package's interface)
    run_reminders,
    visible_task_ids,
)
from .reports import (  # noqa: F401  (the package's interface)
    decide_extension,
    default_unit,
    request_extension,
    review_report,
    submit_report,
)
from .tasks import (  # noqa: F401  (the package's interface)
    _sibling_weights_problems,
    _validate_task,
    create_task,
    set_weights,
    update_task,
)
from .units import (  # noqa: F401  (the package's interface)
    add_member,
    create_unit,
)
