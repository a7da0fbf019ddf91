"""Template side of core.labels: {{ value|label:"kind" }} and {{ value|coded:"kind" }}."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def label(value, kind: str) -> str:
    return labels.name(kind, value)


@register.filter
def coded(value, kind: str) -> str:
    return labels.coded(kind, value)
