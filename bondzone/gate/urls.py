from django.urls import path

from . import views

app_name = "gate"
urlpatterns = [
    path("", views.slip_index, name="slips"),
    path("slips/new/", views.slip_create, name="slip-create"),
    path("slips/<int:slip_id>/", views.slip_detail, name="slip"),
    path("slips/<int:slip_id>/sas121.xml", views.slip_sas121, name="slip-sas121"),
    path("slips/<int:slip_id>/<str:action>/", views.slip_action, name="slip-action"),
    path("door/", views.door_passages, name="door"),
    path("door/lists/<int:list_id>/change/", views.door_list_change, name="door-list-change"),
    path("screen/", views.screen, name="screen"),
    path("screen/feed/", views.screen_feed, name="screen-feed"),
    path("settings/<int:zone_id>/", views.zone_settings, name="settings"),
]
