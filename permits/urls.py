from django.urls import path

from . import views

app_name = "permits"
urlpatterns = [
    path("", views.permit_list, name="list"),
    path("bewonerskaart/", views.apply_resident, name="apply_resident"),
    path("parkeerkaart-handicap/", views.apply_disability, name="apply_disability"),
    path("zorgverstrekker/", views.apply_care, name="apply_care"),
    path("bezoekers/", views.visitors_page, name="visitors"),
    path("bezoekers/<int:pk>/stoppen/", views.visit_stop, name="visit_stop"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/betalen/", views.pay, name="pay"),
    path("<int:pk>/antwoorden/", views.answer, name="answer"),
    path("<int:pk>/verlengen/", views.renew, name="renew"),
    path("<int:pk>/nummerplaat/", views.change_plate, name="change_plate"),
    path("<int:pk>/stopzetten/", views.cancel, name="cancel"),
    path("<int:pk>/bestanden/<int:document_pk>/", views.document, name="document"),
]
