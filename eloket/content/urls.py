from django.urls import path

from . import views

app_name = "content"
urlpatterns = [
    path("veelgestelde-vragen/", views.faq, name="faq"),
    path("reglementen/", views.regulations, name="regulations"),
    path("reglementen/<slug:slug>/", views.regulation, name="regulation"),
    path("reglementen/<slug:slug>/document/", views.regulation_document, name="regulation_document"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
]
