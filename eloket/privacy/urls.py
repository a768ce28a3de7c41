from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.index, name="index"),
    path("privacy/download/", views.export, name="export"),
    path("privacy/download/lijst/", views.exports, name="exports"),
    path("privacy/download/<uuid:token>/", views.download, name="download"),
    path("account-verwijderen/", views.delete_account, name="delete"),
    path("account-verwijderd/", views.deleted, name="deleted"),
]
