from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("print/", views.print_ledger, name="print"),
    path("export/", views.export_ledger, name="export"),
    path("import/", views.import_ledger, name="import"),
    path("public/", views.public, name="public"),
    path("leadership/", views.leadership, name="leadership"),
    path("my/", views.my_unit, name="my-unit"),
    path("units/<int:unit_id>/", views.unit_dashboard, name="unit"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:task_id>/weights/", views.task_weights, name="task-weights"),
    path("tasks/<int:task_id>/add/", views.task_add_child, name="task-add-child"),
    path("tasks/<int:task_id>/report/", views.report_create, name="report-create"),
    path("tasks/<int:task_id>/extension/", views.extension_create, name="extension-create"),
    path("reports/<int:report_id>/review/", views.report_review, name="report-review"),
    path("extensions/<int:extension_id>/decide/", views.extension_decide, name="extension-decide"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("lists/", views.lists, name="lists"),
    path("lists/<int:annual_list_id>/", views.list_detail, name="list"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_create, name="issue-create"),
    path("issues/<int:issue_id>/", views.issue_detail, name="issue"),
    path("issues/<int:issue_id>/<str:action>/", views.issue_action, name="issue-action"),
]
