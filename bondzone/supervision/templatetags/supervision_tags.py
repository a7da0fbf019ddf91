"""Display helpers: code → label in the request's language."""

from django import template
from django.utils.translation import get_language, pgettext

from ..domain.codes import TRADE_MODES, UNITS
from ..models import ENTRY_KIND_LABELS, GOODS_STATUS_LABELS, POSTING_STATE_LABELS

register = template.Library()


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


@register.filter
def goods_status(value: str) -> str:
    return str(GOODS_STATUS_LABELS.get(value, value))


@register.filter
def unit_name(code: str) -> str:
    unit = UNITS.get(code)
    if unit is None:
        return code
    return f"{code} {unit.name_zh if _zh() else unit.name_en}"


@register.filter
def unit_names(codes) -> str:
    """Several units, each as "035 千克", in a list of the reader's language."""
    return pgettext("list separator", ", ").join(unit_name(code) for code in codes)


@register.filter
def trade_mode(code: str) -> str:
    mode = TRADE_MODES.get(code)
    if mode is None:
        return code
    return f"{code} {mode.name_zh if _zh() else mode.name_en}"


@register.filter
def list_status(value: str) -> str:
    from ..models import LIST_STATUS_LABELS

    return str(LIST_STATUS_LABELS.get(value, value))


@register.filter
def entry_kind(value: str) -> str:
    return str(ENTRY_KIND_LABELS.get(value, value))


@register.filter
def posting_state(value: str) -> str:
    return str(POSTING_STATE_LABELS.get(value, value))
