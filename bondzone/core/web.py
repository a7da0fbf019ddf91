"""Helpers for server-rendered pages: pagination, error display, the actor of a request."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest

from .actor import Actor, actor_of
from .domain.errors import DomainError
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


def flash_refusal(request: HttpRequest, exc: DomainError) -> None:
    """Show a refused form's problems as flashed messages ("field: message") for the page it redirects to.
    A 403 or 404 is raised on, for `page` to answer with a page of its own."""
    if exc.status in (403, 404):
        raise exc
    for e in errors_of(exc):
        messages.error(request, f"{e['field']}: {e['message']}" if e["field"] else e["message"])


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def page(fn=None, *, login: bool = True):
    """Decorator for page views: a NotFound from the scoped selectors is a 404 (existence is never
    leaked) and a refused action renders a 403 page with the reason; login required unless login=False."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.http import Http404

    from .domain.errors import NotFound
    from .views import forbidden

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                if exc.status == 403:
                    return forbidden(request, errors=errors_of(exc))
                raise

        return login_required(wrapper) if login else wrapper

    return decorate(fn) if fn is not None else decorate
