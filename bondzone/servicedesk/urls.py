from django.urls import path

from . import views

app_name = "servicedesk"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("requests/<int:request_id>/", views.detail, name="request"),
    path("requests/<int:request_id>/<str:action>/", views.action, name="action"),
    path("categories/", views.categories, name="categories"),
    path("categories/save/", views.category_save, name="category-save"),
    path("rates/", views.dashboard, name="rates"),
]
