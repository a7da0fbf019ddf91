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
    path("knowledge/", views.knowledge, name="knowledge"),
    path("knowledge/new/", views.article_new, name="article-new"),
    path("knowledge/<int:article_id>/", views.article, name="article"),
    path("knowledge/<int:article_id>/edit/", views.article_edit, name="article-edit"),
    path("knowledge/<int:article_id>/publish/", views.article_publish, name="article-publish"),
    path("members/", views.members, name="members"),
]
