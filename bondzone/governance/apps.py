from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "policy.load": _("policy loaded"),
    "task.import": _("task imported"),
    "task.create": _("task created"),
    "task.update": _("task changed"),
    "task.set_weights": _("sub-task weights set"),
    "task.progress": _("task progress rolled up"),
    "task.extend": _("due date extended"),
    "unit.create": _("unit created"),
    "unit.add_member": _("unit member added"),
    "report.submit": _("progress report submitted"),
    "report.accept": _("progress report accepted"),
    "report.return": _("progress report returned"),
    "extension.request": _("extension requested"),
    "extension.approve": _("extension approved"),
    "extension.reject": _("extension rejected"),
    "annual_list.create": _("annual list created"),
    "annual_list.revise": _("annual list revised"),
    "annual_list.carry_over": _("annual list carried over"),
    "meeting.create": _("joint meeting recorded"),
    "issue.raise": _("issue raised"),
    "issue.escalate": _("issue escalated"),
    "issue.decide": _("issue decided"),
    "issue.close": _("issue closed"),
    "reminders.run": _("reminders sent"),
    "task.confirm_lead": _("lead unit confirmed"),
    "task.change_lead": _("lead unit changed"),
    "task.expand": _("collective units expanded"),
    "task.sign": _("task signed for (签收)"),
    "notice.issue": _("notice issued (情况通报)"),
    "assessment.rules": _("assessment weights set"),
    "assessment.freeze": _("assessment frozen"),
}
PROGRESS_MODES = {"manual": _("manual"), "average": _("average of sub-tasks"),
                  "weighted": _("weighted (weights sum to 100)")}
CADENCES = {"monthly": _("monthly"), "quarterly": _("quarterly"), "half_yearly": _("half-yearly")}
REMINDER_KINDS = {"near_due": _("near the due date"), "overdue": _("overdue"),
                  "escalated": _("escalated to the unit's leader"), "report_due": _("progress report due")}
LIGHTS = {"green": _("On schedule"), "yellow": _("Near due or behind schedule"), "red": _("Overdue"),
          "no_deadline": _("No deadline"), "no_calendar": _("No working-day calendar")}


class GovernanceConfig(AppConfig):
    """实施保障: the policy task ledger, annual lists, joint-meeting escalation."""

    name = "bondzone.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from bondzone.core import labels

        from . import models, permissions, scopes, tasks  # noqa: F401

        labels.register("audit_action", AUDIT_ACTIONS)
        labels.register("progress_mode", PROGRESS_MODES)
        labels.register("cadence", CADENCES)
        labels.register("reminder_kind", REMINDER_KINDS)
        labels.register("light", LIGHTS)
        labels.register("task_status", dict(models.TaskStatus.choices))
        labels.register("unit_kind", dict(models.UnitKind.choices))
        labels.register("level", dict(models.Level.choices))
