"""Who sees which service-desk rows.

- enterprise users: their own enterprise's requests;
- the service centre (zone administration): its zone's requests; the commerce bureau: all requests;
- other staff: the requests their unit (governance UnitMember) leads or co-handles;
- categories are visible to everyone (the public Open311 list shows the active ones);
- knowledge articles: published ones to everyone logged in, drafts only to their writers;
- investment guide versions: published ones to everyone, every version to staff; changed (published) by the
  zone administration of the zone and the platform admin;
- promotion projects and events: commerce and the platform admin all; the zone administration its zone's
  (and writes them); other staff read their zone's (all when they have no zone) and their units' projects.
"""

from django.db.models import Q

from bondzone.core.domain.roles import Role
from bondzone.core.scoping import scope_rule

from .models import (
    Article, Category, GuideVersion, Project, ProjectMove, PromotionEvent, SpaceListing, EnterpriseMember, Pause, Registration, RegistrationDocument, Reminder, RequestEvent,
    ServiceRequest,
)


@scope_rule(Category)
def categories(qs, actor, action):
    return qs


@scope_rule(ServiceRequest)
def requests(qs, actor, action):
    if actor.role == Role.COMMERCE:
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=actor.enterprise_id)
    return qs.filter(pk__in=_visible(actor))


def _visible(actor):
    q = Q(lead_unit__members__user_id=actor.user_id) | Q(co_units__members__user_id=actor.user_id)
    if actor.role == Role.ZONE_ADMIN and actor.zone_id is not None:
        q |= Q(zone_id=actor.zone_id)
    return ServiceRequest.objects.filter(q).values("pk")


@scope_rule(RequestEvent)
def events(qs, actor, action):
    qs = qs.filter(request__in=requests(ServiceRequest.objects.all(), actor, action))
    return qs.filter(internal=False) if actor.role == Role.ENTERPRISE else qs


@scope_rule(Pause)
def pauses(qs, actor, action):
    return qs.filter(request__in=requests(ServiceRequest.objects.all(), actor, action))


@scope_rule(Reminder)
def reminders(qs, actor, action):
    return qs.none() if actor.role == Role.ENTERPRISE else qs.filter(
        request__in=requests(ServiceRequest.objects.all(), actor, action))


@scope_rule(Registration)
def registrations(qs, actor, action):
    if not actor.can("servicedesk.view_registrations"):
        return qs.none()
    if actor.role == Role.ZONE_ADMIN:
        return qs.filter(zone_id=actor.zone_id) if actor.zone_id is not None else qs
    return qs if action == "view" else qs.none()  # market supervision reads the applications


@scope_rule(RegistrationDocument)
def registration_documents(qs, actor, action):
    return qs.filter(registration__in=registrations(Registration.objects.all(), actor, action))


@scope_rule(EnterpriseMember)
def enterprise_members(qs, actor, action):
    if actor.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=actor.enterprise_id)
    if actor.zone_id is not None:
        return qs.filter(enterprise__zone_id=actor.zone_id)
    return qs


@scope_rule(Article)
def articles(qs, actor, action):
    if actor.can("servicedesk.write_knowledge"):
        return qs
    return qs.filter(published=True) if action == "view" else qs.none()


@scope_rule(GuideVersion)
def guide_versions(qs, actor, action):
    if action == "view":
        return qs if actor.can("servicedesk.view_guide_drafts") else qs.filter(status="published")
    if not actor.can("servicedesk.write_guide"):
        return qs.none()
    return qs.filter(zone_id=actor.zone_id) if actor.role == Role.ZONE_ADMIN else qs


@scope_rule(SpaceListing)
def spaces(qs, actor, action):
    return qs.filter(guide__in=guide_versions(GuideVersion.objects.all(), actor, action))


def _promotion(qs, actor, action, unit_path: str):
    if actor.role in (Role.COMMERCE, Role.PLATFORM_ADMIN):
        return qs
    if actor.role == Role.ZONE_ADMIN:
        return qs.filter(zone_id=actor.zone_id) if actor.zone_id is not None else qs.none()
    if action != "view" or not actor.can("servicedesk.view_promotion"):
        return qs.none()
    if actor.zone_id is None:
        return qs
    # a subquery, not a join: a join to the unit's members would repeat a project once per member and
    # double its count in the GROUP BYs of the conversion chart
    seen = qs.model.objects.filter(Q(zone_id=actor.zone_id) | Q(**{f"{unit_path}__members__user_id": actor.user_id}))
    return qs.filter(pk__in=seen.values("pk"))


@scope_rule(Project)
def projects(qs, actor, action):
    return _promotion(qs, actor, action, "unit")


@scope_rule(ProjectMove)
def project_moves(qs, actor, action):
    return qs.filter(project__in=projects(Project.objects.all(), actor, action))


@scope_rule(PromotionEvent)
def promotion_events(qs, actor, action):
    return _promotion(qs, actor, action, "unit")
