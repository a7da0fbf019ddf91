from django.urls import path

from . import views

app_name = "cbec"
urlpatterns = [
    path("", views.orders, name="orders"),
    path("consolidations/", views.consolidations, name="consolidations"),
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/<int:settlement_id>/pay", views.settlement_pay, name="settlement-pay"),
    path("orders/<int:order_id>/", views.order, name="order"),
    path("orders/<int:order_id>/payment", views.order_payment, name="order-payment"),
    path("orders/<int:order_id>/waybill", views.order_waybill, name="order-waybill"),
    path("orders/<int:order_id>/release", views.order_release, name="order-release"),
    path("orders/<int:order_id>/return", views.order_return, name="order-return"),
]
