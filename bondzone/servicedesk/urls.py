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
    path("guide/", views.guides, name="guides"),
    path("guide/versions/<int:version_id>/", views.guide_version, name="guide-version"),
    path("guide/versions/<int:version_id>/publish/", views.guide_publish, name="guide-publish"),
    path("guide/<str:zone_code>/", views.guide, name="guide"),
    path("guide/<str:zone_code>/pdf/", views.guide_pdf, name="guide-pdf"),
    path("guide/<str:zone_code>/versions/", views.guide_versions, name="guide-versions"),
    path("guide/<str:zone_code>/edit/", views.guide_edit, name="guide-edit"),
    path("promotion/", views.promotion, name="promotion"),
    path("promotion/new/", views.project_new, name="project-new"),
    path("promotion/export/", views.promotion_export, name="promotion-export"),
    path("promotion/events/", views.promotion_events, name="promotion-events"),
    path("promotion/<int:project_id>/", views.project, name="project"),
    path("promotion/<int:project_id>/move/", views.project_move, name="project-move"),
    path("promotion/<int:project_id>/key-list/", views.project_key_list, name="project-key-list"),
]
