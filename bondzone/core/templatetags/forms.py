"""A refused form shown again (core.web.flash_refusal): each input keeps what was typed, is marked invalid and
has its message under it.

    {% load forms %}
    <label for="report-progress">…</label>
    <input id="report-progress" name="progress" value="{% typed 'report' 'progress' task.progress %}"
           {% invalid 'report' 'progress' %}>
    {% field_errors 'report' 'progress' %}

Rows of a repeated group name their fields as the problems do: {% indexed "lines" forloop.counter "quantity" as f %}.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _state(context, form: str) -> dict:
    state = context.get("refused_form") or {}
    return state if state and state.get("form") == form else {}


@register.simple_tag(takes_context=True)
def typed(context, form: str, field: str, default=""):
    """What was typed into the field of the refused form, else `default`."""
    data = _state(context, form).get("data", {})
    return data[field] if field in data else ("" if default is None else default)


@register.simple_tag(takes_context=True)
def invalid(context, form: str, field: str):
    if field not in _state(context, form).get("errors", {}):
        return ""
    return format_html(' aria-invalid="true" aria-describedby="{}-{}-error"', form, field)


@register.simple_tag(takes_context=True)
def field_errors(context, form: str, field: str):
    messages = _state(context, form).get("errors", {}).get(field)
    if not messages:
        return ""
    return format_html('<span class="field-error" id="{}-{}-error" data-field="{}">{}</span>', form, field, field,
                       format_html_join(" ", "{}", ((m,) for m in messages)))


@register.simple_tag
def indexed(group: str, n, field: str) -> str:
    """The problem field of one row of a repeated group: {% indexed "lines" 2 "quantity" %} -> lines[2].quantity."""
    return f"{group}[{n}].{field}"
