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
    path("regimes/<int:regime_id>/lists", views.regime_link, name="regime-link"),
    path("domestic/", views.domestic_sales, name="domestic-sales"),
    path("domestic/new", views.domestic_new, name="domestic-new"),
    path("domestic/<int:sale_id>/", views.domestic_sale, name="domestic-sale"),
    path("domestic/<int:sale_id>/choose", views.domestic_choose, name="domestic-choose"),
    path("domestic/<int:sale_id>/confirm", views.domestic_confirm, name="domestic-confirm"),
    path("domestic/<int:sale_id>/withdraw", views.domestic_withdraw, name="domestic-withdraw"),
    path("domestic/<int:sale_id>/cancel", views.domestic_cancel, name="domestic-cancel"),
    path("tax-bills/", views.tax_bills, name="tax-bills"),
    path("tax-bills/<int:bill_id>/", views.tax_bill, name="tax-bill"),
    path("tax-bills/<int:bill_id>/export", views.tax_bill_export, name="tax-bill-export"),
    path("tax-bills/<int:bill_id>/pay", views.tax_bill_pay, name="tax-bill-pay"),
]
