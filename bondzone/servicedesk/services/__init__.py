"""Writes of the service desk, by subject: categories, requests, knowledge articles (and onboarding of enterprises)."""

from .categories import DEFAULT_LIMITS, category_snapshot, create_category, update_category
from .knowledge import article_snapshot, create_article, publish_article, update_article
from .onboarding import add_member, register, review, set_roles
from .requests import (
    STEPS, add_co_unit, add_note, callback, dispatch, escalate, extend, file_request, link_article, pause, perform,
    rate, reply, request_snapshot, resume, return_request, run_reminders, sign, start, transfer,
)

__all__ = [
    "DEFAULT_LIMITS", "STEPS", "add_co_unit", "add_note", "callback", "category_snapshot", "create_category",
    "dispatch", "escalate", "extend", "file_request", "pause", "perform", "rate", "reply", "request_snapshot",
    "resume", "return_request", "run_reminders", "sign", "start", "transfer", "update_category",
    "add_member", "register", "review", "set_roles",
    "article_snapshot", "create_article", "link_article", "publish_article", "update_article",
]
from .guide import (  # noqa: E402
    guide_snapshot, may_write_zone, publish_guide, spaces_as_lines, spaces_from_lines, write_guide, zone_of,
)
from .promotion import (  # noqa: E402
    create_project, move_project, project_snapshot, put_on_key_list, record_event, update_project,
)

__all__ += [
    "guide_snapshot", "may_write_zone", "publish_guide", "spaces_as_lines", "spaces_from_lines", "write_guide",
    "zone_of",
    "create_project", "move_project", "project_snapshot", "put_on_key_list", "record_event", "update_project",
]
