"""Links between related objects that every part shows the same way."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_link(context, object_type: str, object_id) -> str:
    """"Audit trail of this object", for readers who may open the audit trail."""
    a = context.get("actor")
    if a is None or not a.can("core.view_audit"):
        return ""
    url = reverse("sharing:audit") + "?" + urlencode({"object_type": object_type, "object_id": object_id})
    return format_html('<a class="button secondary" href="{}" data-testid="audit-link">{}</a>', url,
                       _("Audit trail of this object"))
