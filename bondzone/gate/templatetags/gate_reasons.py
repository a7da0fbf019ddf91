"""A gate reason ({"code", "params"} as stored with a passage or an inspection) as a sentence in the page's
language (core.messages), for the officer's screen and the slip page; the code stays in `data-code`."""

from django import template

from bondzone.core.domain.errors import Problem
from bondzone.core.messages import render

register = template.Library()


@register.filter
def reason(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    return render(Problem("", str(value.get("code", "")), dict(value.get("params") or {})))
