from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("books/", views.book_list, name="books"),
    path("books/<int:book_id>/", views.book_detail, name="book"),
    path("books/<int:book_id>/stock/", views.stock_as_of, name="stock-as-of"),
    path("books/<int:book_id>/items/new/", views.item_create, name="item-create"),
    path("books/<int:book_id>/items/<int:item_no>/edit/", views.item_edit, name="item-edit"),
    path("books/<int:book_id>/processing-kind/", views.book_processing_kind, name="book-processing-kind"),
    path("accounts/<int:account_id>/", views.account_movements, name="account"),
    path("lists/", views.list_index, name="lists"),
    path("lists/new/", views.list_create, name="list-create"),
    path("lists/new/line/", views.list_line_row, name="list-line-row"),
    path("lists/new/line-info/", views.list_line_info, name="list-line-info"),
    path("lists/new/trade-modes/", views.list_trade_modes, name="list-trade-modes"),
    path("lists/import/", views.list_import, name="list-import"),
    path("lists/import/template/", views.list_import_template, name="list-import-template"),
    path("lists/<int:list_id>/", views.list_detail, name="list"),
    path("lists/<int:list_id>/edit/", views.list_edit, name="list-edit"),
    path("lists/<int:list_id>/copy/", views.list_copy, name="list-copy"),
    path("lists/<int:list_id>/<str:action>/", views.list_action, name="list-action"),
    path("queue/", views.queue, name="queue"),
    path("queue/approve/", views.queue_approve, name="queue-approve"),
]
