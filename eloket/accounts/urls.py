from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("gegevens/", views.profile, name="profile"),
    path("voertuigen/nieuw/", views.vehicle_add, name="vehicle_add"),
    path("voertuigen/<int:pk>/", views.vehicle_edit, name="vehicle_edit"),
    path("voertuigen/<int:pk>/verwijderen/", views.vehicle_delete, name="vehicle_delete"),
]
