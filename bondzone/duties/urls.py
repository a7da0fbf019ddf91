from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("quote/", views.quote, name="quote"),
    path("rates/", views.tax_rates, name="rates"),
    path("rates/<int:rate_id>/end", views.tax_rate_end, name="rate-end"),
    path("fx/", views.exchange_rates, name="fx"),
]
