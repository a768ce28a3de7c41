from django.urls import path

from . import views

app_name = "parking"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("starten/", views.start, name="start"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/betalen/", views.pay, name="pay"),
    path("<uuid:uuid>/verlengen/", views.extend, name="extend"),
    path("<uuid:uuid>/stoppen/", views.stop, name="stop"),
    path("<uuid:uuid>/annuleren/", views.cancel, name="cancel"),
]
