"""Actions of the policy task ledger and who may attempt them (data-level rules are in scopes.py),
plus the problem codes this app adds to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import CODED_PARAMS, MESSAGES

STAFF = {Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.MARKET, Role.COMMERCE, Role.PLATFORM_ADMIN}
MANAGERS = {Role.COMMERCE, Role.PLATFORM_ADMIN}  # 市商务局 / 两区办 keeps the ledger

register("governance.view_ledger", STAFF)  # the internal ledger (enterprises get the public view)
register("governance.manage", MANAGERS)  # tasks, weights, units, lists, meetings, import, load policy
register("governance.report", STAFF)  # progress reports and extension requests for one's own unit's tasks
register("governance.review", MANAGERS)  # accept / return reports, decide extensions
register("governance.raise_issue", {Role.ZONE_ADMIN, Role.COMMERCE, Role.PLATFORM_ADMIN})
register("governance.escalate", {Role.ZONE_ADMIN, Role.COMMERCE, Role.PLATFORM_ADMIN})
register("governance.export", STAFF)
register("governance.run_reminders", MANAGERS)
# every unit's assessment (考核) score; other staff see only their own units' (scopes.score_unit_ids)
register("governance.view_all_scores", MANAGERS)

MESSAGES.update({
    "task_cycle": _("Task %(task)s cannot be placed under %(parent)s: that would make a cycle in the task tree."),
    "weights_not_100": _("The weights of a weighted task's children must sum to 100 (they sum to %(total)s)."),
    "weight_missing": _("Every child of a weighted task needs a weight (missing for: %(tasks)s)."),
    "weight_out_of_range": _("Weight %(value)s is not between 0 and 100."),
    "progress_out_of_range": _("Progress %(value)s is not between 0 and 100."),
    "progress_computed": _("The progress of this task is computed from its children (%(mode)s); report on a sub-task."),
    "task_not_of_unit": _("Task %(task)s is not assigned to unit %(unit)s; report only on your own unit's tasks."),
    "not_a_member": _("You are not a member of unit %(unit)s."),
    "bad_period": _("“%(value)s” is not a period (YYYY-MM, YYYYQn or YYYYHn)."),
    "report_wrong_state": _("This report is %(state)s; only a submitted report can be reviewed."),
    "extension_after_due": _("An extension must be requested before the due date (%(due)s)."),
    "extension_not_later": _("The new due date %(new)s must be after the current one (%(old)s)."),
    "extension_pending": _("An extension request for this task is already pending."),
    "extension_wrong_state": _("This extension request was already decided (%(state)s)."),
    "task_has_no_due": _("This task has no due date to extend."),
    "task_closed": _("Task %(task)s is closed."),
    "issue_tasks_open": _("The issue cannot close while its decision tasks are open: %(tasks)s."),
    "issue_closed": _("This issue is closed."),
    "issue_no_decisions": _("An issue closes only through decisions whose tasks are closed; it has none."),
    "level_not_higher": _("An issue at level %(level)s can only be escalated upwards (got %(value)s)."),
    "policy_parse_failed": _("No measures with responsible units (责任单位) were found in the text."),
    "unknown_column_id": _("No task with id %(id)s that you may change."),
    "duplicate_version": _("Version %(version)s of this list already exists."),
    "file_too_large": _("File %(name)s is larger than %(max)s MB."),
    "file_type_not_allowed": _("File %(name)s is not an accepted evidence type (%(types)s)."),
    "decision_due_or_days": _("Give either a due date or a number of working days."),
    "no_collective_unit": _("Task %(task)s names no collective unit (各综合保税区管理机构, 综合保税区所在区政府) to expand."),
    "collective_without_members": _("The collective units %(units)s have no member units yet: add the districts or zone administrations under them first."),
    "expand_weighted": _("This task rolls up by weights; new sub-tasks would break them. Switch it to the average first, expand, then set the weights."),
    "assessment_frozen": _("The assessment of %(year)s is frozen (version %(version)s); give a reason to freeze a new version."),
    "report_exists": _("Unit %(unit)s already reported on this task for %(period)s; a new report is possible once that one is returned."),
})

CODED_PARAMS.update({"progress_computed": {"mode": "progress_mode"}})
