from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from .api import api

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("bondzone/favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("bondzone.core.urls")),
    path("supervision/", include("bondzone.supervision.urls")),
    path("sharing/", include("bondzone.sharing.urls")),
    path("governance/", include("bondzone.governance.urls")),
    path("evaluation/", include("bondzone.evaluation.urls")),
    path("duties/", include("bondzone.duties.urls")),
    path("cbec/", include("bondzone.cbec.urls")),
    path("gate/", include("bondzone.gate.urls")),
    path("processing/", include("bondzone.processing.urls")),
    path("services/", include("bondzone.servicedesk.urls")),
]

handler403 = "bondzone.core.error_pages.forbidden"
handler404 = "bondzone.core.error_pages.not_found"
handler500 = "bondzone.core.error_pages.server_error"
