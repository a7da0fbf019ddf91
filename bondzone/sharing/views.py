from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from bondzone.core import selectors
from bondzone.core.error_pages import forbidden
from bondzone.core.web import actor, page_of


@login_required
def audit(request):
    a = actor(request)
    if not a.can("core.view_audit"):
        return forbidden(request)
    qs = selectors.audit_events(a, action=request.GET.get("action", "").strip(),
                                request_id=request.GET.get("request_id", "").strip(),
                                object_type=request.GET.get("object_type", "").strip(),
                                object_id=request.GET.get("object_id", "").strip())
    page, prefix = page_of(request, qs)
    return render(request, "sharing/audit.html", {"page": page, "querystring_prefix": prefix})
