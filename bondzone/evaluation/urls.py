from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("runs/new", views.run_create, name="run-create"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/zones/<int:zone_id>/", views.run_zone, name="run-zone"),
    path("runs/<int:run_id>/reproduce", views.run_reproduce, name="run-reproduce"),
    path("runs/<int:run_id>/sensitivity", views.run_sensitivity, name="run-sensitivity"),
    path("runs/<int:run_id>/publish", views.run_publish, name="run-publish"),
    path("runs/<int:run_id>/exit-watch/<int:zone_id>/rectification", views.run_rectify, name="run-rectify"),
    path("runs/<int:run_id>/export", views.run_export, name="run-export"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/<int:framework_id>/", views.framework, name="framework"),
    path("frameworks/<int:framework_id>/clone", views.framework_clone, name="framework-clone"),
    path("frameworks/<int:framework_id>/weights", views.framework_weights, name="framework-weights"),
    path("frameworks/<int:framework_id>/indicators/new", views.framework_indicator_add, name="framework-indicator-add"),
    path("frameworks/<int:framework_id>/indicators/<int:indicator_id>/remove", views.framework_indicator_remove,
         name="framework-indicator-remove"),
    path("frameworks/<int:framework_id>/indicators/<int:indicator_id>/", views.framework_indicator,
         name="framework-indicator"),
    path("values/", views.values, name="values"),
    path("values/new", views.value_create, name="value-create"),
    path("values/import", views.values_import, name="values-import"),
    path("values/export", views.values_export, name="values-export"),
    path("values/compute", views.values_compute, name="values-compute"),
    path("zones/", views.zones, name="zones"),
    path("zones/new", views.zone_create, name="zone-create"),
    path("zones/<int:zone_id>/", views.zone, name="zone"),
    path("zones/<int:zone_id>/edit", views.zone_edit, name="zone-edit"),
    path("zones/<int:zone_id>/areas", views.zone_area, name="zone-area"),
]
