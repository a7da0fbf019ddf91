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
    path("register/", views.register, name="register"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:registration_id>/", views.registration, name="registration"),
    path("registrations/<int:registration_id>/review/", views.registration_review, name="registration-review"),
    path("documents/<int:document_id>/", views.registration_document, name="document"),
    path("members/", views.members, name="members"),
]
