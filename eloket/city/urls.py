from django.urls import path

from . import views

app_name = "city"
urlpatterns = [
    path("logo/", views.logo, name="logo"),
    path("tarieven/", views.tariffs, name="tariffs"),
    path("boetes/", views.fines, name="fines"),
    path("zone-zoeken/", views.zone_finder, name="zone_finder"),
]
