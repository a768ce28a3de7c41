from django.urls import path

from . import views

app_name = "city"
urlpatterns = [
    path("logo/", views.logo, name="logo"),
]
