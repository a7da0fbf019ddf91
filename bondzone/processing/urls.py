from django.urls import path

from . import views

app_name = "processing"
urlpatterns = [
    path("", views.index, name="index"),
    path("books/<int:hbook_id>/", views.book, name="book"),
    path("books/<int:hbook_id>/boms/", views.bom_declare, name="bom-declare"),
    path("boms/<int:bom_id>/decide/", views.bom_decide, name="bom-decide"),
    path("books/<int:hbook_id>/production/", views.production_create, name="production-create"),
    path("books/<int:hbook_id>/stocktakes/", views.stocktake_create, name="stocktake-create"),
    path("stocktakes/<int:stocktake_id>/", views.stocktake, name="stocktake"),
    path("books/<int:hbook_id>/writeoffs/", views.writeoff_create, name="writeoff-create"),
    path("writeoffs/<int:writeoff_id>/", views.writeoff, name="writeoff"),
    path("writeoffs/<int:writeoff_id>/progress/", views.writeoff_progress, name="writeoff-progress"),
    path("writeoffs/<int:writeoff_id>/xlsx/", views.writeoff_xlsx, name="writeoff-xlsx"),
]
