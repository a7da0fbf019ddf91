"""Helpers for server-rendered pages: pagination, error display, the actor of a request."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import labels, tabular
from .actor import Actor, actor_of
from .domain.errors import DomainError, problem
from .messages import as_dicts

PER_PAGE = 50


def actor(request: HttpRequest) -> Actor:
    return actor_of(request.user)


def page_of(request: HttpRequest, qs, per_page: int = PER_PAGE):
    """The requested page plus the query string (without `page`) to keep filters in pager links."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    prefix = params.urlencode()
    return page, (prefix + "&") if prefix else ""


def errors_of(exc: DomainError) -> list[dict]:
    return as_dicts(exc.problems)


REFUSED_FORM = "bondzone.refused_form"
_INDEXED = re.compile(r"^(?P<group>\w+)\[(?P<n>\d+)\]\.?(?P<rest>[\w.]*)$")


def field_label(field: str) -> str:
    """A problem's field in words: "progress" -> 进度, "lines[2].quantity" -> 第 2 项 数量; "" when the field
    has no name people know (its message is then shown alone, never the key)."""
    m = _INDEXED.match(field)
    if m:
        inner = labels.name("field", m["rest"], default="") if m["rest"] else ""
        return (_("item %(n)s %(field)s") % {"n": m["n"], "field": inner}).strip()
    return labels.name("field", field, default="")


def input_of(field: str) -> str:
    """The form input a problem's field belongs to: "files[1]" -> "files"; "lines[2].quantity" stays whole."""
    m = _INDEXED.match(field)
    return m["group"] if m and not m["rest"] else field


def flash_refusal(request: HttpRequest, exc: DomainError, *, form: str = "", fields: tuple[str, ...] = ()) -> None:
    """Show a refused form's problems on the page the browser is sent back to. With `form` (a name for the
    form on that page) and its input `fields`, the problems of those inputs are shown under them with what
    was typed (core.templatetags.forms reads them back, once); the others are flashed, named in words.
    A 403 or 404 is raised on, for `page` to answer with a page of its own."""
    if exc.status in (403, 404):
        raise exc
    inline: dict[str, list[str]] = {}
    for e in errors_of(exc):
        name = input_of(e["field"])
        if form and name in fields:
            inline.setdefault(name, []).append(e["message"])
            continue
        label = field_label(e["field"])
        messages.error(request, f"{label}: {e['message']}" if label else e["message"])
    if inline:
        data = {f: request.POST.getlist(f) if len(request.POST.getlist(f)) > 1 else request.POST.get(f, "")
                for f in fields if f in request.POST}
        request.session[REFUSED_FORM] = {"form": form, "errors": inline, "data": data}
        messages.error(request, _("The form was not saved: correct the marked fields."))


def refused_form(request: HttpRequest) -> dict | None:
    """The refused form's problems and typed values, once (the page after the redirect takes them)."""
    session = getattr(request, "session", None)
    return session.pop(REFUSED_FORM, None) if session is not None else None


class BadRequest(DomainError):
    """A request no page can answer as asked (an export in a format it is not written in): `page` answers
    it with the 400 error page."""


def export_format(request: HttpRequest, *, default: str = "csv", accepted=tuple(tabular.FORMATS)) -> str:
    """The `?format=` of a page export; one the export is not written in is refused naming those it is."""
    fmt = request.GET.get("format", default)
    if fmt not in accepted:
        raise BadRequest(problem("format", "unknown_export_format", value=fmt, choices=", ".join(accepted)))
    return fmt


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def page(fn=None, *, login: bool = True):
    """Decorator for page views: a NotFound from the scoped selectors is a 404 (existence is never
    leaked), a refused action renders a 403 page with the reason and a BadRequest the 400 page; login
    required unless login=False."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.http import Http404

    from .domain.errors import NotFound
    from .error_pages import bad_request, forbidden

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except BadRequest as exc:
                return bad_request(request, errors_of(exc))
            except DomainError as exc:
                if exc.status == 403:
                    return forbidden(request, errors=errors_of(exc))
                raise

        return login_required(wrapper) if login else wrapper

    return decorate(fn) if fn is not None else decorate
