from django.urls import path

from . import manage_views, views

app_name = "appointments"
urlpatterns = [
    path("", views.book, name="book"),
    path("plaats/", views.location, name="location"),
    path("vragen/", views.questions, name="questions"),
    path("tijdstip/", views.slot, name="slot"),
    path("gegevens/", views.contact, name="contact"),
    path("bevestigen/", views.confirm, name="confirm"),
    path("link/bevestigen/<str:token>/", manage_views.confirm_link, name="confirm_link"),
    path("link/<str:token>/", manage_views.manage_link, name="manage_link"),
    path("<int:pk>/", manage_views.detail, name="detail"),
    path("<int:pk>/bevestigen/", manage_views.verify, name="verify"),
    path("<int:pk>/verplaatsen/", manage_views.reschedule, name="reschedule"),
    path("<int:pk>/annuleren/", manage_views.cancel, name="cancel"),
    path("<int:pk>/afspraak.ics", manage_views.calendar_file, name="ics"),
]
