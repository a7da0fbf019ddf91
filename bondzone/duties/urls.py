from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("quote/", views.quote, name="quote"),
    path("rates/", views.tax_rates, name="rates"),
    path("rates/<int:rate_id>/end", views.tax_rate_end, name="rate-end"),
    path("fx/", views.exchange_rates, name="fx"),
    path("guarantees/", views.guarantees, name="guarantees"),
    path("guarantees/export", views.guarantees_export, name="guarantees-export"),
    path("guarantees/lodge", views.guarantee_lodge, name="guarantee-lodge"),
    path("guarantees/<int:guarantee_id>/", views.guarantee, name="guarantee"),
    path("guarantees/<int:guarantee_id>/move", views.guarantee_move, name="guarantee-move"),
    path("regimes/", views.regimes, name="regimes"),
    path("regimes/export", views.regimes_export, name="regimes-export"),
    path("regimes/new", views.regime_open, name="regime-open"),
    path("regimes/<int:regime_id>/", views.regime, name="regime"),
    path("regimes/<int:regime_id>/extend", views.regime_extend, name="regime-extend"),
    path("regimes/<int:regime_id>/close", views.regime_close, name="regime-close"),
]
