from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [path("audit/", views.audit, name="audit")]
