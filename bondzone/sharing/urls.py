from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("", views.index, name="index"),
    path("audit/", views.audit, name="audit"),
    path("audit/export/", views.audit_export, name="audit-export"),
    path("agency/", views.agency_index, name="agency-index"),
    path("agency/<slug:dataset>/", views.agency, name="agency"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/new/", views.subscription_create, name="subscription-create"),
    path("subscriptions/<int:subscription_id>/<slug:action>/", views.subscription_action, name="subscription-action"),
    path("notifications/", views.notifications, name="notifications"),
    path("deliveries/<int:delivery_id>/", views.delivery, name="delivery"),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery-retry"),
    path("exports/", views.scheduled_exports, name="exports"),
    path("exports/new/", views.export_create, name="export-create"),
    path("exports/<int:scheduled_export_id>/<slug:action>/", views.export_action, name="export-action"),
    path("exports/runs/<int:export_run_id>/download/", views.export_download, name="export-download"),
]
