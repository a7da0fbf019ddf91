from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("calendar/", views.calendar_index, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/add-year/", views.calendar_add_year, name="calendar_add_year"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/export/", views.calendar_export, name="calendar_export"),
    path("calendar/<int:year>/delete/", views.calendar_delete_year, name="calendar_delete_year"),
    path("calendar/<int:year>/days/", views.calendar_add_day, name="calendar_add_day"),
    path("calendar/<int:year>/days/<int:day_id>/delete/", views.calendar_delete_day, name="calendar_delete_day"),
]
